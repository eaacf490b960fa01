"""The inference trigger: watches telemetry and starts analysis jobs.

It keeps a rolling window of every satellite's modelled channels; when a frame
fires a rule (after the rule's cooldown) and the satellite's window is full, it
submits a job of one inference per subsystem on that window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence

from satmon.analysis.jobs import JobService
from satmon.analysis.rules import Cooldown, Rule, firing_rules
from satmon.analysis.windows import SatelliteWindows
from satmon.bus.base import Consumer
from satmon.telemetry.codec import FrameError, decode_frame
from satmon.telemetry.schema import TelemetryFrame

log = logging.getLogger(__name__)


class Trigger:
    def __init__(
        self,
        jobs: JobService,
        rules: Sequence[Rule],
        cooldown: Cooldown,
        windows: SatelliteWindows,
    ) -> None:
        self._jobs = jobs
        self._rules = rules
        self._cooldown = cooldown
        self.windows = windows

    def on_frames(self, frames: Iterable[TelemetryFrame]) -> list[str]:
        """Feed frames in order; returns the ids of the jobs submitted."""
        submitted: list[str] = []
        for frame in frames:
            self.windows.add(frame)
            if not self.windows.is_full(frame.satellite_id):
                continue
            reasons = firing_rules(frame, self._rules, self._cooldown)
            if not reasons:
                continue
            job_id = self._jobs.submit_triggered(
                frame.satellite_id, reasons, self.windows.windows(frame.satellite_id)
            )
            if job_id is not None:
                submitted.append(job_id)
        return submitted

    def run(self, consumer: Consumer, stop: threading.Event, max_batch: int = 1_000) -> None:
        log.info("trigger: watching telemetry with rules %s", [r.name for r in self._rules])
        while not stop.is_set():
            messages = consumer.poll(max_batch, 0.2)
            if not messages:
                continue
            frames: list[TelemetryFrame] = []
            for message in messages:
                try:
                    frames.append(decode_frame(message.value))
                except FrameError:
                    continue  # ingest dead-letters it; the trigger has nothing to add
            self.on_frames(frames)
            consumer.commit(messages)
        log.info("trigger: stopped")
