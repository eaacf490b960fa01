"""Reads across jobs: the job list, statistics, and the rows of the seed's views.

`anomaly_alerts` and `job_summary` compute what `v_anomaly_alerts` and
`v_inference_job_summary` hold, in portable SQLAlchemy, so the store does not
depend on the views (which exist for operators' SQL). Percentages and averages
are rounded as the seed's statistics queries round them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, true
from sqlalchemy.orm import Session

from satmon.store.convert import job_record
from satmon.store.jobs import select_job_records
from satmon.store.models import InferenceJob, SubsystemInference
from satmon.store.records import (
    AlertRecord,
    JobFilter,
    JobRecord,
    JobStatus,
    JobSummary,
    ModelStats,
    Page,
    Stats,
    SubsystemStats,
)

_Job = InferenceJob
_Sub = SubsystemInference
_COMPLETED = JobStatus.COMPLETED.value


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count(case((condition, 1)))


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


class ReportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list_jobs(self, where: JobFilter, limit: int, offset: int) -> Page[JobRecord]:
        """Newest first. `created_after` is inclusive, `created_before` exclusive."""
        conditions = _job_conditions(where)
        total = self.session.scalar(select(func.count()).select_from(_Job).where(*conditions))
        rows = self.session.execute(
            select_job_records()
            .where(*conditions)
            .order_by(_Job.created_at.desc(), _Job.job_id.desc())
            .limit(limit)
            .offset(offset)
        )
        return Page(
            items=[job_record(*row) for row in rows],
            total=total or 0,
            limit=limit,
            offset=offset,
        )

    def stats(self, since: datetime | None) -> Stats:
        """Jobs (by creation time) and completed subsystem inferences since `since`."""
        job_since = [_Job.created_at >= since] if since else []
        totals = self.session.execute(
            select(
                func.count(),
                _count_where(_Job.status == JobStatus.PENDING.value),
                _count_where(_Job.status == JobStatus.PROCESSING.value),
                _count_where(_Job.status == JobStatus.COMPLETED.value),
                _count_where(_Job.status == JobStatus.FAILED.value),
            ).where(*job_since)
        ).one()
        total, pending, processing, completed, failed = (int(n) for n in totals)

        sub_where = [_Sub.status == _COMPLETED]
        if since:
            sub_where.append(_Sub.created_at >= since)
        by_subsystem = [
            SubsystemStats(
                subsystem=row[0],
                total=row[1],
                anomalies=row[2],
                anomaly_rate=_percent(row[2], row[1]) or 0.0,
                avg_score=_round(row[3], 4),
            )
            for row in self.session.execute(
                select(
                    _Sub.subsystem,
                    func.count(),
                    _count_where(_Sub.anomaly_detected.is_(true())),
                    func.avg(_Sub.anomaly_score),
                )
                .where(*sub_where)
                .group_by(_Sub.subsystem)
            )
        ]
        by_subsystem.sort(key=lambda s: (-s.anomaly_rate, s.subsystem))
        by_model = [
            ModelStats(
                model_name=row[0],
                total=row[1],
                avg_time_ms=_round(row[2], 2),
                min_time_ms=_round(row[3], 2),
                max_time_ms=_round(row[4], 2),
            )
            for row in self.session.execute(
                select(
                    _Sub.model_name,
                    func.count(),
                    func.avg(_Sub.inference_time_ms),
                    func.min(_Sub.inference_time_ms),
                    func.max(_Sub.inference_time_ms),
                )
                .where(*sub_where)
                .group_by(_Sub.model_name)
                .order_by(_Sub.model_name)
            )
        ]
        return Stats(
            total_jobs=total,
            completed=completed,
            failed=failed,
            processing=processing,
            pending=pending,
            success_rate=_percent(completed, total),
            by_subsystem=by_subsystem,
            by_model=by_model,
        )

    def anomaly_alerts(
        self,
        satellite_id: str | None,
        subsystem: str | None,
        since: datetime | None,
        limit: int,
    ) -> list[AlertRecord]:
        stmt = (
            select(
                _Sub.job_id,
                _Job.satellite_id,
                _Sub.subsystem,
                _Sub.model_name,
                _Sub.anomaly_score,
                _Sub.anomaly_channels,
                _Job.source,
                _Job.trigger_reason,
                _Sub.created_at,
            )
            .join(_Job, _Job.job_id == _Sub.job_id)
            .where(_Sub.anomaly_detected.is_(true()), _Sub.status == _COMPLETED)
            .order_by(_Sub.created_at.desc(), _Sub.id.desc())
            .limit(limit)
        )
        if satellite_id is not None:
            stmt = stmt.where(_Job.satellite_id == satellite_id)
        if subsystem is not None:
            stmt = stmt.where(_Sub.subsystem == subsystem)
        if since is not None:
            stmt = stmt.where(_Sub.created_at >= since)
        return [
            AlertRecord(
                job_id=row[0],
                satellite_id=row[1],
                subsystem=row[2],
                model_name=row[3],
                # An anomalous row always has a score; 0.0 only guards hand-made rows.
                anomaly_score=row[4] if row[4] is not None else 0.0,
                anomaly_channels=list(row[5]),
                source=row[6],
                trigger_reason=row[7],
                created_at=row[8],
            )
            for row in self.session.execute(stmt)
        ]

    def job_summary(self, job_id: str) -> JobSummary | None:
        job = self.session.get(_Job, job_id)
        if job is None:
            return None
        rows = self.session.scalars(
            select(_Sub).where(_Sub.job_id == job_id).order_by(_Sub.subsystem)
        ).all()
        times = [r.inference_time_ms for r in rows if r.inference_time_ms is not None]
        elapsed = (
            round((job.completed_at - job.created_at).total_seconds(), 3)
            if job.completed_at is not None
            else None
        )
        return JobSummary(
            job_id=job.job_id,
            satellite_id=job.satellite_id,
            source=job.source,
            trigger_reason=job.trigger_reason,
            job_status=JobStatus(job.status),
            created_at=job.created_at,
            total_subsystems=job.total_subsystems,
            completed_subsystems=sum(r.status == _COMPLETED for r in rows),
            total_time_seconds=elapsed,
            inference_count=len(rows),
            anomalies_detected=sum(r.anomaly_detected is True for r in rows),
            avg_inference_time_ms=round(sum(times) / len(times), 2) if times else None,
            subsystem_results=[_subsystem_result(r) for r in rows],
        )


def _subsystem_result(row: SubsystemInference) -> dict[str, Any]:
    """One element of the summary's subsystem_results, keyed as the view keys it."""
    return {
        "subsystem": row.subsystem,
        "model_name": row.model_name,
        "status": row.status,
        "anomaly_detected": row.anomaly_detected,
        "anomaly_score": row.anomaly_score,
        "anomaly_channels": list(row.anomaly_channels),
        "inference_time_ms": row.inference_time_ms,
    }


def _job_conditions(where: JobFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.status is not None:
        conditions.append(_Job.status == where.status.value)
    if where.satellite_id is not None:
        conditions.append(_Job.satellite_id == where.satellite_id)
    if where.source is not None:
        conditions.append(_Job.source == where.source)
    if where.model_name is not None:
        conditions.append(_Job.model_name == where.model_name)
    if where.created_after is not None:
        conditions.append(_Job.created_at >= where.created_after)
    if where.created_before is not None:
        conditions.append(_Job.created_at < where.created_before)
    return conditions
