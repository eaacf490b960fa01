"""Request and response models of the API (XBase / XCreate / XPublic naming)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel

from satmon.telemetry.schema import SATELLITE_ID_CHARS

# pydantic matches patterns with Rust's regex, where `$` is the very end of the text.
SatelliteId = Annotated[str, Field(pattern=f"^{SATELLITE_ID_CHARS}$", examples=["SAT-001"])]


def _finite(values: list[float]) -> list[float]:
    for i, value in enumerate(values):
        if not math.isfinite(value):
            raise ValueError(f"value {i} is not a finite number")
    return values


# --- inference -----------------------------------------------------------------------


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
    data: Annotated[list[float], AfterValidator(_finite)] | None = Field(
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


# --- trends --------------------------------------------------------------------------

PointPair = tuple[int, float]
"""[timestamp in ms since the epoch, value]"""


class SeriesPublic(BaseModel):
    satellite_id: str
    subsystem: str
    points: list[PointPair]


class MetricSeriesPublic(BaseModel):
    metric: str
    unit: str
    series: list[SeriesPublic]


class RawTrends(BaseModel):
    start_ms: int
    end_ms: int
    step_s: float
    metrics: list[MetricSeriesPublic]


class PredictionPointPublic(BaseModel):
    timestamp_ms: int
    value: float
    lower: float
    upper: float
    job_id: str


class PredictionTrends(BaseModel):
    metric: str
    satellite_id: str
    unit: str
    start_ms: int
    end_ms: int
    points: list[PredictionPointPublic]


class CompareStats(BaseModel):
    matched_points: int
    mae: float | None
    rmse: float | None
    within_band: float | None = Field(None, description="Share of raw points inside the band")


class CompareTrends(BaseModel):
    metric: str
    satellite_id: str
    unit: str
    start_ms: int
    end_ms: int
    step_s: float
    raw: list[PointPair]
    prediction: list[PredictionPointPublic]
    stats: CompareStats


class LimitsPublic(BaseModel):
    yellow: tuple[float, float]
    red: tuple[float, float]


class MetricPublic(BaseModel):
    metric: str
    subsystem: str
    field: str
    unit: str
    kind: Literal["float", "int", "bool"]
    description: str
    valid: tuple[float, float] | None
    limits: LimitsPublic | None
    modelled: bool


class LatestPublic(BaseModel):
    value: float
    timestamp_ms: int
    state: Literal["nominal", "warning", "alarm", "none"]


class SatellitePublic(BaseModel):
    satellite_id: str
    last_seen_ms: int
    latest: dict[str, LatestPublic]


SatelliteList = RootModel[list[SatellitePublic]]


# --- query ---------------------------------------------------------------------------


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


# --- alerts (dashboard) --------------------------------------------------------------


class AcknowledgementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    acknowledged_by: str = Field(
        min_length=1, max_length=64, pattern=r"^[\w][\w .@-]*$", examples=["operator"]
    )
    note: str | None = Field(None, max_length=1000)


class AcknowledgementPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    job_id: str
    subsystem: str
    acknowledged_by: str
    note: str | None
    acknowledged_at: datetime


class AlertStatusPublic(AlertPublic):
    """An alert (a row of v_anomaly_alerts) with its acknowledgement, if any."""

    acknowledgement: AcknowledgementPublic | None


# --- trend view (dashboard) ----------------------------------------------------------

EnvelopePoint = tuple[int, float, float]
"""[timestamp in ms, min, max] of the raw samples in the step ending at the timestamp"""
BandPoint = tuple[int, float, float, float]
"""[timestamp in ms, predicted value, lower bound, upper bound]"""


class TrendStatsPublic(BaseModel):
    """Over the range: min and max of every raw sample; mean and std of the plotted
    (per-step average) points; change is last minus first plotted point."""

    points: int
    min: float | None
    max: float | None
    mean: float | None
    std: float | None
    first: float | None
    last: float | None
    change: float | None


class TrendMetricPublic(BaseModel):
    metric: str
    subsystem: str
    field: str
    unit: str
    description: str
    limits: LimitsPublic | None
    points: list[PointPair] = Field(description="Per-step averages")
    envelope: list[EnvelopePoint] = Field(description="Per-step min and max")
    prediction: list[BandPoint] = Field(description="Forecasts, newest job per step")
    stats: TrendStatsPublic
    anomalies: int = Field(description="Alerts of this metric's subsystem in the range")


class TrendViewPublic(BaseModel):
    """Everything a satellite's trend charts show, on one step grid."""

    satellite_id: str
    start_ms: int
    end_ms: int
    step_s: float
    last_seen_ms: int | None
    metrics: list[TrendMetricPublic]
    alerts: list[AlertStatusPublic]


# --- ground track (dashboard) --------------------------------------------------------

TrackPoint = tuple[int, float, float, bool]
"""[timestamp in ms, latitude, longitude, in eclipse]"""


class GroundStationPublic(BaseModel):
    name: str
    latitude: float
    longitude: float
    elevation_mask_deg: float


class GeoPointPublic(BaseModel):
    latitude: float
    longitude: float


class SatelliteTrackPublic(BaseModel):
    satellite_id: str
    last_seen_ms: int
    position: GeoPointPublic
    altitude_km: float | None
    eclipse: bool | None
    link_up: bool | None
    in_view: list[str] = Field(description="Ground stations above their elevation mask")
    coverage_radius_deg: float | None = Field(
        description="Great-circle radius around a station within which it sees the satellite"
    )
    track: list[TrackPoint]


class GroundTrackPublic(BaseModel):
    now_ms: int
    subsolar: GeoPointPublic
    stations: list[GroundStationPublic]
    satellites: list[SatelliteTrackPublic]


# --- live updates (dashboard) --------------------------------------------------------


class LiveTelemetryEvent(BaseModel):
    """The newest values of a satellite, sent when it reports."""

    type: Literal["telemetry"] = "telemetry"
    satellite_id: str
    timestamp_ms: int
    values: dict[str, LatestPublic]


class LiveAlertEvent(BaseModel):
    """A new anomaly alert."""

    type: Literal["alert"] = "alert"
    alert: AlertStatusPublic


LiveEvent = Annotated[LiveTelemetryEvent | LiveAlertEvent, Field(discriminator="type")]
