"""The inference tasks: what a worker does with the tasks of the queue.

All of them are idempotent: running a task again rewrites the same rows (one
per job and subsystem), and a job is finished, and published, by exactly one
write. `final` says what to do when a service is unavailable: raise, so the
caller retries the task later, or, on the last attempt, record the failure so
the job fails with the reason. Errors that a retry cannot cure (an unknown
model, a bad window) are recorded at once.

`run_subsystem_batch` is the fast path: one model call per model for all the
windows of a batch (Triton's dynamic batcher runs them as one execution) and
one group-committed write. `run_subsystem_inference` is the seed's way, one
subsystem at a time with a write per step; the benchmark compares the two.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from satmon.analysis.base import SeriesTask, SubsystemBatch, SubsystemTask, Task
from satmon.analysis.publish import ResultPublisher
from satmon.analysis.recorder import GroupCommit
from satmon.errors import ServiceUnavailableError
from satmon.serving.base import ModelServer, Prediction, WindowInput
from satmon.store.base import ResultsStore
from satmon.store.records import (
    ChannelForecast,
    Forecast,
    JobRecord,
    JobStatus,
    ModelOutcome,
    SubsystemOutcome,
)

log = logging.getLogger(__name__)

DEFAULT_WRITE_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class TaskContext:
    """What tasks use, opened once per process."""

    results: ResultsStore
    models: ModelServer
    publisher: ResultPublisher
    recorder: GroupCommit
    write_timeout_s: float = DEFAULT_WRITE_TIMEOUT_S

    def close(self) -> None:
        self.recorder.close()


def run_task(ctx: TaskContext, task: Task, final: bool = True) -> None:
    if isinstance(task, SubsystemBatch):
        run_subsystem_batch(ctx, task.tasks, final)
    elif isinstance(task, SubsystemTask):
        run_subsystem_inference(ctx, task, final)
    else:
        run_inference(ctx, task, final)


def run_subsystem_batch(ctx: TaskContext, tasks: Sequence[SubsystemTask], final: bool) -> None:
    started_at = datetime.now(UTC)
    outcomes: list[SubsystemOutcome] = []
    by_model: dict[str, list[SubsystemTask]] = {}
    for task in tasks:
        by_model.setdefault(task.model_name, []).append(task)
    for model_name, group in by_model.items():
        outcomes += _infer(ctx.models, model_name, group, final)
    ctx.recorder.record(outcomes, started_at, ctx.write_timeout_s)


def _infer(
    models: ModelServer, model_name: str, tasks: Sequence[SubsystemTask], final: bool
) -> list[SubsystemOutcome]:
    started = time.perf_counter()
    try:
        predictions = models.predict(model_name, [_window(t) for t in tasks])
    except ServiceUnavailableError as exc:
        if not final:
            raise
        return [_failed(t, f"{exc} (gave up retrying)") for t in tasks]
    except Exception as exc:
        if len(tasks) > 1:  # one bad window must not fail the others
            return [o for t in tasks for o in _infer(models, model_name, [t], final)]
        log.warning("job %s: %s inference failed: %s", tasks[0].job_id, tasks[0].subsystem, exc)
        return [_failed(tasks[0], f"{type(exc).__name__}: {exc}")]
    elapsed_ms = (time.perf_counter() - started) * 1000
    return [_completed(t, p, elapsed_ms) for t, p in zip(tasks, predictions, strict=True)]


def run_subsystem_inference(ctx: TaskContext, task: SubsystemTask, final: bool = True) -> None:
    """The seed's way: start the job, infer, write the row, try to finish the job."""
    ctx.results.start_job(task.job_id)
    started = time.perf_counter()
    try:
        prediction = ctx.models.predict(task.model_name, [_window(task)])[0]
    except ServiceUnavailableError as exc:
        if not final:
            raise
        outcome = _failed(task, f"{exc} (gave up retrying)")
    except Exception as exc:
        log.warning("job %s: %s inference failed: %s", task.job_id, task.subsystem, exc)
        outcome = _failed(task, f"{type(exc).__name__}: {exc}")
    else:
        outcome = _completed(task, prediction, (time.perf_counter() - started) * 1000)
    ctx.results.record_subsystem(outcome)
    finished = ctx.results.finish_job(task.job_id)
    if finished is not None:
        log.info("job %s %s", task.job_id, finished.status)
        ctx.publisher(finished)


def run_inference(ctx: TaskContext, task: SeriesTask, final: bool = True) -> None:
    ctx.results.start_job(task.job_id)
    values = np.asarray(task.data[-task.window_size :], dtype=np.float64)[:, None]
    window = WindowInput(
        subsystem="series", channels=("value",), values=values, horizon=task.horizon
    )
    started = time.perf_counter()
    try:
        prediction = ctx.models.predict(task.model_name, [window])[0]
    except Exception as exc:
        if isinstance(exc, ServiceUnavailableError) and not final:
            raise
        log.warning("job %s: inference failed: %s", task.job_id, exc)
        _publish(ctx, ctx.results.fail_job(task.job_id, f"{type(exc).__name__}: {exc}"))
        return
    ctx.results.record_model_result(
        ModelOutcome(
            job_id=task.job_id,
            model_name=task.model_name,
            forecast=prediction.forecast[:, 0].tolist(),
            lower=prediction.lower[:, 0].tolist(),
            upper=prediction.upper[:, 0].tolist(),
            anomaly_score=prediction.anomaly_score,
            anomaly_detected=prediction.anomaly_detected,
            inference_time_ms=(time.perf_counter() - started) * 1000,
        )
    )
    _publish(ctx, ctx.results.complete_job(task.job_id))


def publish_finished(ctx: TaskContext, job_ids: Sequence[str]) -> set[str]:
    """For a task run again: publish (again) its jobs that are already finished,
    which a crash may have kept from being published, and return their ids."""
    done: set[str] = set()
    for job_id in job_ids:
        job = ctx.results.get_job(job_id)
        if job is not None and job.status in (JobStatus.COMPLETED, JobStatus.FAILED):
            ctx.publisher(job)
            done.add(job_id)
    return done


def _publish(ctx: TaskContext, job: JobRecord | None) -> None:
    if job is not None:
        log.info("job %s %s", job.job_id, job.status)
        ctx.publisher(job)


def _window(task: SubsystemTask) -> WindowInput:
    return WindowInput(
        subsystem=task.subsystem,
        channels=tuple(task.channels),
        values=np.asarray(task.values, dtype=np.float64),
        horizon=task.horizon,
    )


def _failed(task: SubsystemTask, error: str) -> SubsystemOutcome:
    return SubsystemOutcome(
        job_id=task.job_id,
        subsystem=task.subsystem,
        model_name=task.model_name,
        status=JobStatus.FAILED,
        error_message=error,
    )


def _completed(task: SubsystemTask, prediction: Prediction, elapsed_ms: float) -> SubsystemOutcome:
    return SubsystemOutcome(
        job_id=task.job_id,
        subsystem=task.subsystem,
        model_name=task.model_name,
        status=JobStatus.COMPLETED,
        inference_time_ms=elapsed_ms,
        anomaly_detected=prediction.anomaly_detected,
        anomaly_score=prediction.anomaly_score,
        anomaly_channels=prediction.anomaly_channels,
        channel_scores=prediction.channel_scores,
        forecast=Forecast(
            start_ms=task.window_end_ms + task.step_ms,
            step_ms=task.step_ms,
            channels={
                channel: ChannelForecast(
                    mean=prediction.forecast[:, c].tolist(),
                    lower=prediction.lower[:, c].tolist(),
                    upper=prediction.upper[:, c].tolist(),
                )
                for c, channel in enumerate(task.channels)
            },
        ),
        window_end_ms=task.window_end_ms,
    )
