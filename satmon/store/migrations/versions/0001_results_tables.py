"""The seed's results tables, their indexes, and the operators' views.

Revision ID: 0001
Revises:
Create Date: 2025-11-01

The views keep the seed's names and columns so the operators' SQL runs
unchanged. PostgreSQL gets them as the seed wrote them in spirit (GROUP BY with
FILTER, json_agg); SQLite gets equivalents built from correlated subqueries and
json_group_array, since its aggregates cannot be ordered before 3.44.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_STATUS_CHECK = "status IN ('pending', 'processing', 'completed', 'failed')"

_ALERTS_VIEW = """
CREATE VIEW v_anomaly_alerts AS
SELECT si.job_id, j.satellite_id, si.subsystem, si.model_name, si.anomaly_score,
       si.anomaly_channels, j.source, j.trigger_reason, si.created_at
FROM subsystem_inferences si
JOIN inference_jobs j ON j.job_id = si.job_id
WHERE si.anomaly_detected AND si.status = 'completed'
"""

_SUMMARY_VIEW_POSTGRESQL = """
CREATE VIEW v_inference_job_summary AS
SELECT j.job_id, j.satellite_id, j.source, j.trigger_reason, j.status AS job_status,
       j.created_at, j.total_subsystems,
       COUNT(si.id) FILTER (WHERE si.status = 'completed') AS completed_subsystems,
       ROUND(EXTRACT(EPOCH FROM (j.completed_at - j.created_at))::numeric, 3)
           AS total_time_seconds,
       COUNT(si.id) AS inference_count,
       COUNT(si.id) FILTER (WHERE si.anomaly_detected) AS anomalies_detected,
       ROUND(AVG(si.inference_time_ms)::numeric, 2) AS avg_inference_time_ms,
       COALESCE(
           json_agg(
               json_build_object(
                   'subsystem', si.subsystem,
                   'model_name', si.model_name,
                   'status', si.status,
                   'anomaly_detected', si.anomaly_detected,
                   'anomaly_score', si.anomaly_score,
                   'anomaly_channels', si.anomaly_channels,
                   'inference_time_ms', si.inference_time_ms
               ) ORDER BY si.subsystem
           ) FILTER (WHERE si.id IS NOT NULL),
           '[]'::json
       ) AS subsystem_results
FROM inference_jobs j
LEFT JOIN subsystem_inferences si ON si.job_id = j.job_id
GROUP BY j.job_id
"""

_SUMMARY_VIEW_SQLITE = """
CREATE VIEW v_inference_job_summary AS
SELECT j.job_id, j.satellite_id, j.source, j.trigger_reason, j.status AS job_status,
       j.created_at, j.total_subsystems,
       (SELECT count(*) FROM subsystem_inferences si
         WHERE si.job_id = j.job_id AND si.status = 'completed') AS completed_subsystems,
       round((julianday(j.completed_at) - julianday(j.created_at)) * 86400.0, 3)
           AS total_time_seconds,
       (SELECT count(*) FROM subsystem_inferences si
         WHERE si.job_id = j.job_id) AS inference_count,
       (SELECT count(*) FROM subsystem_inferences si
         WHERE si.job_id = j.job_id AND si.anomaly_detected) AS anomalies_detected,
       (SELECT round(avg(si.inference_time_ms), 2) FROM subsystem_inferences si
         WHERE si.job_id = j.job_id) AS avg_inference_time_ms,
       (SELECT json_group_array(json_object(
                   'subsystem', s.subsystem,
                   'model_name', s.model_name,
                   'status', s.status,
                   'anomaly_detected', CASE s.anomaly_detected
                       WHEN 1 THEN json('true') WHEN 0 THEN json('false') END,
                   'anomaly_score', s.anomaly_score,
                   'anomaly_channels', json(s.anomaly_channels),
                   'inference_time_ms', s.inference_time_ms))
          FROM (SELECT * FROM subsystem_inferences si
                 WHERE si.job_id = j.job_id ORDER BY si.subsystem) s) AS subsystem_results
FROM inference_jobs j
"""


def upgrade() -> None:
    op.create_table(
        "inference_jobs",
        sa.Column("job_id", sa.Text(), nullable=False),
        sa.Column("satellite_id", sa.String(64), nullable=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("trigger_reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), server_default="pending", nullable=False),
        sa.Column("model_name", sa.String(128), nullable=False),
        sa.Column("total_subsystems", sa.Integer(), server_default="0", nullable=False),
        sa.Column("request", _JSON, nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("job_id", name="pk_inference_jobs"),
        sa.CheckConstraint(_STATUS_CHECK, name=op.f("ck_inference_jobs_status")),
    )
    op.create_index("ix_inference_jobs_created_at", "inference_jobs", ["created_at"])
    op.create_index(
        "ix_inference_jobs_status_created_at", "inference_jobs", ["status", "created_at"]
    )
    op.create_index(
        "ix_inference_jobs_satellite_id_created_at",
        "inference_jobs",
        ["satellite_id", "created_at"],
    )

    op.create_table(
        "subsystem_inferences",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("job_id", sa.Text(), nullable=False),
        sa.Column("subsystem", sa.String(32), nullable=False),
        sa.Column("model_name", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("anomaly_detected", sa.Boolean(), nullable=True),
        sa.Column("anomaly_score", sa.Float(), nullable=True),
        sa.Column("anomaly_channels", _JSON, server_default=sa.text("'[]'"), nullable=False),
        sa.Column("channel_scores", _JSON, server_default=sa.text("'{}'"), nullable=False),
        sa.Column("inference_time_ms", sa.Float(), nullable=True),
        sa.Column("forecast", _JSON, nullable=True),
        sa.Column("window_end_ms", sa.BigInteger(), nullable=True),
        sa.Column("forecast_start_ms", sa.BigInteger(), nullable=True),
        sa.Column("forecast_end_ms", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_subsystem_inferences"),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["inference_jobs.job_id"],
            name="fk_subsystem_inferences_job_id_inference_jobs",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("job_id", "subsystem", name="uq_subsystem_inferences_job_id_subsystem"),
        sa.CheckConstraint(_STATUS_CHECK, name=op.f("ck_subsystem_inferences_status")),
    )
    op.create_index(
        "ix_subsystem_inferences_anomaly_detected_created_at",
        "subsystem_inferences",
        ["anomaly_detected", "created_at"],
    )
    op.create_index(
        "ix_subsystem_inferences_subsystem_forecast_end_ms",
        "subsystem_inferences",
        ["subsystem", "forecast_end_ms"],
    )

    op.create_table(
        "inference_results",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("job_id", sa.Text(), nullable=False),
        sa.Column("model_name", sa.String(128), nullable=False),
        sa.Column("forecast", _JSON, nullable=False),
        sa.Column("lower", _JSON, nullable=False),
        sa.Column("upper", _JSON, nullable=False),
        sa.Column("anomaly_score", sa.Float(), nullable=False),
        sa.Column("anomaly_detected", sa.Boolean(), nullable=False),
        sa.Column("inference_time_ms", sa.Float(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inference_results"),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["inference_jobs.job_id"],
            name="fk_inference_results_job_id_inference_jobs",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("job_id", "model_name", name="uq_inference_results_job_id_model_name"),
    )

    dialect = op.get_bind().dialect.name
    op.execute(_ALERTS_VIEW)
    op.execute(_SUMMARY_VIEW_POSTGRESQL if dialect == "postgresql" else _SUMMARY_VIEW_SQLITE)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_inference_job_summary")
    op.execute("DROP VIEW IF EXISTS v_anomaly_alerts")
    op.drop_table("inference_results")
    op.drop_table("subsystem_inferences")
    op.drop_table("inference_jobs")
