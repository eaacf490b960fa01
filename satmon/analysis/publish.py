"""What happens to a finished job: it goes out on the results topic and into search.

A batch of jobs is one Kafka flush and one bulk request to the search index.
`publish` returns once Kafka has acknowledged the messages and the index has
taken the documents, so a task acknowledged after it cannot lose them; a job
published twice (a task redelivered after it finished its job) is the same
message again and replaces the same document.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import orjson

from satmon.bus.base import Producer
from satmon.search.base import JobDocument, SearchIndex
from satmon.store.base import ResultsStore
from satmon.store.records import FinishedJob, JobRecord

log = logging.getLogger(__name__)


class ResultPublisher:
    def __init__(
        self,
        results: ResultsStore,
        producer: Producer,
        topic: str,
        search: SearchIndex,
        flush_timeout_s: float = 10.0,
    ) -> None:
        self._results = results
        self._producer = producer
        self._topic = topic
        self._search = search
        self._flush_timeout_s = flush_timeout_s

    def __call__(self, job: JobRecord) -> None:
        """Publish one job, reading its subsystem rows."""
        self.publish([FinishedJob(job, self._results.subsystem_results(job.job_id))])

    def publish(self, finished: Sequence[FinishedJob]) -> None:
        if not finished:
            return
        for item in finished:
            self._producer.send(self._topic, message(item), key=item.job.job_id.encode())
        self._producer.flush(self._flush_timeout_s)
        self._search.index([document(item) for item in finished])


def message(finished: FinishedJob) -> bytes:
    """The `inference.results` message of a finished job."""
    job = finished.job
    body: dict[str, Any] = {
        "job_id": job.job_id,
        "satellite_id": job.satellite_id,
        "source": job.source,
        "trigger_reason": job.trigger_reason,
        "status": job.status.value,
        "model_name": job.model_name,
        "created_at": job.created_at,
        "started_at": job.started_at,
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
                "error_message": s.error_message,
            }
            for s in finished.subsystems
        ],
    }
    return orjson.dumps(body)


def document(finished: FinishedJob) -> JobDocument:
    """The search document of a finished job."""
    job, subsystems = finished.job, finished.subsystems
    anomalous = [s for s in subsystems if s.anomaly_detected]
    scores = [s.anomaly_score for s in subsystems if s.anomaly_score is not None]
    return JobDocument(
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
