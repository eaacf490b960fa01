"""Frames to time-series samples: the one conversion every store uses.

A sample is (metric, labels, timestamp, value) with labels `satellite_id` and
`subsystem`. Stores write per series, so a batch keeps each series' timestamps
and values together: that is the layout of VictoriaMetrics' JSON-lines import
and of a SQLite executemany alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from msgspec.structs import astuple

from satmon.telemetry.schema import CHANNELS, SECTION_TYPES, TelemetryFrame


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
    """One series' samples. Read-only once in a batch from `frames_to_samples`: the
    series of one satellite share a single timestamps tuple there, which lets an
    encoder write those timestamps once per satellite."""

    timestamps_ms: Sequence[int] = field(default_factory=list)
    values: Sequence[float] = field(default_factory=list)


@dataclass(slots=True)
class SampleBatch:
    """Samples grouped by series; insertion order of series and points is kept."""

    series: dict[SeriesKey, SeriesPoints] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(p.values) for p in self.series.values())

    def add(self, key: SeriesKey, timestamp_ms: int, value: float) -> None:
        points = self.series.get(key)
        if points is None:
            self.series[key] = SeriesPoints([timestamp_ms], [value])
            return
        timestamps, values = points.timestamps_ms, points.values
        if not isinstance(timestamps, list) or not isinstance(values, list):
            # a shared tuple from frames_to_samples: this series gets lists of its own
            timestamps, values = list(timestamps), list(values)
            points.timestamps_ms, points.values = timestamps, values
        timestamps.append(timestamp_ms)
        values.append(value)

    def samples(self) -> Iterator[Sample]:
        for key, points in self.series.items():
            labels = key.labels
            for ts, value in zip(points.timestamps_ms, points.values, strict=True):
                yield Sample(key.metric, labels, ts, value)


# Per sampled channel: its section, its field's position in the section's struct, and
# whether it converts to float (flags, counters) or may be null.
_COLUMNS = tuple(
    (
        c.subsystem,
        SECTION_TYPES[c.subsystem].__struct_fields__.index(c.field),
        c.kind != "float",
        c.optional,
    )
    for c in CHANNELS  # same order as _series_keys
)
_SECTIONS = tuple(dict.fromkeys(section for section, _, _, _ in _COLUMNS))


@lru_cache(maxsize=65_536)
def _series_keys(satellite_id: str) -> tuple[SeriesKey, ...]:
    return tuple(SeriesKey(c.metric, satellite_id, c.subsystem) for c in CHANNELS)


def frames_to_samples(frames: Iterable[TelemetryFrame]) -> SampleBatch:
    """Every numeric and boolean channel of every frame, booleans as 0/1.

    Optional channels that are null (a slant range with no station in view)
    produce no sample rather than a made-up value. Series come per satellite in
    the order satellites first appear, channels in catalogue order.
    """
    frames = frames if isinstance(frames, list) else list(frames)
    if not frames:
        return SampleBatch()
    columns = _channel_columns(frames)
    timestamps = _timestamps_ms(frames)
    rows_of: dict[str, list[int]] = {}
    for row, frame in enumerate(frames):
        rows = rows_of.get(frame.satellite_id)
        if rows is None:
            rows_of[frame.satellite_id] = [row]
        else:
            rows.append(row)
    batch = SampleBatch()
    series = batch.series
    for satellite_id, rows in rows_of.items():
        pick = itemgetter(*rows) if len(rows) > 1 else _single(rows[0])
        satellite_timestamps: tuple[int, ...] = pick(timestamps)
        for key, (column, optional) in zip(_series_keys(satellite_id), columns, strict=True):
            values: tuple[Any, ...] = pick(column)
            if optional and None in values:
                pairs = [
                    (t, v)
                    for t, v in zip(satellite_timestamps, values, strict=True)
                    if v is not None
                ]
                if pairs:
                    series[key] = SeriesPoints([t for t, _ in pairs], [v for _, v in pairs])
            else:
                series[key] = SeriesPoints(satellite_timestamps, values)
    return batch


def _channel_columns(frames: list[TelemetryFrame]) -> list[tuple[tuple[Any, ...], bool]]:
    """Per channel, its values in frame order (flags and counters as floats, nulls kept),
    and whether it may be null. A section struct becomes a tuple in one C call and zip
    transposes the tuples: the conversion takes 32 ms per 10,000 frames this way, 36-38 ms
    with a dotted attribute read per channel and frame."""
    by_section = {
        section: list(zip(*map(astuple, map(attrgetter(section), frames)), strict=True))
        for section in _SECTIONS
    }
    columns: list[tuple[tuple[Any, ...], bool]] = []
    for section, position, convert, optional in _COLUMNS:
        column = by_section[section][position]
        if convert:
            column = (
                tuple(None if v is None else float(v) for v in column)
                if optional
                else tuple(map(float, column))
            )
        columns.append((column, optional))
    return columns


def _timestamps_ms(frames: list[TelemetryFrame]) -> list[int]:
    """Each frame's timestamp_ms, converted once per distinct time: a batch holds a fleet's
    frames of a few instants, and the conversion costs six times the lookup."""
    converted: dict[datetime, int] = {}
    found = []
    for frame in frames:
        timestamp_ms = converted.get(frame.timestamp)
        if timestamp_ms is None:
            timestamp_ms = converted[frame.timestamp] = frame.timestamp_ms
        found.append(timestamp_ms)
    return found


def _single(row: int) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """itemgetter of one row returns the item itself; a series needs a tuple."""
    return lambda column: (column[row],)
