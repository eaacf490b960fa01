"""The ingest loop: bus -> decode and validate -> samples -> store -> commit.

Offsets are committed only after the store accepted the batch (at least once);
the store keeps one sample per series and timestamp, so a redelivered frame
cannot double a point. A frame that fails validation goes to the dead-letter
topic with its original bytes and the reason, and the stream goes on. When the
store fails, the batch is retried with exponential backoff and jitter until it
succeeds or the loop is stopped; nothing is committed meanwhile.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from satmon.bus.base import Consumer, Message, Producer
from satmon.ingest import metrics
from satmon.telemetry.codec import FrameError, decode_frame
from satmon.telemetry.samples import SampleBatch, frames_to_samples
from satmon.telemetry.schema import TelemetryFrame
from satmon.tsdb.base import TimeSeriesStore

log = logging.getLogger(__name__)

ERROR_HEADER = "satmon-error"


@dataclass(frozen=True, slots=True)
class IngestSettings:
    max_batch: int = 5_000
    max_wait_s: float = 0.2
    retry_initial_s: float = 0.2
    retry_max_s: float = 10.0


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

    def run(self, stop: threading.Event) -> None:
        log.info("ingest: consuming into %s", self._store.name)
        while not stop.is_set():
            messages = self._consumer.poll(self._settings.max_batch, self._settings.max_wait_s)
            if messages and not self.process(messages, stop):
                break
        log.info("ingest: stopped")

    def process(self, messages: Sequence[Message], stop: threading.Event) -> bool:
        """Store one batch and commit it; False if stopped before the store took it."""
        frames = self._decode(messages)
        batch = frames_to_samples(frames)
        if batch.series and not self._write_with_retry(batch, stop):
            return False
        self._dead_letters.flush()
        self._consumer.commit(messages)
        metrics.FRAMES_IN.inc(len(messages))
        return True

    def _decode(self, messages: Sequence[Message]) -> list[TelemetryFrame]:
        frames: list[TelemetryFrame] = []
        for message in messages:
            try:
                frames.append(decode_frame(message.value))
            except FrameError as error:
                self._dead_letter(message, str(error))
        return frames

    def _dead_letter(self, message: Message, reason: str) -> None:
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
                "satmon-source": f"{message.topic}/{message.partition}/{message.offset}".encode(),
            },
        )
        metrics.DEAD_LETTERS.inc()

    def _write_with_retry(self, batch: SampleBatch, stop: threading.Event) -> bool:
        delay = self._settings.retry_initial_s
        while True:
            started = time.perf_counter()
            try:
                written = self._store.write(batch)
            except Exception as exc:
                metrics.WRITE_ERRORS.inc()
                log.warning(
                    "ingest: write to %s failed (%s); retrying in %.1fs",
                    self._store.name,
                    exc,
                    delay,
                )
                if stop.wait(delay * random.uniform(0.5, 1.5)):
                    return False
                delay = min(delay * 2, self._settings.retry_max_s)
                continue
            metrics.BATCH_WRITE_SECONDS.observe(time.perf_counter() - started)
            metrics.SAMPLES_WRITTEN.inc(written)
            return True
