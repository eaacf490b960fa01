"""Composition root: the adapters a process uses, chosen by configuration only.

Each part of the flow is a port with a real adapter and an embedded one; which
one a process gets depends on whether the part's setting is set. Business logic
receives the ports and never asks which adapter it holds.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol

from satmon.analysis.base import TaskQueue
from satmon.analysis.executor import LocalExecutor
from satmon.analysis.jobs import JobService
from satmon.analysis.publish import ResultPublisher
from satmon.analysis.recorder import GroupCommit
from satmon.analysis.tasks import TaskContext
from satmon.bus.base import Bus, Producer
from satmon.bus.factory import open_bus
from satmon.cache.base import Cache
from satmon.cache.factory import open_cache
from satmon.config import Settings
from satmon.search.base import SearchIndex
from satmon.search.factory import open_search
from satmon.serving.base import ModelServer
from satmon.serving.factory import open_models
from satmon.store.base import ResultsStore
from satmon.store.factory import open_results
from satmon.tsdb.base import TimeSeriesStore
from satmon.tsdb.factory import open_tsdb

log = logging.getLogger(__name__)


class Port(Protocol):
    """What every adapter has, whatever its port."""

    name: str
    url: str

    def check_ready(self) -> None: ...

    def close(self) -> None: ...


@dataclass
class Adapters:
    """Every port of a process, opened; close them with `close()` or `with`."""

    settings: Settings
    bus: Bus
    tsdb: TimeSeriesStore
    results: ResultsStore
    search: SearchIndex
    cache: Cache
    models: ModelServer
    _producer: Producer | None = field(default=None, repr=False)

    @property
    def producer(self) -> Producer:
        if self._producer is None:
            self._producer = self.bus.producer()
        return self._producer

    def ports(self) -> dict[str, Port]:
        """Every port by its role, in the order /ready reports them."""
        return {
            "bus": self.bus,
            "tsdb": self.tsdb,
            "results": self.results,
            "search": self.search,
            "cache": self.cache,
            "models": self.models,
        }

    def close(self) -> None:
        if self._producer is not None:
            try:
                self._producer.flush()
            finally:
                self._producer.close()
        for port in reversed(self.ports().values()):
            try:
                port.close()
            except Exception:
                log.exception("closing %s failed", port.name)

    def __enter__(self) -> Adapters:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_adapters(settings: Settings) -> Adapters:
    """Open the adapters the settings select; a configured service that cannot be
    reached fails here, naming the service and its URL."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as opened:
        adapters = Adapters(
            settings=settings,
            bus=opened.enter_context(closing(open_bus(settings))),
            tsdb=opened.enter_context(closing(open_tsdb(settings))),
            results=opened.enter_context(closing(open_results(settings))),
            search=opened.enter_context(closing(open_search(settings))),
            cache=opened.enter_context(closing(open_cache(settings))),
            models=opened.enter_context(closing(open_models(settings))),
        )
        opened.pop_all()  # opened them all: from now on the Adapters close them
    return adapters


def task_context(adapters: Adapters) -> TaskContext:
    """What tasks run with: finished jobs go to the results topic and the search index."""
    publisher = ResultPublisher(
        adapters.results, adapters.producer, adapters.settings.results_topic, adapters.search
    )
    return TaskContext(
        results=adapters.results,
        models=adapters.models,
        publisher=publisher,
        recorder=GroupCommit(adapters.results, publisher),
    )


def local_executor(adapters: Adapters) -> LocalExecutor:
    """Tasks run in this process, on the executor's threads."""
    return LocalExecutor(task_context(adapters), workers=adapters.settings.analysis_workers)


def task_queue(adapters: Adapters) -> TaskQueue:
    """Celery on the broker when CELERY_BROKER_URL is set (workers run the tasks),
    else the local executor."""
    if adapters.settings.celery_broker_url is not None:
        from satmon.analysis.celery_queue import CeleryTaskQueue  # noqa: PLC0415 (celery loads only here)

        return CeleryTaskQueue(adapters.settings)
    return local_executor(adapters)


def job_service(adapters: Adapters, queue: TaskQueue) -> JobService:
    settings = adapters.settings
    return JobService(
        results=adapters.results,
        queue=queue,
        tsdb=adapters.tsdb,
        models=adapters.models,
        default_model=settings.default_model,
        window_size=settings.window_size,
        horizon=settings.forecast_horizon,
    )
