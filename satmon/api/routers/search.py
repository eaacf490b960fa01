"""/search: full-text search over finished jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from satmon.api.deps import StateDep
from satmon.api.schemas.common import SatelliteId
from satmon.api.schemas.query import SearchHitPublic, SearchResultsPublic

router = APIRouter(prefix="/search", tags=["search"])


@router.get("/results")
def results(
    state: StateDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="Words that must all match; end a word with * to match a prefix",
        ),
    ],
    satellite_id: SatelliteId | None = None,
    status: Annotated[str | None, Query(pattern=r"^(pending|processing|completed|failed)$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SearchResultsPublic:
    found = state.adapters.search.search(
        q, limit=limit, offset=offset, satellite_id=satellite_id, status=status
    )
    return SearchResultsPublic(
        query=q,
        total=found.total,
        hits=[
            SearchHitPublic(
                job_id=h.document.job_id,
                satellite_id=h.document.satellite_id,
                source=h.document.source,
                trigger_reason=h.document.trigger_reason,
                status=h.document.status,
                model_name=h.document.model_name,
                created_at=h.document.created_at,
                completed_at=h.document.completed_at,
                anomalous_subsystems=h.document.anomalous_subsystems,
                anomaly_channels=h.document.anomaly_channels,
                max_anomaly_score=h.document.max_anomaly_score,
                score=h.score,
            )
            for h in found.hits
        ],
    )
