"""/alerts: anomaly alerts with their acknowledgements, and acknowledging one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from satmon.api.convert import alert_status_public
from satmon.api.deps import StateDep
from satmon.api.schemas.common import SatelliteId
from satmon.api.schemas.dashboard import (
    AcknowledgementCreate,
    AcknowledgementPublic,
    AlertStatusPublic,
)
from satmon.store.records import AlertFilter, NewAcknowledgement

router = APIRouter(prefix="/alerts", tags=["alerts"])

Subsystem = Annotated[str, Path(pattern=r"^(eps|thermal|aocs|comm)$")]


@router.get("")
def alerts(
    state: StateDep,
    satellite_id: SatelliteId | None = None,
    subsystem: Annotated[str | None, Query(pattern=r"^(eps|thermal|aocs|comm)$")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    acknowledged: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AlertStatusPublic]:
    """The rows of v_anomaly_alerts with their acknowledgements, newest first."""
    rows = state.adapters.results.alerts(
        AlertFilter(
            satellite_id=satellite_id,
            subsystem=subsystem,
            since=since,
            until=until,
            acknowledged=acknowledged,
        ),
        limit=limit,
    )
    return [alert_status_public(r) for r in rows]


@router.post("/{job_id}/{subsystem}/acknowledge")
def acknowledge(
    job_id: Annotated[str, Path(max_length=128)],
    subsystem: Subsystem,
    body: AcknowledgementCreate,
    state: StateDep,
) -> AcknowledgementPublic:
    """Acknowledge an alert. The first acknowledgement stands; repeating it is harmless
    and returns that one. 404 if the job found no anomaly in that subsystem."""
    record = state.adapters.results.acknowledge_alert(
        NewAcknowledgement(
            job_id=job_id,
            subsystem=subsystem,
            acknowledged_by=body.acknowledged_by,
            note=body.note,
        )
    )
    return AcknowledgementPublic.model_validate(record)
