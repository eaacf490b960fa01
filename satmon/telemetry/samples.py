"""Frames to time-series samples: the one conversion every store uses.

A sample is (metric, labels, timestamp, value) with labels `satellite_id` and
`subsystem`. Stores write per series, so a batch keeps each series' timestamps
and values together: that is the layout of VictoriaMetrics' JSON-lines import
and of a SQLite executemany alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from satmon.telemetry.schema import CHANNELS, TelemetryFrame


class SeriesKey(NamedTuple):
    metric: str
    satellite_id: str
    subsystem: str

    @property
    def labels(self) -> dict[str, str]:
        return {"satellite_id": self.satellite_id, "subsystem": self.subsystem}


class Sample(NamedTuple):
    metric: str
    labels: dict[str, str]
    timestamp_ms: int
    value: float


@dataclass(slots=True)
class SeriesPoints:
    timestamps_ms: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)


@dataclass(slots=True)
class SampleBatch:
    """Samples grouped by series; insertion order of series and points is kept."""

    series: dict[SeriesKey, SeriesPoints] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(p.values) for p in self.series.values())

    def add(self, key: SeriesKey, timestamp_ms: int, value: float) -> None:
        points = self.series.get(key)
        if points is None:
            points = self.series[key] = SeriesPoints()
        points.timestamps_ms.append(timestamp_ms)
        points.values.append(value)

    def samples(self) -> Iterator[Sample]:
        for key, points in self.series.items():
            labels = key.labels
            for ts, value in zip(points.timestamps_ms, points.values, strict=True):
                yield Sample(key.metric, labels, ts, value)

    def extend(self, other: SampleBatch) -> None:
        for key, points in other.series.items():
            mine = self.series.get(key)
            if mine is None:
                self.series[key] = SeriesPoints(list(points.timestamps_ms), list(points.values))
            else:
                mine.timestamps_ms.extend(points.timestamps_ms)
                mine.values.extend(points.values)


# (section attribute, field attribute, metric, subsystem) for every sampled channel.
_SAMPLED = tuple((c.subsystem, c.field, c.metric) for c in CHANNELS)


def frames_to_samples(frames: Iterable[TelemetryFrame]) -> SampleBatch:
    """Every numeric and boolean channel of every frame, booleans as 0/1.

    Optional channels that are null (a slant range with no station in view)
    produce no sample rather than a made-up value.
    """
    batch = SampleBatch()
    series = batch.series
    for frame in frames:
        ts = frame.timestamp_ms
        sat = frame.satellite_id
        for section_name, field_name, metric in _SAMPLED:
            value = getattr(getattr(frame, section_name), field_name)
            if value is None:
                continue
            key = SeriesKey(metric, sat, section_name)
            points = series.get(key)
            if points is None:
                points = series[key] = SeriesPoints()
            points.timestamps_ms.append(ts)
            points.values.append(float(value))
    return batch
