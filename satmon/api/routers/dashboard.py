"""/dashboard: what a view of the operators' dashboard draws, in one request."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from satmon.api.deps import StateDep
from satmon.api.ground import ground_track
from satmon.api.routers.trends import EndQuery, RangeQuery, StartQuery, StepQuery
from satmon.api.schemas.common import SatelliteId
from satmon.api.schemas.dashboard import GroundTrackPublic, TrendViewPublic
from satmon.api.timerange import resolve
from satmon.api.trendview import trend_view
from satmon.errors import InvalidRequestError
from satmon.telemetry.schema import CHANNELS_BY_METRIC, Channel

router = APIRouter(prefix="/dashboard", tags=["dashboard"])

MAX_METRICS = 8


def _channel(metric: str) -> Channel:
    channel = CHANNELS_BY_METRIC.get(metric)
    if channel is None:
        raise InvalidRequestError(
            "metric", f"unknown metric {metric!r}; see /api/v1/trends/metrics"
        )
    return channel


@router.get("/trends")
async def trends(
    state: StateDep,
    satellite_id: SatelliteId,
    metric: Annotated[
        list[str], Query(min_length=1, max_length=MAX_METRICS, description="Metric names")
    ],
    range_name: RangeQuery = None,
    start: StartQuery = None,
    end: EndQuery = None,
    step: StepQuery = None,
) -> TrendViewPublic:
    """Per metric: per-step averages, min/max envelope, forecasts with their band,
    statistics, and the alerts of the satellite in the range."""
    channels = [_channel(m) for m in metric]
    window = resolve(range_name, start, end, step)
    return await run_in_threadpool(trend_view, state.adapters, satellite_id, channels, window)


@router.get("/ground-track")
async def ground(
    state: StateDep,
    satellite_id: SatelliteId | None = None,
    minutes: Annotated[
        float, Query(gt=0, le=1440, description="Length of the track behind each satellite")
    ] = 95,
    at: Annotated[datetime | None, Query(description="The moment; default now")] = None,
) -> GroundTrackPublic:
    """Positions, the last orbit's track (sunlit or in eclipse), the sub-solar point
    and the ground stations, with the ones that see each satellite now."""
    now_ms = int((at.timestamp() if at else time.time()) * 1000)
    return await run_in_threadpool(ground_track, state.adapters.tsdb, now_ms, minutes, satellite_id)
