"""From the results store's records to the API's public shapes, where it is not
a plain `model_validate`."""

from __future__ import annotations

from satmon.api.schemas.dashboard import AcknowledgementPublic, AlertStatusPublic
from satmon.store.records import AlertStatusRecord


def alert_status_public(record: AlertStatusRecord) -> AlertStatusPublic:
    alert = record.alert
    ack = record.acknowledgement
    return AlertStatusPublic(
        job_id=alert.job_id,
        satellite_id=alert.satellite_id,
        subsystem=alert.subsystem,
        model_name=alert.model_name,
        anomaly_score=alert.anomaly_score,
        anomaly_channels=alert.anomaly_channels,
        source=alert.source,
        trigger_reason=alert.trigger_reason,
        created_at=alert.created_at,
        acknowledgement=AcknowledgementPublic.model_validate(ack) if ack else None,
    )
