"""Telemetry trends: raw, predicted and compared series, metrics and satellites."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, RootModel

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
