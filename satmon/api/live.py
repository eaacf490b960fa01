"""The live feed behind /api/v1/live: new telemetry and new alerts, as they land.

Each stream polls the stores (cheap reads: the newest sample per series, the
newest alerts) once a second, so it works the same on the embedded and the real
adapters, and a satellite's values go out once per new timestamp. A stream ends
after `duration_s`; the browser then reconnects. Ending streams lets a server
shut down promptly while dashboards are open: it waits for open responses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import anyio
from starlette.concurrency import run_in_threadpool

from satmon.api.convert import alert_status_public
from satmon.api.schemas.dashboard import LiveAlertEvent, LiveEvent, LiveTelemetryEvent
from satmon.api.schemas.trends import LatestPublic
from satmon.runtime import Adapters
from satmon.store.records import AlertFilter
from satmon.telemetry.schema import CHANNELS_BY_METRIC

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 1.0
MAX_ALERTS_PER_POLL = 50


def telemetry_events(adapters: Adapters, satellite_id: str | None) -> list[LiveTelemetryEvent]:
    """The newest values of every satellite (or one), with their limit states."""
    by_satellite: dict[str, LiveTelemetryEvent] = {}
    for latest in adapters.tsdb.latest(satellite_id):
        sat = latest.key.satellite_id
        event = by_satellite.setdefault(
            sat, LiveTelemetryEvent(satellite_id=sat, timestamp_ms=0, values={})
        )
        event.timestamp_ms = max(event.timestamp_ms, latest.timestamp_ms)
        channel = CHANNELS_BY_METRIC.get(latest.key.metric)
        state = channel.limits.state(latest.value) if channel and channel.limits else "none"
        event.values[latest.key.metric] = LatestPublic(
            value=latest.value, timestamp_ms=latest.timestamp_ms, state=state
        )
    return [by_satellite[k] for k in sorted(by_satellite)]


def alert_events(
    adapters: Adapters, satellite_id: str | None, since: datetime
) -> list[LiveAlertEvent]:
    """Alerts created at or after `since`, oldest first."""
    rows = adapters.results.alerts(
        AlertFilter(satellite_id=satellite_id, since=since), limit=MAX_ALERTS_PER_POLL
    )
    return [LiveAlertEvent(alert=alert_status_public(r)) for r in reversed(rows)]


async def live_events(
    adapters: Adapters,
    satellite_id: str | None,
    alerts_since: datetime,
    duration_s: float,
    poll_interval_s: float = POLL_INTERVAL_S,
) -> AsyncIterator[LiveEvent]:
    """Every satellite's current values first, then what changes, until `duration_s`."""
    deadline = time.monotonic() + duration_s
    sent_at: dict[str, int] = {}
    sent_alerts: set[tuple[str, str]] = set()
    since = alerts_since
    while True:
        for event in await run_in_threadpool(telemetry_events, adapters, satellite_id):
            if sent_at.get(event.satellite_id, -1) < event.timestamp_ms:
                sent_at[event.satellite_id] = event.timestamp_ms
                yield event
        for alert in await run_in_threadpool(alert_events, adapters, satellite_id, since):
            key = (alert.alert.job_id, alert.alert.subsystem)
            if key not in sent_alerts:
                sent_alerts.add(key)
                since = max(since, alert.alert.created_at)
                yield alert
        if time.monotonic() >= deadline:
            return
        await anyio.sleep(min(poll_interval_s, max(0.0, deadline - time.monotonic())))


def default_alerts_since(now: datetime | None = None) -> datetime:
    """Without a cursor, a stream sends the alerts of the last few seconds too, so
    none falls between a page's first read and its stream."""
    moment = now or datetime.now(UTC)
    return datetime.fromtimestamp(moment.timestamp() - 10, UTC)
