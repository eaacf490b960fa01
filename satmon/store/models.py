"""The results tables, as typed SQLAlchemy models (the seed's names and columns).

One definition serves PostgreSQL and SQLite: JSON is JSONB on PostgreSQL,
timestamps are timezone-aware (UTC in, UTC out on both), and integer keys are
BIGINT on PostgreSQL but INTEGER on SQLite, where only INTEGER PRIMARY KEY
autoincrements. The Alembic migrations create the same schema; a unit test
checks that the two agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATUSES = ("pending", "processing", "completed", "failed")
_STATUS_CHECK = "status IN ('pending', 'processing', 'completed', 'failed')"


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp that reads back as UTC on every database.

    SQLite has no timestamp type: values are stored as UTC text, so they also
    sort and compare in time order there."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: results are stored in UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# none_as_null: Python None is SQL NULL (so IS NULL works), never the JSON literal null.
JsonDocument = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class InferenceJob(Base):
    """One inference request: a triggered check of a satellite or a manual job."""

    __tablename__ = "inference_jobs"

    job_id: Mapped[str] = mapped_column(Text, primary_key=True)
    satellite_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(32))
    trigger_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), server_default="pending")
    model_name: Mapped[str] = mapped_column(String(128))
    total_subsystems: Mapped[int] = mapped_column(Integer, server_default="0")
    request: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error_message: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(_STATUS_CHECK, name="status"),
        Index("ix_inference_jobs_created_at", "created_at"),
        Index("ix_inference_jobs_status_created_at", "status", "created_at"),
        Index("ix_inference_jobs_satellite_id_created_at", "satellite_id", "created_at"),
    )


class SubsystemInference(Base):
    """One subsystem's inference within a job: its scores, anomaly flags and forecast.

    `forecast_start_ms`/`forecast_end_ms` (not in the seed) bound the times the
    forecast covers, so a trend chart finds the forecasts in its range by index."""

    __tablename__ = "subsystem_inferences"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(
        Text, ForeignKey("inference_jobs.job_id", ondelete="CASCADE")
    )
    subsystem: Mapped[str] = mapped_column(String(32))
    model_name: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    anomaly_detected: Mapped[bool | None] = mapped_column(Boolean)
    anomaly_score: Mapped[float | None] = mapped_column(Float)
    anomaly_channels: Mapped[list[str]] = mapped_column(JsonDocument, server_default=text("'[]'"))
    channel_scores: Mapped[dict[str, float]] = mapped_column(
        JsonDocument, server_default=text("'{}'")
    )
    inference_time_ms: Mapped[float | None] = mapped_column(Float)
    forecast: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    window_end_ms: Mapped[int | None] = mapped_column(BigInteger)
    forecast_start_ms: Mapped[int | None] = mapped_column(BigInteger)
    forecast_end_ms: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error_message: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # Its index also serves every lookup by job_id.
        UniqueConstraint("job_id", "subsystem"),
        CheckConstraint(_STATUS_CHECK, name="status"),
        Index(
            "ix_subsystem_inferences_anomaly_detected_created_at", "anomaly_detected", "created_at"
        ),
        Index("ix_subsystem_inferences_subsystem_forecast_end_ms", "subsystem", "forecast_end_ms"),
    )


class InferenceResult(Base):
    """The result of a manual single-series job: one forecast with its band."""

    __tablename__ = "inference_results"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(
        Text, ForeignKey("inference_jobs.job_id", ondelete="CASCADE")
    )
    model_name: Mapped[str] = mapped_column(String(128))
    forecast: Mapped[list[float]] = mapped_column(JsonDocument)
    lower: Mapped[list[float]] = mapped_column(JsonDocument)
    upper: Mapped[list[float]] = mapped_column(JsonDocument)
    anomaly_score: Mapped[float] = mapped_column(Float)
    anomaly_detected: Mapped[bool] = mapped_column(Boolean)
    inference_time_ms: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())

    __table_args__ = (UniqueConstraint("job_id", "model_name"),)


class AlertAcknowledgement(Base):
    """An operator's acknowledgement of an alert (a row of v_anomaly_alerts, keyed by
    job and subsystem). Not in the seed: the view keeps its columns, and the
    dashboard joins this table to it."""

    __tablename__ = "alert_acknowledgements"

    job_id: Mapped[str] = mapped_column(
        Text, ForeignKey("inference_jobs.job_id", ondelete="CASCADE"), primary_key=True
    )
    subsystem: Mapped[str] = mapped_column(String(32), primary_key=True)
    acknowledged_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_alert_acknowledgements_acknowledged_at", "acknowledged_at"),)
