"""What a worker process holds: its task context, opened once.

A worker needs the results store, the model server, a producer for the results
topic and the search index; it opens only those (a worker does not read the
time series). They are opened once per process and kept: connections, the gRPC
channel to Triton and the group-commit writer are reused by every task. A
process forked from the one that opened them (Celery's prefork children) opens
its own, since neither gRPC channels nor database connections survive a fork.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import ExitStack, closing
from dataclasses import dataclass

from satmon.analysis.publish import ResultPublisher
from satmon.analysis.recorder import GroupCommit
from satmon.analysis.tasks import TaskContext
from satmon.bus.factory import open_bus
from satmon.config import Settings
from satmon.search.factory import open_search
from satmon.serving.factory import open_models
from satmon.store.factory import open_results

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OpenedContext:
    context: TaskContext
    _stack: ExitStack

    def close(self) -> None:
        try:
            self.context.close()
        finally:
            self._stack.close()


def open_task_context(settings: Settings, write_timeout_s: float) -> OpenedContext:
    """Open the ports tasks use; a service that cannot be reached raises
    ServiceUnavailableError naming it."""
    stack = ExitStack()
    try:
        results = stack.enter_context(closing(open_results(settings)))
        models = stack.enter_context(closing(open_models(settings)))
        bus = stack.enter_context(closing(open_bus(settings)))
        producer = bus.producer()
        stack.callback(producer.close)
        search = stack.enter_context(closing(open_search(settings)))
    except BaseException:
        stack.close()
        raise
    publisher = ResultPublisher(results, producer, settings.results_topic, search)
    context = TaskContext(
        results=results,
        models=models,
        publisher=publisher,
        recorder=GroupCommit(results, publisher),
        write_timeout_s=write_timeout_s,
    )
    return OpenedContext(context, stack)


def check_services(settings: Settings) -> None:
    """Fail fast at start: open every port a task uses and check it is ready."""
    opened = open_task_context(settings, write_timeout_s=1.0)
    try:
        ctx = opened.context
        for port in (ctx.results, ctx.models):
            port.check_ready()
    finally:
        opened.close()


class WorkerProcess:
    """The task context of the current process, opened on first use."""

    def __init__(self, settings: Settings, write_timeout_s: float) -> None:
        self._settings = settings
        self._write_timeout_s = write_timeout_s
        self._lock = threading.Lock()
        self._opened: OpenedContext | None = None
        self._pid: int | None = None

    def context(self) -> TaskContext:
        with self._lock:
            if self._opened is None or self._pid != os.getpid():
                # After a fork the parent's connections are not ours: open anew and
                # leave them alone (closing them would close the parent's sockets).
                self._opened = open_task_context(self._settings, self._write_timeout_s)
                self._pid = os.getpid()
                log.info("worker process %d: task context opened", self._pid)
            return self._opened.context

    def close(self) -> None:
        with self._lock:
            if self._opened is not None and self._pid == os.getpid():
                self._opened.close()
            self._opened = None
            self._pid = None
