"""Between the records of `records.py` and what the tables hold.

A forecast is stored as JSON: `{"start_ms": int, "step_ms": int, "channels":
{name: {"mean": [...], "lower": [...], "upper": [...]}}}`.
"""

from __future__ import annotations

from typing import Any

from satmon.store.models import InferenceJob, InferenceResult, SubsystemInference
from satmon.store.records import (
    ChannelForecast,
    Forecast,
    JobRecord,
    JobStatus,
    ModelResultRecord,
    SubsystemRecord,
)


def forecast_to_json(forecast: Forecast) -> dict[str, Any]:
    return {
        "start_ms": forecast.start_ms,
        "step_ms": forecast.step_ms,
        "channels": {
            name: {"mean": c.mean, "lower": c.lower, "upper": c.upper}
            for name, c in forecast.channels.items()
        },
    }


def forecast_from_json(data: dict[str, Any]) -> Forecast:
    return Forecast(
        start_ms=int(data["start_ms"]),
        step_ms=int(data["step_ms"]),
        channels={
            name: ChannelForecast(mean=c["mean"], lower=c["lower"], upper=c["upper"])
            for name, c in data["channels"].items()
        },
    )


def forecast_span(forecast: Forecast) -> tuple[int, int] | None:
    """First and last time any channel of the forecast covers; None if it is empty."""
    steps = max((len(c.mean) for c in forecast.channels.values()), default=0)
    if steps == 0:
        return None
    return forecast.start_ms, forecast.start_ms + (steps - 1) * forecast.step_ms


def job_record(job: InferenceJob, completed_subsystems: int, anomalies: int) -> JobRecord:
    return JobRecord(
        job_id=job.job_id,
        satellite_id=job.satellite_id,
        source=job.source,
        trigger_reason=job.trigger_reason,
        status=JobStatus(job.status),
        model_name=job.model_name,
        total_subsystems=job.total_subsystems,
        completed_subsystems=completed_subsystems,
        anomalies_detected=anomalies,
        created_at=job.created_at,
        started_at=job.started_at,
        completed_at=job.completed_at,
        error_message=job.error_message,
        request=job.request,
    )


def subsystem_record(row: SubsystemInference) -> SubsystemRecord:
    return SubsystemRecord(
        job_id=row.job_id,
        subsystem=row.subsystem,
        model_name=row.model_name,
        status=JobStatus(row.status),
        anomaly_detected=row.anomaly_detected,
        anomaly_score=row.anomaly_score,
        anomaly_channels=list(row.anomaly_channels),
        channel_scores=dict(row.channel_scores),
        inference_time_ms=row.inference_time_ms,
        forecast=forecast_from_json(row.forecast) if row.forecast is not None else None,
        window_end_ms=row.window_end_ms,
        error_message=row.error_message,
        created_at=row.created_at,
        completed_at=row.completed_at,
    )


def model_result_record(row: InferenceResult) -> ModelResultRecord:
    return ModelResultRecord(
        job_id=row.job_id,
        model_name=row.model_name,
        forecast=list(row.forecast),
        lower=list(row.lower),
        upper=list(row.upper),
        anomaly_score=row.anomaly_score,
        anomaly_detected=row.anomaly_detected,
        inference_time_ms=row.inference_time_ms,
        created_at=row.created_at,
    )
