"""Alerts with their acknowledgements.

An alert is a row of v_anomaly_alerts: a completed subsystem inference that found
an anomaly. Its acknowledgement lives in `alert_acknowledgements`, joined here on
(job_id, subsystem). Like the other repositories, this one runs statements in the
caller's session and never commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from satmon.errors import NotFoundError
from satmon.store.database import dialect_insert
from satmon.store.models import AlertAcknowledgement, InferenceJob, SubsystemInference
from satmon.store.records import (
    AcknowledgementRecord,
    AlertFilter,
    AlertRecord,
    AlertStatusRecord,
    JobStatus,
    NewAcknowledgement,
)

_Job = InferenceJob
_Sub = SubsystemInference
_Ack = AlertAcknowledgement


def _is_alert() -> list[ColumnElement[bool]]:
    return [_Sub.anomaly_detected.is_(true()), _Sub.status == JobStatus.COMPLETED.value]


def _ack_record(row: AlertAcknowledgement) -> AcknowledgementRecord:
    return AcknowledgementRecord(
        job_id=row.job_id,
        subsystem=row.subsystem,
        acknowledged_by=row.acknowledged_by,
        note=row.note,
        acknowledged_at=row.acknowledged_at,
    )


class AlertRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def acknowledge(self, ack: NewAcknowledgement, now: datetime) -> AcknowledgementRecord:
        """The first acknowledgement of an alert stands: acknowledging it again
        returns the one recorded. NotFoundError if (job, subsystem) is no alert."""
        exists = self.session.scalar(
            select(_Sub.id).where(
                _Sub.job_id == ack.job_id, _Sub.subsystem == ack.subsystem, *_is_alert()
            )
        )
        if exists is None:
            raise NotFoundError(f"no alert for job {ack.job_id!r}, subsystem {ack.subsystem!r}")
        self.session.execute(
            dialect_insert(self.session, _Ack)
            .values(
                job_id=ack.job_id,
                subsystem=ack.subsystem,
                acknowledged_by=ack.acknowledged_by,
                note=ack.note,
                acknowledged_at=now,
            )
            .on_conflict_do_nothing(index_elements=[_Ack.job_id, _Ack.subsystem])
        )
        row = self.session.get(_Ack, (ack.job_id, ack.subsystem))
        assert row is not None  # inserted above, or there before
        return _ack_record(row)

    def list(self, where: AlertFilter, limit: int) -> list[AlertStatusRecord]:
        """Newest first, as v_anomaly_alerts is read."""
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
                _Ack,
            )
            .join(_Job, _Job.job_id == _Sub.job_id)
            .outerjoin(_Ack, (_Ack.job_id == _Sub.job_id) & (_Ack.subsystem == _Sub.subsystem))
            .where(*_is_alert(), *_conditions(where))
            .order_by(_Sub.created_at.desc(), _Sub.id.desc())
            .limit(limit)
        )
        return [_status_record(row) for row in self.session.execute(stmt)]


def _conditions(where: AlertFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.satellite_id is not None:
        conditions.append(_Job.satellite_id == where.satellite_id)
    if where.subsystem is not None:
        conditions.append(_Sub.subsystem == where.subsystem)
    if where.since is not None:
        conditions.append(_Sub.created_at >= where.since)
    if where.until is not None:
        conditions.append(_Sub.created_at < where.until)
    if where.acknowledged is True:
        conditions.append(_Ack.job_id.is_not(None))
    elif where.acknowledged is False:
        conditions.append(_Ack.job_id.is_(None))
    return conditions


def _status_record(row: Any) -> AlertStatusRecord:
    ack: AlertAcknowledgement | None = row[9]
    return AlertStatusRecord(
        alert=AlertRecord(
            job_id=row[0],
            satellite_id=row[1],
            subsystem=row[2],
            model_name=row[3],
            anomaly_score=row[4] if row[4] is not None else 0.0,
            anomaly_channels=list(row[5]),
            source=row[6],
            trigger_reason=row[7],
            created_at=row[8],
        ),
        acknowledgement=_ack_record(ack) if ack is not None else None,
    )
