"""The results store port. Writes are idempotent: a redelivered task or message
never duplicates a row (unique keys, upserts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from satmon.store.records import (
    AcknowledgementRecord,
    AlertFilter,
    AlertRecord,
    AlertStatusRecord,
    FinishedJob,
    JobFilter,
    JobRecord,
    JobSummary,
    ModelOutcome,
    ModelResultRecord,
    NewAcknowledgement,
    NewJob,
    Page,
    PredictionPoint,
    Stats,
    SubsystemOutcome,
    SubsystemRecord,
)


class ResultsStore(Protocol):
    name: str
    url: str

    def create_job(self, job: NewJob) -> bool:
        """Insert a pending job; False (and no change) if the job id exists."""

    def start_job(self, job_id: str) -> None:
        """pending -> processing, setting started_at; no change otherwise."""

    def record_subsystem(self, outcome: SubsystemOutcome) -> None:
        """Insert or replace the (job_id, subsystem) row; NotFoundError if no such job."""

    def record_model_result(self, outcome: ModelOutcome) -> None:
        """Insert or replace the (job_id, model_name) row of inference_results;
        NotFoundError if no such job."""

    def record_subsystems(
        self, outcomes: Sequence[SubsystemOutcome], started_at: datetime
    ) -> list[FinishedJob]:
        """In one transaction: start the outcomes' jobs that are still pending (at
        `started_at`), insert or replace their (job_id, subsystem) rows, and finish
        those jobs as `finish_job` does. Returns the jobs this call finished, each
        exactly once across callers; NotFoundError if one of the jobs is missing."""

    def finish_job(self, job_id: str) -> JobRecord | None:
        """Complete the job if every subsystem completed, or fail it if one failed.

        Returns the finished job only to the one caller whose call finished it, so
        whoever gets a record publishes it, exactly once."""

    def fail_job(self, job_id: str, error_message: str) -> JobRecord | None:
        """Fail a job that is not finished yet; the record if this call failed it."""

    def complete_job(self, job_id: str) -> JobRecord | None:
        """Complete a job with no subsystems (a manual single-series job)."""

    def get_job(self, job_id: str) -> JobRecord | None: ...

    def subsystem_results(self, job_id: str) -> list[SubsystemRecord]: ...

    def model_result(self, job_id: str) -> ModelResultRecord | None: ...

    def list_jobs(self, where: JobFilter, limit: int, offset: int) -> Page[JobRecord]:
        """Newest first; `created_after` is inclusive, `created_before` exclusive."""

    def stats(self, since: datetime | None = None) -> Stats: ...

    def anomaly_alerts(
        self,
        satellite_id: str | None = None,
        subsystem: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[AlertRecord]:
        """What v_anomaly_alerts holds, newest first."""

    def alerts(self, where: AlertFilter, limit: int = 100) -> list[AlertStatusRecord]:
        """The rows of v_anomaly_alerts with their acknowledgements, newest first."""

    def acknowledge_alert(self, ack: NewAcknowledgement) -> AcknowledgementRecord:
        """Record an operator's acknowledgement of the alert (job_id, subsystem). The
        first one stands; acknowledging again returns it. NotFoundError if no such alert."""

    def job_summary(self, job_id: str) -> JobSummary | None:
        """What v_inference_job_summary holds for one job."""

    def predictions(
        self, satellite_id: str, subsystem: str, channel: str, start_ms: int, end_ms: int
    ) -> list[PredictionPoint]:
        """Forecast points of one channel whose time falls in [start_ms, end_ms].

        Where forecasts of several jobs cover the same time, the newest job wins."""

    def check_ready(self) -> None: ...

    def close(self) -> None: ...
