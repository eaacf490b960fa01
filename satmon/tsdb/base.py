"""The time-series store port.

Range queries aggregate per step the way VictoriaMetrics' `avg_over_time(m[step])`
evaluated on the grid `start, start+step, ..., end` does: the point at time t is
the mean of the raw samples in (t - step, t]. Grid points with no samples are
omitted. Every adapter follows this, so a chart looks the same on either store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

from satmon.telemetry.samples import SampleBatch, SeriesKey

Aggregate = Literal["avg", "min", "max", "last"]


class Point(NamedTuple):
    timestamp_ms: int
    value: float


@dataclass(frozen=True, slots=True)
class Series:
    key: SeriesKey
    points: list[Point]


@dataclass(frozen=True, slots=True)
class LatestValue:
    key: SeriesKey
    timestamp_ms: int
    value: float


class TimeSeriesStore(Protocol):
    name: str
    url: str

    def write(self, batch: SampleBatch) -> int:
        """Store every sample of the batch; return how many. Idempotent per
        (series, timestamp): writing the same sample twice keeps one."""

    def query_range(
        self,
        metric: str,
        start_ms: int,
        end_ms: int,
        step_ms: int,
        *,
        satellite_id: str | None = None,
        aggregate: Aggregate = "avg",
    ) -> list[Series]:
        """One series per satellite, points on the step grid (see module doc)."""

    def latest(
        self, satellite_id: str | None = None, metrics: Sequence[str] | None = None
    ) -> list[LatestValue]:
        """The newest sample of each matching series."""

    def window(
        self, satellite_id: str, metrics: Sequence[str], size: int, end_ms: int | None = None
    ) -> dict[str, list[Point]]:
        """The last `size` raw samples (oldest first) of each metric up to end_ms."""

    def series(
        self, satellite_id: str | None = None, metric: str | None = None
    ) -> list[SeriesKey]: ...

    def label_values(self, label: Literal["satellite_id", "subsystem", "__name__"]) -> list[str]:
        """Distinct values of a label across all series, sorted."""

    def check_ready(self) -> None:
        """Raise ServiceUnavailableError if the store cannot be used."""

    def close(self) -> None: ...
