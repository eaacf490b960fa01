"""The inference tasks: what a worker does with a SubsystemTask or a SeriesTask.

Both are idempotent: running a task twice rewrites the same row, and a job is
finished (and published) by exactly one of the tasks that could finish it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from satmon.analysis.base import SeriesTask, SubsystemTask, Task
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


@dataclass(frozen=True, slots=True)
class TaskContext:
    results: ResultsStore
    models: ModelServer
    on_finished: Callable[[JobRecord], None]


def run_task(ctx: TaskContext, task: Task) -> None:
    if isinstance(task, SubsystemTask):
        run_subsystem_inference(ctx, task)
    else:
        run_inference(ctx, task)


def run_subsystem_inference(ctx: TaskContext, task: SubsystemTask) -> None:
    ctx.results.start_job(task.job_id)
    window = WindowInput(
        subsystem=task.subsystem,
        channels=tuple(task.channels),
        values=np.asarray(task.values, dtype=np.float64),
        horizon=task.horizon,
    )
    started = time.perf_counter()
    try:
        prediction = ctx.models.predict(task.model_name, [window])[0]
    except Exception as exc:
        log.exception("job %s: %s inference failed", task.job_id, task.subsystem)
        ctx.results.record_subsystem(
            SubsystemOutcome(
                job_id=task.job_id,
                subsystem=task.subsystem,
                model_name=task.model_name,
                status=JobStatus.FAILED,
                error_message=f"{type(exc).__name__}: {exc}",
            )
        )
        _finish(ctx, task.job_id)
        return
    elapsed_ms = (time.perf_counter() - started) * 1000
    ctx.results.record_subsystem(
        SubsystemOutcome(
            job_id=task.job_id,
            subsystem=task.subsystem,
            model_name=task.model_name,
            status=JobStatus.COMPLETED,
            inference_time_ms=elapsed_ms,
            anomaly_detected=prediction.anomaly_detected,
            anomaly_score=prediction.anomaly_score,
            anomaly_channels=prediction.anomaly_channels,
            channel_scores=prediction.channel_scores,
            forecast=_forecast(prediction, task),
            window_end_ms=task.window_end_ms,
        )
    )
    _finish(ctx, task.job_id)


def run_inference(ctx: TaskContext, task: SeriesTask) -> None:
    ctx.results.start_job(task.job_id)
    values = np.asarray(task.data[-task.window_size :], dtype=np.float64)[:, None]
    window = WindowInput(
        subsystem="series", channels=("value",), values=values, horizon=task.horizon
    )
    started = time.perf_counter()
    try:
        prediction = ctx.models.predict(task.model_name, [window])[0]
    except Exception as exc:
        log.exception("job %s: inference failed", task.job_id)
        failed = ctx.results.fail_job(task.job_id, f"{type(exc).__name__}: {exc}")
        if failed is not None:
            ctx.on_finished(failed)
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
    finished = ctx.results.complete_job(task.job_id)
    if finished is not None:
        ctx.on_finished(finished)


def _finish(ctx: TaskContext, job_id: str) -> None:
    finished = ctx.results.finish_job(job_id)
    if finished is not None:
        log.info("job %s %s", job_id, finished.status)
        ctx.on_finished(finished)


def _forecast(prediction: Prediction, task: SubsystemTask) -> Forecast:
    return Forecast(
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
    )
