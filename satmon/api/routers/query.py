"""/query: jobs, statistics and anomaly alerts from the results store."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from satmon.api.deps import StateDep
from satmon.api.schemas.common import SatelliteId
from satmon.api.schemas.inference import JobPublic
from satmon.api.schemas.query import AlertPublic, JobPage, StatsPublic
from satmon.store.records import JobFilter, JobStatus

router = APIRouter(prefix="/query", tags=["query"])


@router.get("/jobs")
def jobs(
    state: StateDep,
    status: JobStatus | None = None,
    satellite_id: SatelliteId | None = None,
    source: Annotated[str | None, Query(max_length=64)] = None,
    model_name: Annotated[str | None, Query(max_length=128)] = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JobPage:
    """Jobs, newest first."""
    page = state.adapters.results.list_jobs(
        JobFilter(
            status=status,
            satellite_id=satellite_id,
            source=source,
            model_name=model_name,
            created_after=created_after,
            created_before=created_before,
        ),
        limit=limit,
        offset=offset,
    )
    return JobPage(
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        items=[JobPublic.model_validate(j) for j in page.items],
    )


@router.get("/stats")
def stats(state: StateDep, since: datetime | None = None) -> StatsPublic:
    """Totals and success rate, anomaly rate per subsystem, inference time per model."""
    return StatsPublic.model_validate(state.adapters.results.stats(since))


@router.get("/alerts")
def alerts(
    state: StateDep,
    satellite_id: SatelliteId | None = None,
    subsystem: Annotated[str | None, Query(pattern=r"^(eps|thermal|aocs|comm)$")] = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AlertPublic]:
    """Subsystems found anomalous (the rows of v_anomaly_alerts), newest first."""
    rows = state.adapters.results.anomaly_alerts(
        satellite_id=satellite_id, subsystem=subsystem, since=since, limit=limit
    )
    return [AlertPublic.model_validate(r) for r in rows]
