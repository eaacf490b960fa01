"""The trend view of one satellite: several metrics on one step grid, with their
min/max envelope, forecasts, statistics and the alerts in the range.

One request gives the dashboard everything its charts draw, so a week costs the
browser about as much as an hour: every series has about 1,000 points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from satmon.api.convert import alert_status_public
from satmon.api.schemas.dashboard import (
    BandPoint,
    EnvelopePoint,
    TrendMetricPublic,
    TrendStatsPublic,
    TrendViewPublic,
)
from satmon.api.schemas.trends import LimitsPublic, PointPair
from satmon.api.timerange import TimeWindow
from satmon.runtime import Adapters
from satmon.store.records import AlertFilter, PredictionPoint
from satmon.telemetry.schema import Channel
from satmon.tsdb.base import Aggregate

MAX_ALERTS = 500


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def grid_point(t: int, window: TimeWindow) -> int:
    """The grid point whose step (g - step, g] holds t."""
    steps = math.ceil((t - window.start_ms) / window.step_ms)
    return window.start_ms + steps * window.step_ms


def thin_predictions(points: Sequence[PredictionPoint], window: TimeWindow) -> list[BandPoint]:
    """At most one forecast point per step: the latest in time, at its own time."""
    by_step: dict[int, PredictionPoint] = {}
    for p in points:  # in time order, so the last one per step wins
        by_step[grid_point(p.timestamp_ms, window)] = p
    return [(p.timestamp_ms, p.value, p.lower, p.upper) for p in by_step.values()]


def trend_stats(points: Sequence[PointPair], envelope: Sequence[EnvelopePoint]) -> TrendStatsPublic:
    if not points:
        return TrendStatsPublic(
            points=0, min=None, max=None, mean=None, std=None, first=None, last=None, change=None
        )
    values = [v for _, v in points]
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return TrendStatsPublic(
        points=len(values),
        min=min(lo for _, lo, _ in envelope) if envelope else min(values),
        max=max(hi for _, _, hi in envelope) if envelope else max(values),
        mean=mean,
        std=std,
        first=values[0],
        last=values[-1],
        change=values[-1] - values[0],
    )


# The envelope needs three aggregates per metric; a view of four metrics is then
# twelve range queries, which the store answers in parallel (SQLite and HTTP both
# release the GIL while they wait).
_READS = ThreadPoolExecutor(max_workers=6, thread_name_prefix="trend-read")
_AGGREGATES: tuple[Aggregate, ...] = ("avg", "min", "max")


def _series(
    adapters: Adapters,
    satellite_id: str,
    channel: Channel,
    window: TimeWindow,
    aggregate: Aggregate,
) -> dict[int, float]:
    found = adapters.tsdb.query_range(
        channel.metric,
        window.start_ms,
        window.end_ms,
        window.step_ms,
        satellite_id=satellite_id,
        aggregate=aggregate,
    )
    return {p.timestamp_ms: p.value for s in found for p in s.points}


def _metric(
    adapters: Adapters,
    satellite_id: str,
    channel: Channel,
    window: TimeWindow,
    anomalies: int,
    aggregated: dict[Aggregate, dict[int, float]],
) -> TrendMetricPublic:
    average, low, high = aggregated["avg"], aggregated["min"], aggregated["max"]
    points: list[PointPair] = sorted(average.items())
    envelope: list[EnvelopePoint] = [
        (t, low[t], high[t]) for t, _ in points if t in low and t in high
    ]
    prediction: list[BandPoint] = []
    if channel.modelled:
        predicted = adapters.results.predictions(
            satellite_id, channel.subsystem, channel.field, window.start_ms, window.end_ms
        )
        prediction = thin_predictions(predicted, window)
    limits = channel.limits
    return TrendMetricPublic(
        metric=channel.metric,
        subsystem=channel.subsystem,
        field=channel.field,
        unit=channel.unit,
        description=channel.description,
        limits=LimitsPublic(yellow=limits.yellow, red=limits.red) if limits else None,
        points=points,
        envelope=envelope,
        prediction=prediction,
        stats=trend_stats(points, envelope),
        anomalies=anomalies,
    )


def trend_view(
    adapters: Adapters, satellite_id: str, channels: Sequence[Channel], window: TimeWindow
) -> TrendViewPublic:
    alerts = adapters.results.alerts(
        AlertFilter(
            satellite_id=satellite_id,
            since=_utc(window.start_ms),
            until=_utc(window.end_ms + 1),
        ),
        limit=MAX_ALERTS,
    )
    per_subsystem: dict[str, int] = {}
    for a in alerts:
        per_subsystem[a.alert.subsystem] = per_subsystem.get(a.alert.subsystem, 0) + 1
    latest = adapters.tsdb.latest(satellite_id)
    reads = {
        (ch.metric, aggregate): _READS.submit(
            _series, adapters, satellite_id, ch, window, aggregate
        )
        for ch in channels
        for aggregate in _AGGREGATES
    }
    return TrendViewPublic(
        satellite_id=satellite_id,
        start_ms=window.start_ms,
        end_ms=window.end_ms,
        step_s=window.step_s,
        last_seen_ms=max((v.timestamp_ms for v in latest), default=None),
        metrics=[
            _metric(
                adapters,
                satellite_id,
                ch,
                window,
                per_subsystem.get(ch.subsystem, 0),
                {aggregate: reads[(ch.metric, aggregate)].result() for aggregate in _AGGREGATES},
            )
            for ch in channels
        ],
        alerts=[alert_status_public(a) for a in alerts],
    )
