"""Inference jobs, their results and the models that serve them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from satmon.api.schemas.common import SatelliteId, finite_values


class InferenceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    forecast_horizon: int | None = Field(None, ge=1, le=1000, description="Steps to forecast")
    window_size: int | None = Field(None, ge=3, le=10_000, description="Steps the model reads")


class InferenceMetadata(BaseModel):
    model_config = ConfigDict(extra="allow")

    satellite_id: SatelliteId | None = None
    source: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")


class InferenceCreate(BaseModel):
    """The seed's request. With `data`, one series is forecast; without it, the
    satellite in metadata.satellite_id is analysed per subsystem from stored data."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_name: str | None = Field(None, max_length=128, examples=["holt_linear_baseline"])
    data: Annotated[list[float], AfterValidator(finite_values)] | None = Field(
        None, min_length=3, max_length=100_000
    )
    config: InferenceConfig = InferenceConfig()
    metadata: InferenceMetadata = InferenceMetadata()


class InferenceSubmitted(BaseModel):
    job_id: str
    status: str
    message: str


class JobProgress(BaseModel):
    completed: int
    total: int


class JobPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, protected_namespaces=())

    job_id: str
    satellite_id: str | None
    source: str
    trigger_reason: str | None
    status: str
    model_name: str
    total_subsystems: int
    completed_subsystems: int
    anomalies_detected: int
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    error_message: str | None


class JobStatusPublic(BaseModel):
    job_id: str
    status: str
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    progress: JobProgress
    error_message: str | None


class ChannelForecastPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    mean: list[float]
    lower: list[float]
    upper: list[float]


class ForecastPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    start_ms: int
    step_ms: int
    channels: dict[str, ChannelForecastPublic]


class SubsystemResultPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, protected_namespaces=())

    subsystem: str
    model_name: str
    status: str
    anomaly_detected: bool | None
    anomaly_score: float | None
    anomaly_channels: list[str]
    channel_scores: dict[str, float]
    inference_time_ms: float | None
    forecast: ForecastPublic | None
    window_end_ms: int | None
    error_message: str | None


class SeriesResultPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, protected_namespaces=())

    model_name: str
    forecast: list[float]
    lower: list[float]
    upper: list[float]
    anomaly_score: float
    anomaly_detected: bool
    inference_time_ms: float


class InferenceResultPublic(BaseModel):
    job: JobPublic
    subsystems: list[SubsystemResultPublic]
    result: SeriesResultPublic | None = Field(
        None, description="The forecast of a single-series job"
    )


class ModelPublic(BaseModel):
    name: str
    version: str
    ready: bool
    description: str
    default: bool
