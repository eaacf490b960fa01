"""Detection of the simulator's labelled faults, as the running system would see them.

Every window of every satellite and subsystem (one per step, the newest step
last) is scored by the model exactly as serving scores it; a satellite is in
alarm at a step if any subsystem's window is flagged (anomaly_score >= 0.5).
Alarm steps less than a window apart are one alarm.

- A fault is detected if an alarm overlaps [start, end + window): a window
  still holds the fault's last step for `window` steps after it ends.
- The detection delay is the time from its start to the first alarm step.
- An alarm overlapping no fault (extended by the fault kind's settle time, when
  the physics returns to nominal, and by one window) is a false alarm.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from satmon.models.data import Streams
from satmon.models.scoring import runs
from satmon.serving.base import FloatArray
from satmon.telemetry.simulator.faults import CATALOGUE, FaultType

BATCH = 8192
WindowScorer = Callable[[str, FloatArray], FloatArray]
"""(subsystem, windows (N, W, C)) -> the window scores (N,)."""


@dataclass(slots=True)
class FaultReport:
    model: str
    satellites: int
    days: float
    faults: int
    detected: int
    false_alarms: int
    recall_by_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    delays_s: list[float] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.detected / self.faults if self.faults else 0.0

    @property
    def false_alarms_per_satellite_day(self) -> float:
        return self.false_alarms / (self.satellites * self.days)

    def to_dict(self) -> dict[str, Any]:
        delays = np.asarray(self.delays_s) if self.delays_s else np.zeros(1)
        return {
            "model": self.model,
            "satellites": self.satellites,
            "days": self.days,
            "faults": self.faults,
            "detected": self.detected,
            "recall": self.recall,
            "false_alarms": self.false_alarms,
            "false_alarms_per_satellite_day": self.false_alarms_per_satellite_day,
            "detection_delay_s": {
                "median": float(np.median(delays)),
                "p90": float(np.quantile(delays, 0.9)),
            },
            "recall_by_kind": self.recall_by_kind,
        }


def alarm_steps(
    streams: Streams, window: int, scorer: WindowScorer, on_progress: Callable[[int], None] | None
) -> list[np.ndarray[Any, np.dtype[np.bool_]]]:
    """Per satellite, whether any subsystem's window ending at each step is flagged."""
    satellites = len(next(iter(streams.series.values())))
    alarms = []
    for k in range(satellites):
        flagged = np.zeros(len(streams.series["eps"][k]), dtype=bool)
        for subsystem, arrays in streams.series.items():
            series = arrays[k]
            views = np.lib.stride_tricks.sliding_window_view(series, window, axis=0)
            views = views.transpose(0, 2, 1)  # (N, W, C), window i ends at step i + W - 1
            for i in range(0, len(views), BATCH):
                scores = scorer(subsystem, np.ascontiguousarray(views[i : i + BATCH]))
                ends = np.arange(i, i + len(scores)) + window - 1
                flagged[ends] |= scores >= 0.5
                if on_progress is not None:
                    on_progress(len(scores))
        alarms.append(flagged)
    return alarms


def score_faults(
    model: str, streams: Streams, alarms: list[np.ndarray[Any, np.dtype[np.bool_]]], window: int
) -> FaultReport:
    step = streams.step_s
    ids = [f"SAT-{k + 1:03d}" for k in range(len(alarms))]
    by_kind: dict[str, list[bool]] = defaultdict(list)
    report = FaultReport(
        model=model,
        satellites=len(alarms),
        days=len(alarms[0]) * step / 86_400,
        faults=0,
        detected=0,
        false_alarms=0,
    )
    for k, flagged in enumerate(alarms):
        events = _merge(runs(flagged), window)
        covered = np.zeros(len(flagged), dtype=bool)
        for label in (lab for lab in streams.labels if lab.satellite_id == ids[k]):
            start = round((label.start - streams.start).total_seconds() / step)
            end = round((label.end - streams.start).total_seconds() / step)
            if start >= len(flagged):
                continue
            settle = round(CATALOGUE[FaultType(label.kind)].settle_s / step)
            covered[max(start, 0) : end + settle + window] = True
            hit = flagged[max(start, 0) : end + window]
            found = bool(hit.any())
            by_kind[label.kind].append(found)
            report.faults += 1
            report.detected += found
            if found:
                report.delays_s.append(float(np.argmax(hit)) * step)
        report.false_alarms += sum(1 for a, b in events if not covered[a : b + 1].any())
    report.recall_by_kind = {
        kind: {"faults": float(len(found)), "recall": float(np.mean(found))}
        for kind, found in sorted(by_kind.items())
    }
    return report


def _merge(events: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in events:
        if merged and a - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged
