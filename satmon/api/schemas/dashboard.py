"""The dashboard's views: alert acknowledgements, the trend view, the ground track
and live events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from satmon.api.schemas.query import AlertPublic
from satmon.api.schemas.trends import LatestPublic, LimitsPublic, PointPair


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
