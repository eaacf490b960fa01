"""Creating inference jobs and handing their tasks to the queue.

A job row is written (and committed) first, then its tasks are enqueued, so a
worker never sees a task whose job does not exist. Triggered jobs are named
`kafka-<satellite_id>-<epoch>` after the frame that fired them: a redelivered
frame names the same job, which already exists, and no second job is created.

One gap remains between the commit and the enqueue: a trigger that dies there
leaves a pending job that no task will run. The frame that fired it is read
again after the restart (its offset was not committed), so a job that exists,
is still pending and was not enqueued by this process is enqueued again. If the
first enqueue did happen after all (another member of the group did it before a
rebalance), the job runs twice, which its idempotent writes make harmless.

A job's subsystems go to the queue as one task (one model call, one write); the
seed sent one task per subsystem, which `one_task_per_subsystem` restores for
comparison.
"""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from satmon.analysis.base import SeriesTask, SubsystemBatch, SubsystemTask, TaskQueue
from satmon.analysis.windows import Window, load_windows
from satmon.errors import InvalidRequestError
from satmon.serving.base import ModelServer
from satmon.store.base import ResultsStore
from satmon.store.records import JobSource, JobStatus, NewJob
from satmon.tsdb.base import TimeSeriesStore

log = logging.getLogger(__name__)

MIN_SERIES_LENGTH = 3
RECENT_JOBS = 10_000  # job ids remembered as enqueued by this process


@dataclass(frozen=True, slots=True)
class ManualRequest:
    model_name: str | None
    data: list[float] | None
    horizon: int | None
    window_size: int | None
    satellite_id: str | None
    source: str | None


class JobService:
    def __init__(
        self,
        results: ResultsStore,
        queue: TaskQueue,
        tsdb: TimeSeriesStore,
        models: ModelServer,
        default_model: str,
        window_size: int,
        horizon: int,
        one_task_per_subsystem: bool = False,
    ) -> None:
        self._results = results
        self._queue = queue
        self._tsdb = tsdb
        self._models = models
        self.default_model = default_model
        self.window_size = window_size
        self.horizon = horizon
        self.one_task_per_subsystem = one_task_per_subsystem
        self._enqueued: OrderedDict[str, None] = OrderedDict()  # recent jobs, oldest first

    def submit_triggered(
        self, satellite_id: str, reasons: Sequence[str], windows: Sequence[Window]
    ) -> str | None:
        """Create and enqueue the job for a triggering frame; None if it exists."""
        end_ms = windows[0].timestamps_ms[-1]
        job_id = f"kafka-{satellite_id}-{end_ms // 1000}"
        created = self._submit_windows(
            job_id,
            satellite_id,
            windows,
            JobSource.TRIGGER.value,
            ",".join(reasons),
            self.default_model,
            self.horizon,
            request=None,
        )
        return job_id if created else None

    def submit_manual(self, request: ManualRequest) -> str:
        """Validate a manual request, create its job and enqueue its tasks."""
        model_name = request.model_name or self.default_model
        served = {m.name for m in self._models.models()}
        if model_name not in served:
            raise InvalidRequestError(
                "model_name", f"{model_name!r} is not served; available: {sorted(served)}"
            )
        horizon = request.horizon or self.horizon
        source = request.source or JobSource.MANUAL.value
        job_id = str(uuid.uuid4())
        if request.data is not None:
            return self._submit_series(job_id, request, model_name, horizon, source)
        if request.satellite_id is None:
            raise InvalidRequestError(
                "data", "give a series in `data`, or a satellite in `metadata.satellite_id`"
            )
        window_size = request.window_size or self.window_size
        windows = load_windows(self._tsdb, request.satellite_id, window_size)
        if windows is None:
            raise InvalidRequestError(
                "metadata.satellite_id",
                f"no complete window of {window_size} steps is stored for {request.satellite_id!r}",
            )
        self._submit_windows(
            job_id,
            request.satellite_id,
            windows,
            source,
            "manual_request",
            model_name,
            horizon,
            request={"window_size": window_size, "forecast_horizon": horizon},
        )
        return job_id

    def _submit_series(
        self, job_id: str, request: ManualRequest, model_name: str, horizon: int, source: str
    ) -> str:
        data = request.data or []
        window_size = request.window_size or min(len(data), self.window_size)
        if window_size < MIN_SERIES_LENGTH:
            raise InvalidRequestError(
                "config.window_size", f"must be at least {MIN_SERIES_LENGTH}, got {window_size}"
            )
        if len(data) < window_size:
            raise InvalidRequestError(
                "data", f"has {len(data)} values, fewer than config.window_size={window_size}"
            )
        self._results.create_job(
            NewJob(
                job_id=job_id,
                source=source,
                model_name=model_name,
                satellite_id=request.satellite_id,
                trigger_reason="manual_request",
                request={"data": data, "window_size": window_size, "forecast_horizon": horizon},
            )
        )
        self._queue.enqueue(
            SeriesTask(
                job_id=job_id,
                model_name=model_name,
                data=data,
                window_size=window_size,
                horizon=horizon,
            )
        )
        return job_id

    def _submit_windows(
        self,
        job_id: str,
        satellite_id: str,
        windows: Sequence[Window],
        source: str,
        reason: str,
        model_name: str,
        horizon: int,
        request: dict[str, object] | None,
    ) -> bool:
        created = self._results.create_job(
            NewJob(
                job_id=job_id,
                source=source,
                model_name=model_name,
                satellite_id=satellite_id,
                trigger_reason=reason,
                subsystems=tuple(w.subsystem for w in windows),
                request=request,
            )
        )
        tasks = [
            SubsystemTask(
                job_id=job_id,
                satellite_id=satellite_id,
                subsystem=window.subsystem,
                model_name=model_name,
                channels=list(window.channels),
                values=window.values.tolist(),
                step_ms=window.step_ms,
                window_end_ms=window.timestamps_ms[-1],
                horizon=horizon,
            )
            for window in windows
        ]
        if not created:
            if not self._stranded(job_id):
                log.debug("job %s exists; not enqueued again", job_id)
                return False
            log.warning("job %s is pending but was never enqueued here; enqueuing it", job_id)
        self._enqueue(job_id, tasks)
        log.info(
            "job %s: %d subsystem inferences for %s (%s)",
            job_id,
            len(windows),
            satellite_id,
            reason,
        )
        return created

    def _enqueue(self, job_id: str, tasks: list[SubsystemTask]) -> None:
        if self.one_task_per_subsystem:
            for task in tasks:
                self._queue.enqueue(task)
        else:
            self._queue.enqueue(SubsystemBatch(tasks=tasks))
        self._enqueued[job_id] = None
        if len(self._enqueued) > RECENT_JOBS:
            self._enqueued.popitem(last=False)

    def _stranded(self, job_id: str) -> bool:
        """Whether an existing job may have lost its tasks: pending, and not enqueued
        by this process."""
        if job_id in self._enqueued:
            return False
        job = self._results.get_job(job_id)
        return job is not None and job.status is JobStatus.PENDING
