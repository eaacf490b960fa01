"""What happens to a finished job: it goes out on the results topic and into search."""

from __future__ import annotations

import logging
from typing import Any

import orjson

from satmon.bus.base import Producer
from satmon.search.base import JobDocument, SearchIndex
from satmon.store.base import ResultsStore
from satmon.store.records import JobRecord

log = logging.getLogger(__name__)


class ResultPublisher:
    def __init__(
        self, results: ResultsStore, producer: Producer, topic: str, search: SearchIndex
    ) -> None:
        self._results = results
        self._producer = producer
        self._topic = topic
        self._search = search

    def __call__(self, job: JobRecord) -> None:
        subsystems = self._results.subsystem_results(job.job_id)
        anomalous = [s for s in subsystems if s.anomaly_detected]
        message: dict[str, Any] = {
            "job_id": job.job_id,
            "satellite_id": job.satellite_id,
            "source": job.source,
            "trigger_reason": job.trigger_reason,
            "status": job.status.value,
            "model_name": job.model_name,
            "created_at": job.created_at,
            "completed_at": job.completed_at,
            "error_message": job.error_message,
            "subsystems": [
                {
                    "subsystem": s.subsystem,
                    "status": s.status.value,
                    "anomaly_detected": s.anomaly_detected,
                    "anomaly_score": s.anomaly_score,
                    "anomaly_channels": s.anomaly_channels,
                    "inference_time_ms": s.inference_time_ms,
                }
                for s in subsystems
            ],
        }
        self._producer.send(self._topic, orjson.dumps(message), key=job.job_id.encode())
        scores = [s.anomaly_score for s in subsystems if s.anomaly_score is not None]
        self._search.index(
            [
                JobDocument(
                    job_id=job.job_id,
                    satellite_id=job.satellite_id,
                    source=job.source,
                    trigger_reason=job.trigger_reason,
                    status=job.status.value,
                    model_name=job.model_name,
                    created_at=job.created_at,
                    completed_at=job.completed_at,
                    anomalous_subsystems=[s.subsystem for s in anomalous],
                    anomaly_channels=sorted({c for s in anomalous for c in s.anomaly_channels}),
                    max_anomaly_score=max(scores) if scores else None,
                    error_message=job.error_message,
                )
            ]
        )
