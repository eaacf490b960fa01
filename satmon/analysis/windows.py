"""Rolling windows of each satellite's model inputs, per subsystem: the modelled
channels, then any inputs derived from the satellite's position."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from satmon.serving.base import FloatArray
from satmon.telemetry.derived import POSITION_FIELDS, POSITION_METRICS, model_inputs, with_derived
from satmon.telemetry.schema import SUBSYSTEMS, TelemetryFrame, model_channels
from satmon.tsdb.base import TimeSeriesStore

CHANNELS = {subsystem: model_channels(subsystem) for subsystem in SUBSYSTEMS}
INPUTS = {subsystem: model_inputs(subsystem) for subsystem in SUBSYSTEMS}
POSITION = "position"  # the rows of POSITION_FIELDS, kept beside the subsystems'
MAX_GAP_STEPS = 5


@dataclass(frozen=True, slots=True)
class Window:
    """The last `size` steps of one subsystem, oldest first."""

    subsystem: str
    channels: tuple[str, ...]
    timestamps_ms: list[int]
    values: FloatArray  # (steps, channels)

    @property
    def step_ms(self) -> int:
        return step_ms(self.timestamps_ms)


def step_ms(timestamps_ms: list[int]) -> int:
    """The typical step between timestamps; 1 s for fewer than two."""
    if len(timestamps_ms) < 2:
        return 1000
    return int(np.median(np.diff(timestamps_ms)))


class SatelliteWindows:
    """Per-satellite rolling windows, fed frame by frame."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._timestamps: dict[str, deque[int]] = {}
        self._rows: dict[tuple[str, str], deque[tuple[float, ...]]] = {}

    def add(self, frame: TelemetryFrame) -> bool:
        """Append the frame; False (and no change) for a frame not newer than the last."""
        satellite = frame.satellite_id
        stamps = self._timestamps.setdefault(satellite, deque(maxlen=self.size))
        ts = frame.timestamp_ms
        if stamps and ts <= stamps[-1]:
            return False  # a redelivered or late frame; windows move forward only
        stamps.append(ts)
        for subsystem, channels in CHANNELS.items():
            section = getattr(frame, subsystem)
            row = tuple(float(getattr(section, ch.field)) for ch in channels)
            self._rows.setdefault((satellite, subsystem), deque(maxlen=self.size)).append(row)
        position = tuple(float(getattr(frame.aocs, name)) for name in POSITION_FIELDS)
        self._rows.setdefault((satellite, POSITION), deque(maxlen=self.size)).append(position)
        return True

    def is_full(self, satellite_id: str) -> bool:
        return len(self._timestamps.get(satellite_id, ())) >= self.size

    def knows(self, satellite_id: str) -> bool:
        return satellite_id in self._timestamps

    def forget(self, satellite_ids: Iterable[str]) -> None:
        for satellite in satellite_ids:
            self._timestamps.pop(satellite, None)
            for rows in (*CHANNELS, POSITION):
                self._rows.pop((satellite, rows), None)

    def warm_before(self, tsdb: TimeSeriesStore, satellite_id: str, before_ms: int) -> bool:
        """Fill one satellite's windows with its stored history up to (not including)
        `before_ms`, so the frame at `before_ms` extends the window it extended the
        first time it was read. History that ends more than MAX_GAP_STEPS steps
        before that frame is not used: the window would span a gap."""
        history = load_history(tsdb, satellite_id, self.size, before_ms - 1)
        if history is None:
            return False
        stamps = history.timestamps_ms
        if before_ms - stamps[-1] > MAX_GAP_STEPS * step_ms(stamps):
            return False
        self._fill(satellite_id, history)
        return True

    def windows(self, satellite_id: str) -> list[Window]:
        def table(name: str) -> FloatArray:
            return np.array(self._rows[(satellite_id, name)], dtype=np.float64)

        return History(
            timestamps_ms=list(self._timestamps.get(satellite_id, ())),
            channels={subsystem: table(subsystem) for subsystem in CHANNELS},
            position=table(POSITION),
        ).windows()

    def warm_up(self, tsdb: TimeSeriesStore, satellite_ids: list[str]) -> int:
        """Fill from the store so a restart needs no warm-up; returns satellites filled."""
        filled = 0
        for satellite in satellite_ids:
            history = load_history(tsdb, satellite, self.size)
            if history is None:
                continue
            self._fill(satellite, history)
            filled += 1
        return filled

    def _fill(self, satellite_id: str, history: History) -> None:
        self._timestamps[satellite_id] = deque(history.timestamps_ms, maxlen=self.size)
        tables = {**history.channels, POSITION: history.position}
        for name, table in tables.items():
            rows = [tuple(map(float, row)) for row in table]
            self._rows[(satellite_id, name)] = deque(rows, maxlen=self.size)


def load_windows(
    tsdb: TimeSeriesStore, satellite_id: str, size: int, end_ms: int | None = None
) -> list[Window] | None:
    """The satellite's latest complete windows from the store, or None if it has
    fewer than `size` aligned steps."""
    history = load_history(tsdb, satellite_id, size, end_ms)
    return None if history is None else history.windows()


@dataclass(frozen=True, slots=True)
class History:
    """A satellite's last aligned steps: each subsystem's modelled channels
    (steps, channels) and the positions (steps, 3) its derived inputs need."""

    timestamps_ms: list[int]
    channels: dict[str, FloatArray]
    position: FloatArray

    def windows(self) -> list[Window]:
        return [
            Window(
                subsystem=subsystem,
                channels=INPUTS[subsystem],
                timestamps_ms=self.timestamps_ms,
                values=with_derived(subsystem, values, self.position),
            )
            for subsystem, values in self.channels.items()
        ]


def load_history(
    tsdb: TimeSeriesStore, satellite_id: str, size: int, end_ms: int | None = None
) -> History | None:
    """The satellite's last `size` steps at which every model input's source was
    stored, or None if there are fewer."""
    metrics = [ch.metric for channels in CHANNELS.values() for ch in channels]
    metrics += POSITION_METRICS
    points = tsdb.window(satellite_id, metrics, size * 2, end_ms)  # slack for gaps
    stamp_sets = [{p.timestamp_ms for p in points.get(m, [])} for m in metrics]
    common = sorted(set.intersection(*stamp_sets)) if stamp_sets else []
    if len(common) < size:
        return None
    stamps = common[-size:]
    by_metric = {m: {p.timestamp_ms: p.value for p in points[m]} for m in metrics}

    def table(names: list[str]) -> FloatArray:
        return np.array([[by_metric[m][t] for m in names] for t in stamps], dtype=np.float64)

    return History(
        timestamps_ms=stamps,
        channels={sub: table([ch.metric for ch in chs]) for sub, chs in CHANNELS.items()},
        position=table(list(POSITION_METRICS)),
    )
