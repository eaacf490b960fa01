"""The Celery application of the analysis path.

RabbitMQ (CELERY_BROKER_URL) carries the tasks in the queue SATMON_TASK_QUEUE;
Redis (CELERY_RESULT_BACKEND) keeps the errors of tasks that failed for good
(successful tasks store nothing: a job's state is in the results store). Tasks:

- `satmon.analysis.tasks.run_subsystem_inference`: a list of subsystem tasks,
  normally the four subsystems of one job (the seed sent one per message);
- `satmon.analysis.tasks.run_inference`: a manual single-series job.

Delivery is at least once and the tasks are idempotent. A message is
acknowledged after its task returned (acks late), so a worker that dies
mid-task leaves it to be delivered again (and a prefork child that dies has it
rejected back to the queue). A worker holds one unacknowledged message per
execution slot (prefetch multiplier 1). A model server or database that is
unavailable makes the task retry with exponential backoff and jitter; after
SATMON_TASK_MAX_RETRIES retries the subsystems are recorded as failed with the
reason and the job fails. SATMON_TASK_TIME_LIMIT_S bounds a task under the
prefork pool (Celery's time limits need it); under the threads pool every call a
task makes has its own timeout, and the wait for the write stops at the soft
limit.

`celery -A satmon.analysis.celery_app worker|flower|inspect ...` finds `app`
here, configured from the environment.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import msgspec
from celery import Celery  # type: ignore[import-untyped]
from celery.exceptions import SoftTimeLimitExceeded  # type: ignore[import-untyped]
from celery.signals import (  # type: ignore[import-untyped]
    worker_process_init,
    worker_process_shutdown,
    worker_shutdown,
)

from satmon.analysis.base import SeriesTask, SubsystemTask
from satmon.analysis.tasks import (
    TaskContext,
    publish_finished,
    run_inference,
    run_subsystem_batch,
    run_subsystem_inference,
)
from satmon.analysis.worker import WorkerProcess, check_services
from satmon.config import Settings
from satmon.errors import ServiceUnavailableError

log = logging.getLogger(__name__)

RUN_INFERENCE = "satmon.analysis.tasks.run_inference"
RUN_SUBSYSTEM_INFERENCE = "satmon.analysis.tasks.run_subsystem_inference"
SOFT_LIMIT_SHARE = 0.9

Work = Callable[[TaskContext, bool, set[str]], None]
"""A task's work: (context, final attempt, jobs already finished) -> None."""


def create_app(settings: Settings, *, batch: bool = True, open_at_start: bool = False) -> Celery:
    """The app with its configuration and tasks. `batch=False` runs each subsystem
    task of a message on its own with a write per step, as the seed did.
    `open_at_start` opens the task context when a prefork child starts, so the
    first task does not wait for connections."""
    if settings.celery_broker_url is None:
        raise ValueError("CELERY_BROKER_URL is not set")
    backend = settings.celery_result_backend
    app = Celery(
        "satmon",
        broker=settings.celery_broker_url.get_secret_value(),
        backend=backend.get_secret_value() if backend is not None else None,
        set_as_current=False,
    )
    soft_limit = settings.task_time_limit_s * SOFT_LIMIT_SHARE
    app.conf.update(
        task_default_queue=settings.task_queue,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_store_errors_even_if_ignored=True,
        result_expires=timedelta(days=1),
        task_time_limit=settings.task_time_limit_s,
        task_soft_time_limit=soft_limit,
        # The trigger commits its offsets once enqueue returns: the broker has it then.
        broker_transport_options={"confirm_publish": True},
        broker_connection_retry_on_startup=True,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        worker_hijack_root_logger=False,
        task_publish_retry_policy={
            "max_retries": 3,
            "interval_start": 0.2,
            "interval_step": 0.5,
            "interval_max": 2.0,
        },
    )
    process = WorkerProcess(settings, write_timeout_s=soft_limit)
    _register_tasks(app, settings, process, batch)

    def close(**_: Any) -> None:
        process.close()

    worker_process_shutdown.connect(close, weak=False)
    worker_shutdown.connect(close, weak=False)
    if open_at_start:
        worker_process_init.connect(lambda **_: process.context(), weak=False)
    app.satmon_process = process
    return app


def _register_tasks(app: Celery, settings: Settings, process: WorkerProcess, batch: bool) -> None:
    max_retries = settings.task_max_retries

    def attempt(task: Any, job_ids: list[str], work: Work) -> None:
        """Run `work(ctx, final)`; retry it later if a service is unavailable."""
        request = task.request
        final = request.retries >= max_retries
        try:
            ctx = process.context()
            again = request.retries > 0 or bool((request.delivery_info or {}).get("redelivered"))
            done = publish_finished(ctx, job_ids) if again else set()
            if len(done) < len(job_ids):
                work(ctx, final, done)
        except (ServiceUnavailableError, SoftTimeLimitExceeded) as exc:
            delay = _backoff(settings, request.retries)
            log.warning(
                "%s for %s: %s; retry %d of %d in %.1fs",
                task.name,
                ", ".join(job_ids),
                exc,
                request.retries + 1,
                max_retries,
                delay,
            )
            raise task.retry(exc=exc, countdown=delay, max_retries=max_retries) from exc

    def subsystem_inference(self: Any, payload: list[dict[str, Any]]) -> None:
        tasks = msgspec.convert(payload, list[SubsystemTask])

        def work(ctx: TaskContext, final: bool, done: set[str]) -> None:
            todo = [t for t in tasks if t.job_id not in done]
            if batch:
                run_subsystem_batch(ctx, todo, final)
            else:
                for one in todo:
                    run_subsystem_inference(ctx, one, final)

        attempt(self, list(dict.fromkeys(t.job_id for t in tasks)), work)

    def inference(self: Any, payload: dict[str, Any]) -> None:
        task = msgspec.convert(payload, SeriesTask)
        attempt(self, [task.job_id], lambda ctx, final, _: run_inference(ctx, task, final))

    # Registered by call rather than as decorators: celery is untyped.
    options = {"bind": True, "max_retries": max_retries}
    app.task(name=RUN_SUBSYSTEM_INFERENCE, **options)(subsystem_inference)
    app.task(name=RUN_INFERENCE, **options)(inference)


def _backoff(settings: Settings, retries: int) -> float:
    """Exponential, capped, with jitter so retries of many tasks spread out."""
    ceiling = min(settings.task_retry_backoff_max_s, settings.task_retry_backoff_s * 2.0**retries)
    return ceiling * random.uniform(0.5, 1.0)


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """How `satmon worker` runs. Threads by default: tasks wait on Triton and the
    database most of the time, and threads of one process share the connections
    and the group-commit writer, so concurrent tasks' writes join one transaction."""

    pool: str = "threads"
    concurrency: int | None = None  # default: from the machine, see default_concurrency
    batch: bool = True
    hostname: str = "satmon@%h"
    loglevel: str = "INFO"


def default_concurrency(pool: str) -> int:
    """Prefork: one process per CPU (each is busy on its own). Threads: eight per CPU,
    since a task spends most of its time waiting for Triton and the database, and
    the more tasks finish together, the more results share one write (bench/analysis:
    a 2-CPU machine's two workers drained 15-20 % more jobs/s with 16 threads than 8)."""
    cpus = len(os.sched_getaffinity(0))
    return cpus if pool == "prefork" else 8 * cpus


def run_worker(settings: Settings, options: WorkerOptions) -> None:
    """A Celery worker on SATMON_TASK_QUEUE until SIGTERM (a warm shutdown: it stops
    taking tasks and finishes the running ones) or a second SIGTERM / SIGQUIT."""
    check_services(settings)
    in_process = options.pool != "prefork"
    app = create_app(settings, batch=options.batch, open_at_start=not in_process)
    if in_process:
        app.satmon_process.context()  # opened before the first task arrives
    concurrency = options.concurrency or default_concurrency(options.pool)
    if options.loglevel.upper() != "DEBUG":
        # A line per task received, per task succeeded and per bulk request: too much at speed.
        for name in ("celery.app.trace", "celery.worker.strategy", "elastic_transport"):
            logging.getLogger(name).setLevel(logging.WARNING)
    log.info(
        "worker: queue %s, pool %s, concurrency %d, %s",
        settings.task_queue,
        options.pool,
        concurrency,
        "batched" if options.batch else "one subsystem at a time",
    )
    app.worker_main(
        [
            "worker",
            f"--pool={options.pool}",
            f"--concurrency={concurrency}",
            f"--queues={settings.task_queue}",
            f"--hostname={options.hostname}",
            f"--loglevel={options.loglevel.upper()}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


_default: Celery | None = None


def __getattr__(name: str) -> Celery:
    """`app`, for the celery command (`celery -A satmon.analysis.celery_app ...`)."""
    global _default  # noqa: PLW0603
    if name != "app":
        raise AttributeError(name)
    if _default is None:
        _default = create_app(Settings())
    return _default
