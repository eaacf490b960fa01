"""Group commit: the results of tasks that finish together are written together.

Tasks running side by side (the threads of a worker or of the local executor)
hand their outcomes to one writer thread and wait. The writer takes everything
that has queued up, writes it in one transaction (`record_subsystems`),
publishes the jobs that transaction finished (one Kafka flush, one bulk index),
and only then lets the tasks return, so a task is acknowledged after its
results are durable and published. When tasks arrive one at a time the writer
takes them one at a time: nothing waits for a batch to fill.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from satmon.analysis.publish import ResultPublisher
from satmon.errors import NotFoundError, ServiceUnavailableError
from satmon.store.base import ResultsStore
from satmon.store.records import FinishedJob, SubsystemOutcome

log = logging.getLogger(__name__)


@dataclass(eq=False, slots=True)
class _Write:
    outcomes: Sequence[SubsystemOutcome]
    started_at: datetime
    done: threading.Event = field(default_factory=threading.Event)
    finished: list[FinishedJob] = field(default_factory=list)
    error: BaseException | None = None


class GroupCommit:
    def __init__(
        self, results: ResultsStore, publisher: ResultPublisher, max_batch: int = 256
    ) -> None:
        self._results = results
        self._publisher = publisher
        self._max_batch = max_batch
        self._queue: list[_Write] = []
        self._wake = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None

    def record(
        self, outcomes: Sequence[SubsystemOutcome], started_at: datetime, timeout_s: float
    ) -> list[FinishedJob]:
        """Write the outcomes, publish what they finish; the jobs this call finished.

        Raises what the write or the publication raised (ServiceUnavailableError
        when a service is down), or ServiceUnavailableError after `timeout_s`; the
        write may still happen then, which a retried task repeats harmlessly."""
        write = _Write(outcomes, started_at)
        with self._wake:
            if self._closed:
                raise ServiceUnavailableError(self._results.name, self._results.url, "closed")
            if self._thread is None:
                # Started by the first write, in the process that writes (after a fork).
                self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
                self._thread.start()
            self._queue.append(write)
            self._wake.notify()
        if not write.done.wait(timeout_s):
            raise ServiceUnavailableError(
                self._results.name, self._results.url, f"the write took over {timeout_s:g}s"
            )
        if write.error is not None:
            raise write.error
        return write.finished

    def close(self) -> None:
        """Write what is queued, then stop."""
        with self._wake:
            self._closed = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._queue and not self._closed:
                    self._wake.wait()
                if not self._queue:
                    return
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
            self._write(batch)

    def _write(self, batch: list[_Write]) -> None:
        try:
            finished = self._results.record_subsystems(
                [o for w in batch for o in w.outcomes], min(w.started_at for w in batch)
            )
        except NotFoundError as exc:
            if len(batch) == 1:
                self._fail(batch, exc)
                return
            for write in batch:  # find which task names a missing job; the others go on
                self._write([write])
            return
        except Exception as exc:
            self._fail(batch, exc)
            return
        by_job = {f.job.job_id: f for f in finished}
        for write in batch:
            jobs = dict.fromkeys(o.job_id for o in write.outcomes)
            write.finished = [by_job[job_id] for job_id in jobs if job_id in by_job]
        try:
            self._publisher.publish(finished)
        except Exception as exc:
            log.warning("publishing %d finished jobs failed: %s", len(finished), exc)
            # Only the tasks that finished a job must retry (and publish it again then).
            self._fail([w for w in batch if w.finished], exc)
        for write in batch:
            write.done.set()

    @staticmethod
    def _fail(batch: Sequence[_Write], error: BaseException) -> None:
        for write in batch:
            write.error = error
            write.done.set()
