"""/live: server-sent events of new telemetry and new alerts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.sse import EventSourceResponse

from satmon.api.deps import StateDep
from satmon.api.live import default_alerts_since, live_events
from satmon.api.schemas.common import SatelliteId
from satmon.api.schemas.dashboard import LiveEvent

router = APIRouter(tags=["live"])


@router.get("/live", response_class=EventSourceResponse)
async def live(
    state: StateDep,
    satellite_id: SatelliteId | None = None,
    alerts_since: Annotated[
        datetime | None,
        Query(description="Send alerts created from this time on; default the last 10 s"),
    ] = None,
    duration_s: Annotated[
        float, Query(ge=1, le=300, description="Seconds before the stream ends; then reconnect")
    ] = 30,
) -> AsyncIterator[LiveEvent]:
    """Each satellite's newest values when it reports, and every new alert. The first
    events are every satellite's current values."""
    async for event in live_events(
        state.adapters, satellite_id, alerts_since or default_alerts_since(), duration_s
    ):
        yield event
