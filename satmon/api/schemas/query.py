"""Job pages, statistics, alerts, search hits and health."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from satmon.api.schemas.inference import JobPublic


class JobPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[JobPublic]


class SubsystemStatsPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    subsystem: str
    total: int
    anomalies: int
    anomaly_rate: float
    avg_score: float | None


class ModelStatsPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, protected_namespaces=())

    model_name: str
    total: int
    avg_time_ms: float | None
    min_time_ms: float | None
    max_time_ms: float | None


class StatsPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    total_jobs: int
    completed: int
    failed: int
    processing: int
    pending: int
    success_rate: float | None
    by_subsystem: list[SubsystemStatsPublic]
    by_model: list[ModelStatsPublic]


class AlertPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True, protected_namespaces=())

    job_id: str
    satellite_id: str | None
    subsystem: str
    model_name: str
    anomaly_score: float
    anomaly_channels: list[str]
    source: str
    trigger_reason: str | None
    created_at: datetime


# --- search --------------------------------------------------------------------------


class SearchHitPublic(BaseModel):
    job_id: str
    satellite_id: str | None
    source: str
    trigger_reason: str | None
    status: str
    model_name: str = Field(json_schema_extra={"title": "Model name"})
    created_at: datetime
    completed_at: datetime | None
    anomalous_subsystems: list[str]
    anomaly_channels: list[str]
    max_anomaly_score: float | None
    score: float

    model_config = ConfigDict(protected_namespaces=())


class SearchResultsPublic(BaseModel):
    query: str
    total: int
    hits: list[SearchHitPublic]


# --- health --------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]
    version: str


class DependencyCheck(BaseModel):
    ok: bool
    service: str
    url: str
    detail: str | None = None


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, DependencyCheck]
