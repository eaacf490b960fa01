"""The ingest loop: bus -> decode and validate -> samples -> store -> commit.

One consumer thread polls, decodes and validates; writer threads
(`satmon.ingest.writer`) convert and write up to `max_in_flight` batches at
once, so the next batch is read and encoded while the store takes the last one.
A batch closes at `max_batch` frames or `max_wait_s` after its first frame,
whichever comes first.

Guarantees:
- At least once: offsets are committed only after the store took the batch and
  every batch read before it (and the dead-letter topic acknowledged their
  rejects). The store keeps one
  sample per series and timestamp, so a redelivered frame cannot double a point.
- A frame that fails validation goes to the dead-letter topic with its original
  bytes and the reason in the `satmon-error` header, and the stream goes on.
- Bounded memory: at most `max_in_flight` batches being written and one being
  filled. While the store fails, the writers retry with backoff and jitter, no
  new write starts, and the consumer pauses its partitions but keeps polling,
  so it stays in the group and serves rebalances; it resumes once the store
  took the batch.
- Rebalances: before partitions are revoked, the writes in flight are awaited
  (up to `revoke_wait_s`) and what was written is committed; messages of revoked
  partitions still buffered are dropped, and a write still failing will not
  commit them: their new owner reads them again from the last commit.
- Stop: the buffered batch is written and committed (up to `shutdown_wait_s`);
  the caller then closes the consumer, which leaves the group.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from satmon.bus.base import Consumer, MessageBatch, Producer, TopicPartition
from satmon.errors import ServiceUnavailableError
from satmon.ingest import metrics
from satmon.ingest.writer import StoreWriter, WriteAbandonedError
from satmon.telemetry.codec import decode_batch
from satmon.telemetry.schema import TelemetryFrame
from satmon.tsdb.base import TimeSeriesStore

log = logging.getLogger("satmon.ingest")

ERROR_HEADER = "satmon-error"
SOURCE_HEADER = "satmon-source"
_MAX_POLL_WAIT_S = 0.5


@dataclass(frozen=True, slots=True)
class IngestSettings:
    max_batch: int = 10_000
    """Frames per store write: larger batches cost less per sample (a line per series) and
    more memory; 10,000 keeps `satmon consume` under 300 MB."""
    max_wait_s: float = 0.2
    """A batch is written at most this long after its first frame arrived."""
    max_in_flight: int = 2
    """Batches written at once: with two, one is converted and encoded while the store
    takes the other, instead of each side waiting for the other."""
    retry_initial_s: float = 0.2
    retry_max_s: float = 10.0
    revoke_wait_s: float = 10.0
    """How long a revocation waits for the write in flight before giving its partitions up."""
    shutdown_wait_s: float = 20.0
    """How long a stop waits for the last writes before leaving them to the next consumer."""
    report_every_s: float = 30.0
    """Interval of the progress line in the log and of the lag gauges."""

    def __post_init__(self) -> None:
        if self.max_in_flight < 1:
            raise ValueError(f"max_in_flight must be at least 1, got {self.max_in_flight}")


@dataclass(slots=True)
class _Batch:
    """Frames on their way to the store, with the offsets they complete."""

    chunks: list[tuple[MessageBatch, list[TelemetryFrame]]] = field(default_factory=list)
    ends: dict[TopicPartition, int] = field(default_factory=dict)
    frames: int = 0
    rejected: int = 0
    opened: float = 0.0

    def add(self, chunk: MessageBatch, frames: list[TelemetryFrame], rejected: int) -> None:
        if not self.chunks:
            self.opened = time.monotonic()
        self.chunks.append((chunk, frames))
        self.ends.update(chunk.ends)  # a later chunk holds a partition's later messages
        self.frames += len(frames)
        self.rejected += rejected

    def __len__(self) -> int:
        return self.frames + self.rejected

    def all_frames(self) -> list[TelemetryFrame]:
        if len(self.chunks) == 1:
            return self.chunks[0][1]
        return [frame for _, frames in self.chunks for frame in frames]


@dataclass(slots=True)
class _InFlight:
    future: Future[int]
    batch: _Batch


class Ingestor:
    def __init__(
        self,
        consumer: Consumer,
        store: TimeSeriesStore,
        dead_letters: Producer,
        dead_letter_topic: str,
        settings: IngestSettings | None = None,
    ) -> None:
        self._consumer = consumer
        self._store = store
        self._dead_letters = dead_letters
        self._dead_letter_topic = dead_letter_topic
        self._settings = settings or IngestSettings()
        self._writer = StoreWriter(
            store,
            self._settings.retry_initial_s,
            self._settings.retry_max_s,
            writers=self._settings.max_in_flight,
        )
        self._filling = _Batch()
        self._in_flight: deque[_InFlight] = deque()  # in the order they were read
        self._written: dict[TopicPartition, int] = {}  # stored, not committed yet
        self._dead_letters_unflushed = False
        self._paused: set[TopicPartition] = set()
        self._lag_shown: set[TopicPartition] = set()
        self._progress = _Progress()

    @property
    def frames_stored(self) -> int:
        """Frames this ingestor's writes stored since it started."""
        return self._progress.total_frames

    # --- the loop ---------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        log.info(
            "ingest: consuming into %s at %s (batches of %d frames or %.2fs)",
            self._store.name,
            self._store.url,
            self._settings.max_batch,
            self._settings.max_wait_s,
        )
        self._consumer.on_revoke = self._on_revoke
        try:
            while not stop.is_set():
                self._step()
            self._finish()
        finally:
            self._consumer.on_revoke = None
            self._writer.close()

    def _step(self) -> None:
        settings = self._settings
        self._collect(wait_s=0)
        if not self._can_submit() and len(self._filling) >= settings.max_batch:
            if self._writer.unavailable_since is None:
                # The store is slower than the bus: wait for it without polling, so
                # librdkafka keeps what it prefetched (pausing would drop it).
                self._collect(wait_s=0.5)
            else:
                # Keep polling, for rebalances and max.poll.interval.ms; only a partition
                # assigned since the pause can deliver, and it is paused at once.
                self._pause_all()
                self._add(self._consumer.poll_batch(1, 0.2))
        else:
            self._resume_all()
            self._add(self._consumer.poll_batch(self._room(), self._poll_timeout()))
        if self._can_submit() and self._filling and self._batch_due():
            self._submit()
        self._commit_written()
        self._maybe_report()

    def _can_submit(self) -> bool:
        if not self._in_flight:
            return True
        failing = self._writer.unavailable_since is not None
        return not failing and len(self._in_flight) < self._settings.max_in_flight

    def _room(self) -> int:
        return max(1, self._settings.max_batch - len(self._filling))

    def _poll_timeout(self) -> float:
        # at most _MAX_POLL_WAIT_S, so that a stop is seen promptly whatever max_wait_s is
        if not self._filling:
            return min(self._settings.max_wait_s, _MAX_POLL_WAIT_S)
        left = self._filling.opened + self._settings.max_wait_s - time.monotonic()
        return min(max(0.0, left), _MAX_POLL_WAIT_S)

    def _batch_due(self) -> bool:
        return (
            len(self._filling) >= self._settings.max_batch
            or time.monotonic() - self._filling.opened >= self._settings.max_wait_s
        )

    # --- reading ----------------------------------------------------------------------

    def _add(self, chunk: MessageBatch) -> None:
        if not len(chunk):
            return
        metrics.FRAMES_IN.inc(len(chunk))
        frames, failures = decode_batch(chunk.values)
        for index, error in failures:
            self._dead_letter(chunk, index, str(error))
        self._filling.add(chunk, frames, len(failures))
        if self._paused:  # a partition assigned while paused delivered: pause it too
            self._pause_all()

    def _dead_letter(self, chunk: MessageBatch, index: int, reason: str) -> None:
        message = chunk.message(index)
        log.warning(
            "ingest: dead-lettered %s[%d]@%d: %s",
            message.topic,
            message.partition,
            message.offset,
            reason,
        )
        self._dead_letters.send(
            self._dead_letter_topic,
            message.value,
            key=message.key,
            headers={
                ERROR_HEADER: reason.encode(),
                SOURCE_HEADER: f"{message.topic}/{message.partition}/{message.offset}".encode(),
            },
        )
        self._dead_letters_unflushed = True
        metrics.DEAD_LETTERS.inc()
        self._progress.dead_lettered += 1

    # --- writing and committing -------------------------------------------------------

    def _submit(self) -> None:
        batch, self._filling = self._filling, _Batch()
        self._in_flight.append(_InFlight(self._writer.submit(batch.all_frames()), batch))

    def _collect(self, wait_s: float) -> bool:
        """Take the results of the writes in flight that end within wait_s, oldest
        first; True if nothing is in flight any more.

        A batch's offsets become committable only with those of every batch read
        before it: a later batch stored first waits for the earlier one.
        """
        deadline = time.monotonic() + wait_s
        while self._in_flight:
            oldest = self._in_flight[0]
            try:
                written = oldest.future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                return False
            except WriteAbandonedError:
                # nothing after it may be committed either; the group reads it all again
                self._in_flight.clear()
                return True
            self._in_flight.popleft()
            self._written.update(oldest.batch.ends)
            self._progress.stored(oldest.batch.frames, written)
        return True

    def _commit_written(self) -> None:
        """Commit what the store took, once the dead letters before it are acknowledged."""
        if not self._written:
            return
        try:
            if self._dead_letters_unflushed:
                self._dead_letters.flush()
                self._dead_letters_unflushed = False
            self._consumer.commit_offsets(self._written)
        except ServiceUnavailableError as exc:
            log.warning("ingest: cannot commit yet (%s); retrying after the next batch", exc)
            return
        self._written = {}

    # --- pausing ----------------------------------------------------------------------

    def _pause_all(self) -> None:
        assigned = set(self._consumer.assignment())
        new = assigned - self._paused
        if new:
            self._consumer.pause(sorted(new))
            if not self._paused:
                log.warning(
                    "ingest: %s unavailable; pausing %d partition(s) until it takes the batch",
                    self._store.name,
                    len(new),
                )
            self._paused.update(new)
        self._paused &= assigned
        metrics.PAUSED_PARTITIONS.set(len(self._paused))

    def _resume_all(self) -> None:
        if not self._paused:
            return
        self._consumer.resume(sorted(self._paused))
        log.info("ingest: resuming %d partition(s)", len(self._paused))
        self._paused.clear()
        metrics.PAUSED_PARTITIONS.set(0)

    # --- rebalancing and stopping -----------------------------------------------------

    def _on_revoke(self, partitions: list[TopicPartition]) -> None:
        """Called from inside poll, before the partitions go."""
        gone = set(partitions)
        failing = self._writer.unavailable_since is not None
        if not self._collect(wait_s=0 if failing else self._settings.revoke_wait_s):
            for in_flight in self._in_flight:
                ends = in_flight.batch.ends
                for partition in gone & ends.keys():
                    del ends[partition]  # its write may still land; its commit must not
            log.warning(
                "ingest: the store has not taken the batches in flight; leaving %d revoked"
                " partition(s) to their next owner",
                len(gone),
            )
        self._commit_written()
        for partition in gone & self._written.keys():
            del self._written[partition]  # not committed: the next owner reads them again
        self._drop_buffered(gone)
        self._paused -= gone

    def _drop_buffered(self, gone: set[TopicPartition]) -> None:
        filling = self._filling
        if gone.isdisjoint(filling.ends):
            return
        kept = _Batch()
        for chunk, _ in filling.chunks:
            rest = chunk.without(gone)
            if len(rest):
                # rejects were dead-lettered already; decode again only to keep the good ones
                kept.add(rest, decode_batch(rest.values)[0], 0)
        kept.opened = filling.opened
        self._filling = kept
        log.info(
            "ingest: dropped %d buffered frame(s) of revoked partitions",
            filling.frames - kept.frames,
        )

    def _finish(self) -> None:
        deadline = time.monotonic() + self._settings.shutdown_wait_s
        if self._collect(wait_s=max(0.0, deadline - time.monotonic())) and self._filling:
            self._submit()
            self._collect(wait_s=max(0.0, deadline - time.monotonic()))
        if self._in_flight:
            self._writer.abandon()
            log.warning(
                "ingest: stopped with %d frame(s) not stored; the group reads them again",
                sum(in_flight.batch.frames for in_flight in self._in_flight) + len(self._filling),
            )
        self._commit_written()
        log.info("ingest: stopped; %d frames stored in all", self._progress.total_frames)

    def _maybe_report(self) -> None:
        """A progress line and the lag gauges every `report_every_s`."""
        progress = self._progress
        elapsed = time.monotonic() - progress.since
        if elapsed < self._settings.report_every_s:
            return
        lags = self._consumer.lags()
        metrics.set_lags(lags, self._lag_shown)
        log.info(
            "ingest: %d frames (%.0f/s), %d samples stored, %d dead-lettered in %.0fs; lag %d",
            progress.frames,
            progress.frames / elapsed,
            progress.samples,
            progress.dead_lettered,
            elapsed,
            sum(lags.values()),
        )
        progress.restart()


@dataclass(slots=True)
class _Progress:
    frames: int = 0
    samples: int = 0
    dead_lettered: int = 0
    total_frames: int = 0
    since: float = field(default_factory=time.monotonic)

    def stored(self, frames: int, samples: int) -> None:
        self.frames += frames
        self.samples += samples
        self.total_frames += frames

    def restart(self) -> None:
        self.frames = self.samples = self.dead_lettered = 0
        self.since = time.monotonic()
