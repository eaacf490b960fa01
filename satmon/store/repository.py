"""`ResultsStore` on SQLAlchemy: PostgreSQL in real mode, a SQLite file embedded.

Each port method is one transaction, opened here and nowhere else: the
repositories it calls only run statements in the session they are given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from satmon.config import mask_url
from satmon.errors import InvalidRequestError, ServiceUnavailableError
from satmon.store import migrate
from satmon.store.alerts import AlertRepository
from satmon.store.database import Database, create_db_engine
from satmon.store.jobs import JobRepository
from satmon.store.predictions import PredictionRepository, stitch
from satmon.store.queries import ReportRepository
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

_NAMES = {"sqlite": "sqlite-results", "postgresql": "postgresql"}


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SqlResultsStore:
    """The results store at a SQLAlchemy URL (`postgresql+psycopg://...` or `sqlite:///...`).

    A SQLite database is migrated to the newest schema on open; a PostgreSQL one
    is migrated by `satmon db upgrade`, and `check_ready` says when it was not.
    `clock` stamps created/started/completed times.
    """

    def __init__(self, url: str, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.url = mask_url(url)
        try:
            engine = create_db_engine(url)
        except OSError as exc:  # the SQLite file's folder cannot be created
            raise ServiceUnavailableError("sqlite-results", self.url, str(exc)) from exc
        dialect = engine.dialect.name
        if dialect not in _NAMES:
            raise ValueError(f"the results store supports PostgreSQL and SQLite, not {dialect}")
        self.name = _NAMES[dialect]
        self.engine = engine
        self._db = Database(engine, self.name, self.url)
        self._clock = clock
        if dialect == "sqlite":
            try:
                migrate.upgrade_engine(engine)
            except SQLAlchemyError as exc:
                engine.dispose()
                raise ServiceUnavailableError(self.name, self.url, str(exc)) from exc

    # --- one job --------------------------------------------------------------------

    def create_job(self, job: NewJob) -> bool:
        with self._db.write() as session:
            return JobRepository(session).create(job, self._clock())

    def start_job(self, job_id: str) -> None:
        with self._db.write() as session:
            JobRepository(session).start(job_id, self._clock())

    def record_subsystem(self, outcome: SubsystemOutcome) -> None:
        """Raises NotFoundError if the job does not exist."""
        with self._db.write() as session:
            JobRepository(session).upsert_subsystem(outcome, self._clock())

    def record_model_result(self, outcome: ModelOutcome) -> None:
        """Raises NotFoundError if the job does not exist."""
        with self._db.write() as session:
            JobRepository(session).upsert_model_result(outcome, self._clock())

    def record_subsystems(
        self, outcomes: Sequence[SubsystemOutcome], started_at: datetime
    ) -> list[FinishedJob]:
        """Raises NotFoundError if one of the jobs does not exist."""
        job_ids = sorted({o.job_id for o in outcomes})
        if not job_ids:
            return []
        with self._db.write() as session:
            jobs = JobRepository(session)
            now = self._clock()
            jobs.start_many(job_ids, started_at)
            jobs.upsert_subsystems(outcomes, now)
            finished = jobs.finish_many(job_ids, now)
            if not finished:
                return []
            subsystems = jobs.subsystems_of(finished)
            return [
                FinishedJob(job, subsystems.get(job.job_id, [])) for job in jobs.get_many(finished)
            ]

    def finish_job(self, job_id: str) -> JobRecord | None:
        with self._db.write() as session:
            jobs = JobRepository(session)
            return jobs.get(job_id) if jobs.finish(job_id, self._clock()) else None

    def fail_job(self, job_id: str, error_message: str) -> JobRecord | None:
        with self._db.write() as session:
            jobs = JobRepository(session)
            return jobs.get(job_id) if jobs.fail(job_id, error_message, self._clock()) else None

    def complete_job(self, job_id: str) -> JobRecord | None:
        with self._db.write() as session:
            jobs = JobRepository(session)
            return jobs.get(job_id) if jobs.complete(job_id, self._clock()) else None

    def get_job(self, job_id: str) -> JobRecord | None:
        with self._db.read() as session:
            return JobRepository(session).get(job_id)

    def subsystem_results(self, job_id: str) -> list[SubsystemRecord]:
        with self._db.read() as session:
            return JobRepository(session).subsystems(job_id)

    def model_result(self, job_id: str) -> ModelResultRecord | None:
        with self._db.read() as session:
            return JobRepository(session).model_result(job_id)

    # --- across jobs ----------------------------------------------------------------

    def list_jobs(self, where: JobFilter, limit: int, offset: int) -> Page[JobRecord]:
        """Newest first; `created_after` inclusive, `created_before` exclusive."""
        if limit < 0:
            raise InvalidRequestError("limit", "must not be negative")
        if offset < 0:
            raise InvalidRequestError("offset", "must not be negative")
        with self._db.read() as session:
            return ReportRepository(session).list_jobs(where, limit, offset)

    def stats(self, since: datetime | None = None) -> Stats:
        with self._db.read() as session:
            return ReportRepository(session).stats(since)

    def anomaly_alerts(
        self,
        satellite_id: str | None = None,
        subsystem: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[AlertRecord]:
        if limit < 0:
            raise InvalidRequestError("limit", "must not be negative")
        with self._db.read() as session:
            return ReportRepository(session).anomaly_alerts(satellite_id, subsystem, since, limit)

    def alerts(self, where: AlertFilter, limit: int = 100) -> list[AlertStatusRecord]:
        if limit < 0:
            raise InvalidRequestError("limit", "must not be negative")
        with self._db.read() as session:
            return AlertRepository(session).list(where, limit)

    def acknowledge_alert(self, ack: NewAcknowledgement) -> AcknowledgementRecord:
        """Raises NotFoundError if the job's subsystem is not an alert."""
        with self._db.write() as session:
            return AlertRepository(session).acknowledge(ack, self._clock())

    def job_summary(self, job_id: str) -> JobSummary | None:
        with self._db.read() as session:
            return ReportRepository(session).job_summary(job_id)

    def predictions(
        self, satellite_id: str, subsystem: str, channel: str, start_ms: int, end_ms: int
    ) -> list[PredictionPoint]:
        with self._db.read() as session:
            forecasts = PredictionRepository(session).forecasts(
                satellite_id, subsystem, channel, start_ms, end_ms
            )
        return stitch(forecasts, start_ms, end_ms)

    # --- lifecycle ------------------------------------------------------------------

    def check_ready(self) -> None:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                current = migrate.current_revision(connection)
        except SQLAlchemyError as exc:
            raise ServiceUnavailableError(self.name, self.url, str(exc)) from exc
        head = migrate.head_revision()
        if current != head:
            raise ServiceUnavailableError(
                self.name,
                self.url,
                f"schema is at revision {current or 'none'}, not {head}: run `satmon db upgrade`",
            )

    def close(self) -> None:
        self.engine.dispose()
