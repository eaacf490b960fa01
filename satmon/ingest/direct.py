"""Frames straight into a time-series store, without a bus: for backfills into the
embedded store and for measuring the store alone."""

from __future__ import annotations

import logging

from satmon.telemetry.codec import decode_frames
from satmon.telemetry.samples import frames_to_samples
from satmon.tsdb.base import TimeSeriesStore

log = logging.getLogger(__name__)


class StoreSink:
    """A frame sink that validates, converts and writes in batches of `batch_frames`."""

    def __init__(self, store: TimeSeriesStore, batch_frames: int = 5_000) -> None:
        self._store = store
        self._batch_frames = batch_frames
        self._pending: list[bytes] = []
        self.frames_written = 0
        self.samples_written = 0
        self.rejected = 0

    def write(self, pairs: list[tuple[bytes, bytes]]) -> None:
        self._pending.extend(value for _, value in pairs)
        if len(self._pending) >= self._batch_frames:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        frames, rejected = decode_frames(self._pending)
        for reject in rejected:
            log.warning("rejected frame: %s", reject.error)
        self.samples_written += self._store.write(frames_to_samples(frames))
        self.frames_written += len(frames)
        self.rejected += len(rejected)
        self._pending.clear()

    def close(self) -> None:
        self.flush()
