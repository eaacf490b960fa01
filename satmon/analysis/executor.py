"""The local executor: the embedded adapter of the task queue.

Tasks run on a thread pool in this process, through the same task functions a
Celery worker runs, with every attempt final (nothing here retries later). The
queue is bounded so a burst of triggers slows the trigger down instead of piling
up memory.
"""

from __future__ import annotations

import logging
import queue
import threading

from satmon.analysis.base import Task
from satmon.analysis.tasks import TaskContext, run_task
from satmon.errors import ServiceUnavailableError

log = logging.getLogger(__name__)


class LocalExecutor:
    name = "local-executor"
    url = "local://"

    def __init__(self, context: TaskContext, workers: int = 2, max_queued: int = 10_000) -> None:
        self._context = context
        self._queue: queue.Queue[Task | None] = queue.Queue(max_queued)  # None = stop
        self._threads = [
            threading.Thread(target=self._work, name=f"analysis-{i}", daemon=True)
            for i in range(workers)
        ]
        self._closed = False
        self._idle = threading.Condition()
        self._running = 0
        for thread in self._threads:
            thread.start()

    def enqueue(self, task: Task) -> None:
        if self._closed:
            raise ServiceUnavailableError(self.name, self.url, "closed")
        with self._idle:
            self._running += 1
        self._queue.put(task)

    def wait_idle(self, timeout_s: float) -> bool:
        """Block until every enqueued task has run (True) or the timeout passes."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout_s)

    def _work(self) -> None:
        while True:
            task = self._queue.get()
            if task is None:
                return
            try:
                run_task(self._context, task)
            except Exception:
                log.exception("task %r failed", type(task).__name__)
            finally:
                with self._idle:
                    self._running -= 1
                    self._idle.notify_all()

    def check_ready(self) -> None:
        if self._closed or not all(t.is_alive() for t in self._threads):
            raise ServiceUnavailableError(self.name, self.url, "executor threads are not running")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=30)
        self._context.close()
