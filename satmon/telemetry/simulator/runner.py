"""Running a simulator into a sink: paced in real time, or as fast as possible.

`run_realtime` hands out a tick every interval/speedup wall-clock seconds, for
a duration in wall-clock seconds; the frames carry simulated time from the
config's start (for a live feed, now) in steps of `step_s`, normally the
interval, so speedup is simulated seconds per wall-clock second.
`run_backfill` generates from the start up to an end time without pausing.
Both return `RunCounts(frames, ticks)`.

Neither closes the sink: the caller owns it. If the sink was given a
`LabelWriter` (`labels=`), each fault's label is written as the fault starts;
otherwise write `simulator.labels` when the run ends.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from satmon.telemetry.simulator.engine import Simulator
from satmon.telemetry.simulator.sinks import FrameSink, LabelWriter

_PROGRESS_REFRESH_S = 0.2


class RunCounts(NamedTuple):
    frames: int
    ticks: int


def run_realtime(
    sim: Simulator,
    sink: FrameSink,
    interval_s: float,
    duration_s: float | None = None,
    speedup: float = 1.0,
    stop: threading.Event | None = None,
    on_tick: Callable[[RunCounts], None] | None = None,
) -> RunCounts:
    """Tick every interval_s / speedup wall-clock seconds for duration_s seconds
    (that is, duration_s * speedup / interval_s ticks; None: until `stop` is set).

    A sink slower than the pace delays the next tick rather than bunching ticks
    to catch up; simulated time stays evenly stepped either way.
    """
    if interval_s <= 0 or speedup <= 0:
        raise ValueError("interval_s and speedup must be positive")
    stop = stop or threading.Event()
    pace_s = interval_s / speedup
    limit = None if duration_s is None else math.ceil(duration_s / pace_s - 1e-9)
    labels = _LabelStream(sim, sink)
    frames = ticks = 0
    due = time.monotonic()
    while (limit is None or ticks < limit) and not stop.is_set():
        pairs = sim.encoded_tick()
        sink.write(pairs)
        frames += len(pairs)
        ticks += 1
        labels.catch_up()
        if on_tick is not None:
            on_tick(RunCounts(frames, ticks))
        due += pace_s
        delay = due - time.monotonic()
        if delay < -pace_s:
            due = time.monotonic()
        elif delay > 0 and (limit is None or ticks < limit) and stop.wait(delay):
            break
    return RunCounts(frames, ticks)


def run_backfill(
    sim: Simulator, sink: FrameSink, end: datetime, progress: bool = False
) -> RunCounts:
    """Generate every tick from the simulator's current time up to (excluding) end."""
    end = end if end.tzinfo else end.replace(tzinfo=UTC)
    remaining_s = (end - sim.now).total_seconds()
    total = max(0, math.ceil(remaining_s / sim.config.step_s - 1e-9))
    labels = _LabelStream(sim, sink)
    frames = 0
    with _Progress(total, enabled=progress) as bar:
        for ticks in range(1, total + 1):
            pairs = sim.encoded_tick()
            sink.write(pairs)
            frames += len(pairs)
            labels.catch_up()
            bar.update(ticks, frames)
    return RunCounts(frames, total)


class _LabelStream:
    """Writes labels to the sink's LabelWriter, if it has one, as faults start."""

    def __init__(self, sim: Simulator, sink: FrameSink) -> None:
        writer = getattr(sink, "labels", None)
        self._writer = writer if isinstance(writer, LabelWriter) else None
        self._sim = sim
        self._written = sim.label_count

    def catch_up(self) -> None:
        if self._writer is None or self._sim.label_count == self._written:
            return
        labels = self._sim.labels
        self._writer.write_all(labels[self._written :])
        self._written = len(labels)


class _Progress:
    """A rich progress bar on stderr, refreshed a few times a second; or nothing."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._total = total
        self._progress = (
            Progress(
                TextColumn("simulating"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("ticks  {task.fields[frames]:,} frames  {task.fields[rate]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            if enabled
            else None
        )
        self._started = time.monotonic()
        self._shown = 0.0

    def __enter__(self) -> _Progress:
        if self._progress is not None:
            self._progress.start()
            self._task = self._progress.add_task("", total=self._total, frames=0, rate="")
        return self

    def update(self, ticks: int, frames: int) -> None:
        if self._progress is None:
            return
        now = time.monotonic()
        if now - self._shown < _PROGRESS_REFRESH_S and ticks < self._total:
            return
        self._shown = now
        rate = f"{frames / max(now - self._started, 1e-9):,.0f} frames/s"
        self._progress.update(self._task, completed=ticks, frames=frames, rate=rate)

    def __exit__(self, *_: object) -> None:
        if self._progress is not None:
            self._progress.stop()
