"""The inference trigger: watches telemetry and starts analysis jobs.

It keeps a rolling window of every satellite's modelled channels; when a frame
fires a rule (after the rule's cooldown) and the satellite's window is full, it
submits a job of one inference per subsystem on the window that ends at that
frame.

It is safe to restart and to rebalance. The first frame of a satellite this
process has not seen (after a start, or once its partition moved here) fills
the window from the time-series store with the history before that frame, and
the cooldowns from the satellite's triggered jobs before that frame, so a frame
read again extends the window it extended the first time and fires what it
fired then: the same job ids, which exist already. Offsets are committed after
a batch's jobs were created and enqueued; a batch is never half committed, and
a partition that moves away takes its satellites' state with it.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from satmon.analysis.jobs import JobService
from satmon.analysis.rules import Cooldown, Rule, firing_rules
from satmon.analysis.windows import SatelliteWindows, Window
from satmon.bus.base import Consumer, Message
from satmon.errors import ServiceUnavailableError
from satmon.store.base import ResultsStore
from satmon.store.records import JobFilter, JobSource
from satmon.telemetry.codec import FrameError, decode_frame
from satmon.telemetry.schema import TelemetryFrame
from satmon.tsdb.base import TimeSeriesStore

log = logging.getLogger(__name__)

RECENT_JOBS_PER_SATELLITE = 50  # read back to restore cooldowns


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff while the results store or the task queue is unavailable."""

    initial_s: float = 0.2
    max_s: float = 10.0


class StoppedError(Exception):
    """Stopped while waiting for a service; the batch was not finished."""


class Trigger:
    def __init__(
        self,
        jobs: JobService,
        rules: Sequence[Rule],
        cooldown: Cooldown,
        windows: SatelliteWindows,
        tsdb: TimeSeriesStore | None = None,
        results: ResultsStore | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._jobs = jobs
        self._rules = rules
        self._cooldown = cooldown
        self.windows = windows
        self._tsdb = tsdb
        self._results = results
        self._retry = retry or RetryPolicy()
        self._partition_of: dict[str, tuple[str, int]] = {}

    def on_frames(
        self, frames: Iterable[TelemetryFrame], stop: threading.Event | None = None
    ) -> list[str]:
        """Feed frames in order; returns the ids of the jobs created. With `stop`, a
        submission that fails for want of a service is retried until it succeeds or
        `stop` is set (then StoppedError is raised); without, the error is raised."""
        submitted: list[str] = []
        for frame in frames:
            satellite = frame.satellite_id
            if not self.windows.knows(satellite):
                self._adopt(satellite, frame.timestamp_ms)
            if not self.windows.add(frame) or not self.windows.is_full(satellite):
                continue
            reasons = firing_rules(frame, self._rules, self._cooldown)
            if not reasons:
                continue
            job_id = self._submit(satellite, reasons, self.windows.windows(satellite), stop)
            if job_id is not None:
                submitted.append(job_id)
        return submitted

    def run(self, consumer: Consumer, stop: threading.Event, max_batch: int = 1_000) -> None:
        """Consume until `stop` is set, committing each batch once its jobs are queued."""
        log.info("trigger: watching telemetry with rules %s", [r.name for r in self._rules])
        consumer.on_revoke = self.forget_partitions
        delay = self._retry.initial_s
        while not stop.is_set():
            try:
                messages = consumer.poll(max_batch, 0.2)
            except ServiceUnavailableError as exc:
                log.warning("trigger: cannot read telemetry (%s); retrying in %.1fs", exc, delay)
                stop.wait(delay)
                delay = min(delay * 2, self._retry.max_s)
                continue
            delay = self._retry.initial_s
            if not messages:
                continue
            try:
                self.on_frames(self._decode(messages), stop)
            except StoppedError:
                break  # not committed: whoever reads these next fires them again
            consumer.commit(messages)
        log.info("trigger: stopped")

    def forget_partitions(self, partitions: list[tuple[str, int]]) -> None:
        """Drop the state of the satellites read from these partitions; whoever reads
        them next restores it from the stores."""
        moving = set(partitions)
        gone = [s for s, tp in self._partition_of.items() if tp in moving]
        self.windows.forget(gone)
        self._cooldown.forget(gone)
        for satellite in gone:
            del self._partition_of[satellite]

    def _decode(self, messages: Sequence[Message]) -> list[TelemetryFrame]:
        frames: list[TelemetryFrame] = []
        for message in messages:
            try:
                frame = decode_frame(message.value)
            except FrameError:
                continue  # ingest dead-letters it; the trigger has nothing to add
            self._partition_of[frame.satellite_id] = (message.topic, message.partition)
            frames.append(frame)
        return frames

    def _adopt(self, satellite: str, first_ms: int) -> None:
        """Restore a satellite's window and cooldowns as they stood before `first_ms`."""
        try:
            if self._tsdb is not None and self.windows.warm_before(self._tsdb, satellite, first_ms):
                log.debug("trigger: %s window filled from %s", satellite, self._tsdb.name)
            if self._results is not None:
                self._restore_cooldowns(self._results, satellite, first_ms / 1000)
        except ServiceUnavailableError as exc:
            log.warning("trigger: %s starts without history: %s", satellite, exc)

    def _restore_cooldowns(self, results: ResultsStore, satellite: str, before_s: float) -> None:
        recent = results.list_jobs(
            JobFilter(satellite_id=satellite, source=JobSource.TRIGGER.value),
            RECENT_JOBS_PER_SATELLITE,
            0,
        )
        for job in recent.items:
            fired_s = _epoch_of(job.job_id)
            # Jobs of later frames are fired again by those frames when they are read.
            if fired_s is None or fired_s >= before_s:
                continue
            for rule in (job.trigger_reason or "").split(","):
                if rule:
                    self._cooldown.restore(satellite, rule, fired_s)

    def _submit(
        self,
        satellite: str,
        reasons: list[str],
        windows: list[Window],
        stop: threading.Event | None,
    ) -> str | None:
        delay = self._retry.initial_s
        while True:
            try:
                return self._jobs.submit_triggered(satellite, reasons, windows)
            except ServiceUnavailableError as exc:
                if stop is None:
                    raise
                log.warning("trigger: cannot submit for %s (%s); retrying", satellite, exc)
                if stop.wait(delay * random.uniform(0.5, 1.5)):
                    raise StoppedError from exc
                delay = min(delay * 2, self._retry.max_s)


def _epoch_of(job_id: str) -> float | None:
    """The frame time (s) in a triggered job's id, `kafka-<satellite_id>-<epoch>`."""
    tail = job_id.rsplit("-", 1)[-1]
    return float(tail) if tail.isdigit() else None
