"""/trends: raw telemetry, predictions, and the two side by side."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from satmon.api.caching import cache_key, cached_json
from satmon.api.deps import StateDep
from satmon.api.schemas.common import SatelliteId
from satmon.api.schemas.trends import (
    CompareStats,
    CompareTrends,
    LatestPublic,
    LimitsPublic,
    MetricPublic,
    MetricSeriesPublic,
    PredictionPointPublic,
    PredictionTrends,
    RawTrends,
    SatelliteList,
    SatellitePublic,
    SeriesPublic,
)
from satmon.api.timerange import RANGES_S, TimeWindow, resolve
from satmon.errors import InvalidRequestError
from satmon.telemetry.schema import CHANNELS, CHANNELS_BY_METRIC, Channel
from satmon.tsdb.base import Point

router = APIRouter(prefix="/trends", tags=["trends"])

RangeQuery = Annotated[
    str | None, Query(alias="range", description=f"One of {', '.join(RANGES_S)}; default 1h")
]
StartQuery = Annotated[datetime | None, Query(description="Start (RFC 3339); with end")]
EndQuery = Annotated[datetime | None, Query(description="End (RFC 3339); default now")]
StepQuery = Annotated[
    str | None,
    Query(description="Step such as 30s or 5m; default: about 1,000 points over the range"),
]
MetricQuery = Annotated[str, Query(description="A metric name, e.g. satellite_temperature")]


def _channel(metric: str, field: str = "metric") -> Channel:
    channel = CHANNELS_BY_METRIC.get(metric)
    if channel is None:
        raise InvalidRequestError(field, f"unknown metric {metric!r}; see /api/v1/trends/metrics")
    return channel


@router.get("/raw", response_model=RawTrends)
def raw(
    request: Request,
    state: StateDep,
    metric: Annotated[list[str], Query(description="One or more metric names")],
    satellite_id: SatelliteId | None = None,
    range_name: RangeQuery = None,
    start: StartQuery = None,
    end: EndQuery = None,
    step: StepQuery = None,
) -> Response:
    channels = [_channel(m) for m in metric]
    window = resolve(range_name, start, end, step)

    def build() -> RawTrends:
        tsdb = state.adapters.tsdb
        return RawTrends(
            start_ms=window.start_ms,
            end_ms=window.end_ms,
            step_s=window.step_s,
            metrics=[
                MetricSeriesPublic(
                    metric=ch.metric,
                    unit=ch.unit,
                    series=[
                        SeriesPublic(
                            satellite_id=s.key.satellite_id,
                            subsystem=s.key.subsystem,
                            points=[(p.timestamp_ms, p.value) for p in s.points],
                        )
                        for s in tsdb.query_range(
                            ch.metric,
                            window.start_ms,
                            window.end_ms,
                            window.step_ms,
                            satellite_id=satellite_id,
                        )
                    ],
                )
                for ch in channels
            ],
        )

    settings = state.adapters.settings
    return cached_json(state.adapters.cache, cache_key(request), settings.cache_ttl_s, build)


def _predictions(
    state: StateDep, channel: Channel, satellite_id: str, window: TimeWindow
) -> list[PredictionPointPublic]:
    points = state.adapters.results.predictions(
        satellite_id, channel.subsystem, channel.field, window.start_ms, window.end_ms
    )
    return [
        PredictionPointPublic(
            timestamp_ms=p.timestamp_ms,
            value=p.value,
            lower=p.lower,
            upper=p.upper,
            job_id=p.job_id,
        )
        for p in points
    ]


@router.get("/prediction")
def prediction(
    state: StateDep,
    metric: MetricQuery,
    satellite_id: SatelliteId,
    range_name: RangeQuery = None,
    start: StartQuery = None,
    end: EndQuery = None,
) -> PredictionTrends:
    channel = _channel(metric)
    window = resolve(range_name, start, end, None)
    return PredictionTrends(
        metric=metric,
        satellite_id=satellite_id,
        unit=channel.unit,
        start_ms=window.start_ms,
        end_ms=window.end_ms,
        points=_predictions(state, channel, satellite_id, window),
    )


@router.get("/compare")
def compare(
    state: StateDep,
    metric: MetricQuery,
    satellite_id: SatelliteId,
    range_name: RangeQuery = None,
    start: StartQuery = None,
    end: EndQuery = None,
    step: StepQuery = None,
) -> CompareTrends:
    """Raw values and predictions of one metric, with how well they agree where
    a raw sample falls on a predicted time."""
    channel = _channel(metric)
    window = resolve(range_name, start, end, step)
    series = state.adapters.tsdb.query_range(
        metric, window.start_ms, window.end_ms, window.step_ms, satellite_id=satellite_id
    )
    raw_points = series[0].points if series else []
    predicted = _predictions(state, channel, satellite_id, window)
    return CompareTrends(
        metric=metric,
        satellite_id=satellite_id,
        unit=channel.unit,
        start_ms=window.start_ms,
        end_ms=window.end_ms,
        step_s=window.step_s,
        raw=[(p.timestamp_ms, p.value) for p in raw_points],
        prediction=predicted,
        stats=_agreement(raw_points, predicted, window),
    )


def _agreement(
    raw: list[Point], predicted: list[PredictionPointPublic], window: TimeWindow
) -> CompareStats:
    """Errors of the predictions against the raw series on the query's grid: each
    predicted time is compared with the grid point whose step (t - step, t] holds it."""
    actual = {p.timestamp_ms: p.value for p in raw}

    def grid_point(t: int) -> int:
        return window.start_ms + math.ceil((t - window.start_ms) / window.step_ms) * window.step_ms

    pairs = [
        (actual[grid_point(p.timestamp_ms)], p)
        for p in predicted
        if grid_point(p.timestamp_ms) in actual
    ]
    if not pairs:
        return CompareStats(matched_points=0, mae=None, rmse=None, within_band=None)
    errors = [value - p.value for value, p in pairs]
    inside = sum(p.lower <= value <= p.upper for value, p in pairs)
    return CompareStats(
        matched_points=len(pairs),
        mae=sum(abs(e) for e in errors) / len(errors),
        rmse=math.sqrt(sum(e * e for e in errors) / len(errors)),
        within_band=inside / len(pairs),
    )


@router.get("/metrics")
def metrics() -> list[MetricPublic]:
    return [
        MetricPublic(
            metric=ch.metric,
            subsystem=ch.subsystem,
            field=ch.field,
            unit=ch.unit,
            kind=ch.kind,
            description=ch.description,
            valid=ch.valid,
            limits=LimitsPublic(yellow=ch.limits.yellow, red=ch.limits.red) if ch.limits else None,
            modelled=ch.modelled,
        )
        for ch in CHANNELS
    ]


@router.get("/satellites", response_model=list[SatellitePublic])
def satellites(request: Request, state: StateDep) -> Response:
    """Every satellite with telemetry, its last contact and latest values with
    their limit state."""

    def build() -> SatelliteList:
        fleet: dict[str, SatellitePublic] = {}
        for latest in state.adapters.tsdb.latest():
            sat = fleet.setdefault(
                latest.key.satellite_id,
                SatellitePublic(satellite_id=latest.key.satellite_id, last_seen_ms=0, latest={}),
            )
            sat.last_seen_ms = max(sat.last_seen_ms, latest.timestamp_ms)
            channel = CHANNELS_BY_METRIC.get(latest.key.metric)
            limit_state = (
                channel.limits.state(latest.value) if channel and channel.limits else "none"
            )
            sat.latest[latest.key.metric] = LatestPublic(
                value=latest.value, timestamp_ms=latest.timestamp_ms, state=limit_state
            )
        return SatelliteList([fleet[k] for k in sorted(fleet)])

    settings = state.adapters.settings
    return cached_json(state.adapters.cache, cache_key(request), settings.cache_ttl_s, build)
