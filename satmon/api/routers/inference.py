"""/inference: submit a job, follow its status, read its result."""

from __future__ import annotations

from fastapi import APIRouter, status

from satmon.analysis.jobs import ManualRequest
from satmon.api.deps import StateDep
from satmon.api.schemas.inference import (
    InferenceCreate,
    InferenceResultPublic,
    InferenceSubmitted,
    JobProgress,
    JobPublic,
    JobStatusPublic,
    ModelPublic,
    SeriesResultPublic,
    SubsystemResultPublic,
)
from satmon.errors import NotFoundError
from satmon.store.records import JobRecord

router = APIRouter(prefix="/inference", tags=["inference"])


@router.post("/submit", status_code=status.HTTP_202_ACCEPTED)
def submit(body: InferenceCreate, state: StateDep) -> InferenceSubmitted:
    job_id = state.jobs.submit_manual(
        ManualRequest(
            model_name=body.model_name,
            data=body.data,
            horizon=body.config.forecast_horizon,
            window_size=body.config.window_size,
            satellite_id=body.metadata.satellite_id,
            source=body.metadata.source,
        )
    )
    return InferenceSubmitted(
        job_id=job_id, status="pending", message="Inference job submitted to analysis server"
    )


def _job(state: StateDep, job_id: str) -> JobRecord:
    job = state.adapters.results.get_job(job_id)
    if job is None:
        raise NotFoundError(f"job {job_id!r} not found")
    return job


@router.get("/status/{job_id}")
def job_status(job_id: str, state: StateDep) -> JobStatusPublic:
    job = _job(state, job_id)
    total = job.total_subsystems or 1
    completed = job.completed_subsystems if job.total_subsystems else int(job.status == "completed")
    return JobStatusPublic(
        job_id=job.job_id,
        status=job.status.value,
        created_at=job.created_at,
        started_at=job.started_at,
        completed_at=job.completed_at,
        progress=JobProgress(completed=completed, total=total),
        error_message=job.error_message,
    )


@router.get("/result/{job_id}")
def job_result(job_id: str, state: StateDep) -> InferenceResultPublic:
    results = state.adapters.results
    job = _job(state, job_id)
    series = results.model_result(job_id)
    return InferenceResultPublic(
        job=JobPublic.model_validate(job),
        subsystems=[
            SubsystemResultPublic.model_validate(s) for s in results.subsystem_results(job_id)
        ],
        result=SeriesResultPublic.model_validate(series) if series else None,
    )


@router.get("/models")
def models(state: StateDep) -> list[ModelPublic]:
    default = state.jobs.default_model
    return [
        ModelPublic(
            name=m.name,
            version=m.version,
            ready=m.ready,
            description=m.description,
            default=m.name == default,
        )
        for m in state.adapters.models.models()
    ]
