"""Writes and reads of one job: its row, its subsystem rows, its model result.

The repository works inside the caller's session and never commits; the
caller's transaction is the unit of work. Every write is one statement that is
safe to repeat or to race: inserts upsert on the seed's unique keys, and state
changes are conditional UPDATEs that return the row only when this call made
the change.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Update

from satmon.errors import NotFoundError
from satmon.store.convert import (
    forecast_span,
    forecast_to_json,
    job_record,
    model_result_record,
    subsystem_record,
)
from satmon.store.database import dialect_insert
from satmon.store.models import InferenceJob, InferenceResult, SubsystemInference
from satmon.store.records import (
    JobRecord,
    JobStatus,
    ModelOutcome,
    ModelResultRecord,
    NewJob,
    SubsystemOutcome,
    SubsystemRecord,
)

ACTIVE = (JobStatus.PENDING.value, JobStatus.PROCESSING.value)
FINAL = (JobStatus.COMPLETED.value, JobStatus.FAILED.value)

_Job = InferenceJob
_Sub = SubsystemInference
_Result = InferenceResult


def completed_subsystems() -> ColumnElement[int]:
    """Per job row of the enclosing query: its completed subsystem rows."""
    return (
        select(func.count())
        .where(_Sub.job_id == _Job.job_id, _Sub.status == JobStatus.COMPLETED.value)
        .correlate(_Job)
        .scalar_subquery()
    )


def anomalies_detected() -> ColumnElement[int]:
    """Per job row of the enclosing query: its anomalous subsystems, plus one if its
    single-series result is anomalous (a manual job has no subsystems)."""
    subsystems = (
        select(func.count())
        .where(_Sub.job_id == _Job.job_id, _Sub.anomaly_detected.is_(true()))
        .correlate(_Job)
        .scalar_subquery()
    )
    results = (
        select(func.count())
        .where(_Result.job_id == _Job.job_id, _Result.anomaly_detected.is_(true()))
        .correlate(_Job)
        .scalar_subquery()
    )
    return subsystems + results


def select_job_records() -> Select[InferenceJob, int, int]:
    return select(_Job, completed_subsystems(), anomalies_detected())


class JobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- writes ---------------------------------------------------------------------

    def create(self, job: NewJob, now: datetime) -> bool:
        stmt = (
            dialect_insert(self.session, _Job)
            .values(
                job_id=job.job_id,
                satellite_id=job.satellite_id,
                source=job.source,
                trigger_reason=job.trigger_reason,
                status=JobStatus.PENDING.value,
                model_name=job.model_name,
                total_subsystems=len(job.subsystems),
                request=job.request,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=[_Job.job_id])
        )
        return self._changed(stmt)

    def start(self, job_id: str, now: datetime) -> None:
        self.start_many([job_id], now)

    def start_many(self, job_ids: Collection[str], now: datetime) -> None:
        """pending -> processing for those of the jobs still pending."""
        self.session.execute(
            _update_jobs(job_ids, _Job.status == JobStatus.PENDING.value).values(
                status=JobStatus.PROCESSING.value, started_at=now
            )
        )

    def upsert_subsystem(self, outcome: SubsystemOutcome, now: datetime) -> None:
        self.upsert_subsystems([outcome], now)

    def upsert_subsystems(self, outcomes: Sequence[SubsystemOutcome], now: datetime) -> None:
        """One multi-row upsert; NotFoundError names the jobs if one of them is missing."""
        if not outcomes:
            return
        # One row per key: a statement may not upsert the same row twice. The last wins.
        latest = {(o.job_id, o.subsystem): o for o in outcomes}
        rows = [_subsystem_row(outcome, now) for outcome in latest.values()]
        # The table's Core insert, with the rows as parameters: compiled once and cached,
        # where a VALUES list of N rows would be compiled anew for every batch.
        insert = dialect_insert(self.session, _Sub.__table__)
        updated = [name for name in rows[0] if name not in ("job_id", "subsystem", "created_at")]
        stmt = insert.on_conflict_do_update(
            index_elements=[_Sub.job_id, _Sub.subsystem],
            set_={name: insert.excluded[name] for name in updated},
        )
        self._execute_for_jobs(sorted({o.job_id for o in outcomes}), stmt, rows)

    def upsert_model_result(self, outcome: ModelOutcome, now: datetime) -> None:
        values: dict[str, Any] = {
            "forecast": list(outcome.forecast),
            "lower": list(outcome.lower),
            "upper": list(outcome.upper),
            "anomaly_score": outcome.anomaly_score,
            "anomaly_detected": outcome.anomaly_detected,
            "inference_time_ms": outcome.inference_time_ms,
        }
        insert = dialect_insert(self.session, _Result)
        stmt = insert.values(
            job_id=outcome.job_id, model_name=outcome.model_name, created_at=now, **values
        ).on_conflict_do_update(
            index_elements=[_Result.job_id, _Result.model_name],
            set_={name: insert.excluded[name] for name in values},
        )
        self._execute_for_job(outcome.job_id, stmt)

    def finish(self, job_id: str, now: datetime) -> bool:
        """Fail the job if a subsystem failed (with that subsystem's error), complete
        it if every subsystem completed; True only if this call did either."""
        return bool(self.finish_many([job_id], now))

    def finish_many(self, job_ids: Collection[str], now: datetime) -> list[str]:
        """`finish` for each of the jobs in one statement; the ids of those it finished."""
        if not job_ids:
            return []
        failed = (
            select(_Sub.id)
            .where(_Sub.job_id == _Job.job_id, _Sub.status == JobStatus.FAILED.value)
            .correlate(_Job)
            .exists()
        )
        first_error = (
            select(_Sub.subsystem + ": " + func.coalesce(_Sub.error_message, "failed"))
            .where(_Sub.job_id == _Job.job_id, _Sub.status == JobStatus.FAILED.value)
            .correlate(_Job)
            .order_by(_Sub.subsystem)
            .limit(1)
            .scalar_subquery()
        )
        stmt = _update_jobs(job_ids, failed | (completed_subsystems() >= _Job.total_subsystems))
        stmt = stmt.values(
            status=case((failed, JobStatus.FAILED.value), else_=JobStatus.COMPLETED.value),
            error_message=case((failed, first_error), else_=None),
            completed_at=now,
        )
        return list(self.session.scalars(stmt.returning(_Job.job_id)))

    def fail(self, job_id: str, error_message: str, now: datetime) -> bool:
        stmt = _update_job(job_id).values(
            status=JobStatus.FAILED.value, error_message=error_message, completed_at=now
        )
        return self._changed(stmt)

    def complete(self, job_id: str, now: datetime) -> bool:
        stmt = _update_job(job_id).values(status=JobStatus.COMPLETED.value, completed_at=now)
        return self._changed(stmt)

    # --- reads ----------------------------------------------------------------------

    def get(self, job_id: str) -> JobRecord | None:
        row = self.session.execute(select_job_records().where(_Job.job_id == job_id)).first()
        return job_record(*row) if row is not None else None

    def get_many(self, job_ids: Collection[str]) -> list[JobRecord]:
        rows = self.session.execute(select_job_records().where(_Job.job_id.in_(job_ids)))
        return [job_record(*row) for row in rows]

    def subsystems(self, job_id: str) -> list[SubsystemRecord]:
        return self.subsystems_of([job_id]).get(job_id, [])

    def subsystems_of(self, job_ids: Collection[str]) -> dict[str, list[SubsystemRecord]]:
        """Each job's subsystem rows, by subsystem; jobs without rows are left out."""
        rows = self.session.scalars(
            select(_Sub).where(_Sub.job_id.in_(job_ids)).order_by(_Sub.job_id, _Sub.subsystem)
        )
        found: dict[str, list[SubsystemRecord]] = {}
        for row in rows:
            found.setdefault(row.job_id, []).append(subsystem_record(row))
        return found

    def model_result(self, job_id: str) -> ModelResultRecord | None:
        row = self.session.scalars(
            select(_Result)
            .where(_Result.job_id == job_id)
            .order_by(_Result.created_at.desc(), _Result.id.desc())
            .limit(1)
        ).first()
        return model_result_record(row) if row is not None else None

    # --- helpers --------------------------------------------------------------------

    def _changed(self, stmt: Any) -> bool:
        """Whether the statement inserted or updated the job row. RETURNING rather
        than the row count, which PostgreSQL's ORM-enabled INSERT leaves at -1."""
        return self.session.execute(stmt.returning(_Job.job_id)).first() is not None

    def _execute_for_job(self, job_id: str, stmt: Any) -> None:
        self._execute_for_jobs([job_id], stmt)

    def _execute_for_jobs(
        self, job_ids: list[str], stmt: Any, rows: list[dict[str, Any]] | None = None
    ) -> None:
        try:
            self.session.execute(stmt, rows)
        except IntegrityError as exc:
            # Unique keys are upserted, so the foreign key is what can fail.
            if len(job_ids) == 1:
                raise NotFoundError(f"no job {job_ids[0]!r}") from exc
            raise NotFoundError(f"one of the jobs {job_ids} does not exist") from exc


def _update_job(job_id: str, *conditions: ColumnElement[bool]) -> Update:
    return _update_jobs([job_id], *conditions)


def _update_jobs(job_ids: Collection[str], *conditions: ColumnElement[bool]) -> Update:
    """UPDATE of jobs that are not finished yet. Racing calls cannot both match:
    SQLite runs one write transaction at a time, and PostgreSQL re-checks the
    status of the row after waiting for the first call's lock on it."""
    ids = _Job.job_id == next(iter(job_ids)) if len(job_ids) == 1 else _Job.job_id.in_(job_ids)
    return (
        update(_Job)
        .where(ids, _Job.status.in_(ACTIVE), *conditions)
        .execution_options(synchronize_session=False)
    )


def _subsystem_row(outcome: SubsystemOutcome, now: datetime) -> dict[str, Any]:
    span = forecast_span(outcome.forecast) if outcome.forecast is not None else None
    return {
        "job_id": outcome.job_id,
        "subsystem": outcome.subsystem,
        "created_at": now,
        "model_name": outcome.model_name,
        "status": outcome.status.value,
        "anomaly_detected": outcome.anomaly_detected,
        "anomaly_score": outcome.anomaly_score,
        "anomaly_channels": list(outcome.anomaly_channels),
        "channel_scores": dict(outcome.channel_scores),
        "inference_time_ms": outcome.inference_time_ms,
        "forecast": forecast_to_json(outcome.forecast) if outcome.forecast else None,
        "window_end_ms": outcome.window_end_ms,
        "forecast_start_ms": span[0] if span else None,
        "forecast_end_ms": span[1] if span else None,
        "completed_at": now if outcome.status.value in FINAL else None,
        "error_message": outcome.error_message,
    }
