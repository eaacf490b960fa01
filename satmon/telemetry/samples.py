"""Frames to time-series samples: the one conversion every store uses.

A sample is (metric, labels, timestamp, value) with labels `satellite_id` and
`subsystem`. Stores write per series, so a batch keeps each series' timestamps
and values together: that is the layout of VictoriaMetrics' JSON-lines import
and of a SQLite executemany alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Any, NamedTuple

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


# Per sampled channel: a getter of its value from a frame, and how to convert it.
# attrgetter with a dotted path runs in C; per channel and satellite, a list
# comprehension then gathers a whole series at once. Converting per sample and
# building a SeriesKey per sample, frame by frame, cost five times as much.
_CHANNELS = tuple(
    (attrgetter(c.path), c.kind != "float", c.optional)
    for c in CHANNELS  # same order as _series_keys
)


@lru_cache(maxsize=65_536)
def _series_keys(satellite_id: str) -> tuple[SeriesKey, ...]:
    return tuple(SeriesKey(c.metric, satellite_id, c.subsystem) for c in CHANNELS)


def frames_to_samples(frames: Iterable[TelemetryFrame]) -> SampleBatch:
    """Every numeric and boolean channel of every frame, booleans as 0/1.

    Optional channels that are null (a slant range with no station in view)
    produce no sample rather than a made-up value. Series come per satellite in
    the order satellites first appear, channels in catalogue order.
    """
    by_satellite: dict[str, list[TelemetryFrame]] = {}
    for frame in frames:
        group = by_satellite.get(frame.satellite_id)
        if group is None:
            by_satellite[frame.satellite_id] = [frame]
        else:
            group.append(frame)
    batch = SampleBatch()
    series = batch.series
    for satellite_id, group in by_satellite.items():
        timestamps = [frame.timestamp_ms for frame in group]
        for key, (get, convert, optional) in zip(
            _series_keys(satellite_id), _CHANNELS, strict=True
        ):
            values: list[Any] = list(map(get, group))
            if optional and None in values:
                pairs = [(t, v) for t, v in zip(timestamps, values, strict=True) if v is not None]
                if not pairs:
                    continue
                points = SeriesPoints([t for t, _ in pairs], [v for _, v in pairs])
            else:
                # each series gets its own timestamp list: a batch's lists are extended in place
                points = SeriesPoints(timestamps.copy(), values)
            if convert:
                points.values = [float(v) for v in points.values]
            series[key] = points
    return batch
