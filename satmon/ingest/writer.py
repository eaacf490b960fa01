"""The store side of ingestion: batches written on threads of their own.

Converting frames to samples, encoding and the HTTP round trip run here while
the consumer thread polls and decodes the next batch; with two writers, one
batch is converted and encoded while the server takes the other, so the
server's share of a write (most of its cost) overlaps with ours. A failed write
is retried with exponential backoff and jitter until it succeeds or is
abandoned (shutdown); `unavailable_since` tells the consumer thread that the
store is failing, so it pauses its partitions instead of reading on.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from satmon.errors import ServiceUnavailableError
from satmon.ingest import metrics
from satmon.telemetry.samples import frames_to_samples
from satmon.telemetry.schema import TelemetryFrame
from satmon.tsdb.base import TimeSeriesStore

log = logging.getLogger("satmon.ingest")


class WriteAbandonedError(Exception):
    """The write was given up (shutdown) before the store took it."""


class StoreWriter:
    def __init__(
        self, store: TimeSeriesStore, retry_initial_s: float, retry_max_s: float, writers: int = 1
    ) -> None:
        self._store = store
        self._retry_initial_s = retry_initial_s
        self._retry_max_s = retry_max_s
        self._pool = ThreadPoolExecutor(writers, thread_name_prefix="ingest-write")
        self._abandon = threading.Event()
        self.unavailable_since: float | None = None
        """monotonic() of the first failure since the store last took a write; None while
        writes succeed."""

    def submit(self, frames: Sequence[TelemetryFrame]) -> Future[int]:
        """Write the frames' samples; the future's result is how many were written."""
        return self._pool.submit(self._write, frames)

    def abandon(self) -> None:
        """Stop retrying: the write in flight raises WriteAbandonedError at its next failure."""
        self._abandon.set()

    def close(self) -> None:
        self.abandon()
        self._pool.shutdown(wait=True)

    def _write(self, frames: Sequence[TelemetryFrame]) -> int:
        batch = frames_to_samples(frames)
        if not batch.series:
            return 0
        delay = self._retry_initial_s
        failures = 0
        while True:
            started = time.perf_counter()
            try:
                written = self._store.write(batch)
            except Exception as exc:  # every failure is retried; see docs/ingest.md
                failures += 1
                metrics.WRITE_ERRORS.inc()
                if self.unavailable_since is None:
                    self.unavailable_since = time.monotonic()
                wait_s = delay * random.uniform(0.5, 1.5)
                log.log(
                    logging.WARNING if isinstance(exc, ServiceUnavailableError) else logging.ERROR,
                    "ingest: writing %d frames to %s failed (attempt %d): %s; retrying in %.1fs",
                    len(frames),
                    self._store.name,
                    failures,
                    exc,
                    wait_s,
                )
                if self._abandon.wait(wait_s):
                    raise WriteAbandonedError(f"{len(frames)} frames not written") from exc
                delay = min(delay * 2, self._retry_max_s)
                continue
            metrics.BATCH_WRITE_SECONDS.observe(time.perf_counter() - started)
            metrics.SAMPLES_WRITTEN.inc(written)
            if self.unavailable_since is not None:
                log.info(
                    "ingest: %s took the batch after %.1fs and %d failed attempts",
                    self._store.name,
                    time.monotonic() - self.unavailable_since,
                    failures,
                )
                self.unavailable_since = None
            return written
