"""Rolling windows of each satellite's modelled channels, per subsystem."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from satmon.serving.base import FloatArray
from satmon.telemetry.schema import SUBSYSTEMS, TelemetryFrame, model_channels
from satmon.tsdb.base import TimeSeriesStore

CHANNELS = {subsystem: model_channels(subsystem) for subsystem in SUBSYSTEMS}
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
        if len(self.timestamps_ms) < 2:
            return 1000
        return int(np.median(np.diff(self.timestamps_ms)))


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
        return True

    def is_full(self, satellite_id: str) -> bool:
        return len(self._timestamps.get(satellite_id, ())) >= self.size

    def knows(self, satellite_id: str) -> bool:
        return satellite_id in self._timestamps

    def forget(self, satellite_ids: Iterable[str]) -> None:
        for satellite in satellite_ids:
            self._timestamps.pop(satellite, None)
            for subsystem in CHANNELS:
                self._rows.pop((satellite, subsystem), None)

    def warm_before(self, tsdb: TimeSeriesStore, satellite_id: str, before_ms: int) -> bool:
        """Fill one satellite's windows with its stored history up to (not including)
        `before_ms`, so the frame at `before_ms` extends the window it extended the
        first time it was read. History that ends more than MAX_GAP_STEPS steps
        before that frame is not used: the window would span a gap."""
        windows = load_windows(tsdb, satellite_id, self.size, before_ms - 1)
        if windows is None:
            return False
        stamps = windows[0].timestamps_ms
        if before_ms - stamps[-1] > MAX_GAP_STEPS * windows[0].step_ms:
            return False
        self._fill(satellite_id, windows)
        return True

    def windows(self, satellite_id: str) -> list[Window]:
        stamps = list(self._timestamps.get(satellite_id, ()))
        return [
            Window(
                subsystem=subsystem,
                channels=tuple(ch.field for ch in channels),
                timestamps_ms=stamps,
                values=np.array(self._rows[(satellite_id, subsystem)], dtype=np.float64),
            )
            for subsystem, channels in CHANNELS.items()
        ]

    def warm_up(self, tsdb: TimeSeriesStore, satellite_ids: list[str]) -> int:
        """Fill from the store so a restart needs no warm-up; returns satellites filled."""
        filled = 0
        for satellite in satellite_ids:
            windows = load_windows(tsdb, satellite, self.size)
            if windows is None:
                continue
            self._fill(satellite, windows)
            filled += 1
        return filled

    def _fill(self, satellite_id: str, windows: list[Window]) -> None:
        self._timestamps[satellite_id] = deque(windows[0].timestamps_ms, maxlen=self.size)
        for window in windows:
            rows = [tuple(map(float, r)) for r in window.values]
            self._rows[(satellite_id, window.subsystem)] = deque(rows, maxlen=self.size)


def load_windows(
    tsdb: TimeSeriesStore, satellite_id: str, size: int, end_ms: int | None = None
) -> list[Window] | None:
    """The satellite's latest complete windows from the store, or None if it has
    fewer than `size` aligned steps."""
    metrics = [ch.metric for channels in CHANNELS.values() for ch in channels]
    points = tsdb.window(satellite_id, metrics, size * 2, end_ms)  # slack for gaps
    stamp_sets = [{p.timestamp_ms for p in points.get(m, [])} for m in metrics]
    common = sorted(set.intersection(*stamp_sets)) if stamp_sets else []
    if len(common) < size:
        return None
    stamps = common[-size:]
    by_metric = {m: {p.timestamp_ms: p.value for p in points[m]} for m in metrics}
    return [
        Window(
            subsystem=subsystem,
            channels=tuple(ch.field for ch in channels),
            timestamps_ms=stamps,
            values=np.array([[by_metric[ch.metric][t] for ch in channels] for t in stamps]),
        )
        for subsystem, channels in CHANNELS.items()
    ]
