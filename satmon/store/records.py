"""What the results store takes and gives back, independent of the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class JobStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class JobSource(StrEnum):
    MANUAL = "manual"
    TRIGGER = "kafka_auto_trigger"


@dataclass(frozen=True, slots=True)
class ChannelForecast:
    """A forecast of one channel: `mean` with a band [lower, upper] per step."""

    mean: list[float]
    lower: list[float]
    upper: list[float]


@dataclass(frozen=True, slots=True)
class Forecast:
    """Forecast of a window's channels, on the grid start_ms + k * step_ms."""

    start_ms: int
    step_ms: int
    channels: dict[str, ChannelForecast]


@dataclass(frozen=True, slots=True)
class NewJob:
    job_id: str
    source: str
    model_name: str
    satellite_id: str | None = None
    trigger_reason: str | None = None
    subsystems: tuple[str, ...] = ()
    request: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class SubsystemOutcome:
    """The result of one subsystem's inference (or its failure)."""

    job_id: str
    subsystem: str
    model_name: str
    status: JobStatus
    inference_time_ms: float | None = None
    anomaly_detected: bool | None = None
    anomaly_score: float | None = None
    anomaly_channels: list[str] = field(default_factory=list)
    channel_scores: dict[str, float] = field(default_factory=dict)
    forecast: Forecast | None = None
    window_end_ms: int | None = None
    error_message: str | None = None


@dataclass(frozen=True, slots=True)
class ModelOutcome:
    """The result of a manual single-series job (the seed's inference_results)."""

    job_id: str
    model_name: str
    forecast: list[float]
    lower: list[float]
    upper: list[float]
    anomaly_score: float
    anomaly_detected: bool
    inference_time_ms: float


@dataclass(frozen=True, slots=True)
class JobRecord:
    """A job with counts from its results: `completed_subsystems` completed subsystem
    rows; `anomalies_detected` anomalous subsystems, plus one if the job's
    single-series result is anomalous."""

    job_id: str
    satellite_id: str | None
    source: str
    trigger_reason: str | None
    status: JobStatus
    model_name: str
    total_subsystems: int
    completed_subsystems: int
    anomalies_detected: int
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    error_message: str | None
    request: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class SubsystemRecord:
    job_id: str
    subsystem: str
    model_name: str
    status: JobStatus
    anomaly_detected: bool | None
    anomaly_score: float | None
    anomaly_channels: list[str]
    channel_scores: dict[str, float]
    inference_time_ms: float | None
    forecast: Forecast | None
    window_end_ms: int | None
    error_message: str | None
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class FinishedJob:
    """A job that a write just finished, with its subsystem rows as they stand."""

    job: JobRecord
    subsystems: list[SubsystemRecord]


@dataclass(frozen=True, slots=True)
class ModelResultRecord:
    job_id: str
    model_name: str
    forecast: list[float]
    lower: list[float]
    upper: list[float]
    anomaly_score: float
    anomaly_detected: bool
    inference_time_ms: float
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """A row of v_anomaly_alerts: one subsystem flagged anomalous by a job."""

    job_id: str
    satellite_id: str | None
    subsystem: str
    model_name: str
    anomaly_score: float
    anomaly_channels: list[str]
    source: str
    trigger_reason: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class JobSummary:
    """A row of v_inference_job_summary."""

    job_id: str
    satellite_id: str | None
    source: str
    trigger_reason: str | None
    job_status: JobStatus
    created_at: datetime
    total_subsystems: int
    completed_subsystems: int
    total_time_seconds: float | None
    inference_count: int
    anomalies_detected: int
    avg_inference_time_ms: float | None
    subsystem_results: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class JobFilter:
    status: JobStatus | None = None
    satellite_id: str | None = None
    source: str | None = None
    model_name: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class SubsystemStats:
    subsystem: str
    total: int
    anomalies: int
    anomaly_rate: float
    avg_score: float | None


@dataclass(frozen=True, slots=True)
class ModelStats:
    model_name: str
    total: int
    avg_time_ms: float | None
    min_time_ms: float | None
    max_time_ms: float | None


@dataclass(frozen=True, slots=True)
class Stats:
    """As the seed's statistics queries: `success_rate` and each subsystem's
    `anomaly_rate` are percentages rounded to 2 places (None when there are no jobs);
    per-subsystem and per-model figures count completed subsystem inferences."""

    total_jobs: int
    completed: int
    failed: int
    processing: int
    pending: int
    success_rate: float | None
    by_subsystem: list[SubsystemStats]
    by_model: list[ModelStats]


@dataclass(frozen=True, slots=True)
class PredictionPoint:
    timestamp_ms: int
    value: float
    lower: float
    upper: float
    job_id: str


@dataclass(frozen=True, slots=True)
class NewAcknowledgement:
    """An operator's acknowledgement of one alert: a subsystem a job found anomalous."""

    job_id: str
    subsystem: str
    acknowledged_by: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class AcknowledgementRecord:
    job_id: str
    subsystem: str
    acknowledged_by: str
    note: str | None
    acknowledged_at: datetime


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """`since` is inclusive; `acknowledged` None means both."""

    satellite_id: str | None = None
    subsystem: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    acknowledged: bool | None = None


@dataclass(frozen=True, slots=True)
class AlertStatusRecord:
    """A row of v_anomaly_alerts with its acknowledgement, if it has one."""

    alert: AlertRecord
    acknowledgement: AcknowledgementRecord | None
