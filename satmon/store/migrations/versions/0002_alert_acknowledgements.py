"""Operators' acknowledgements of anomaly alerts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-15

A table of its own, keyed like an alert (job, subsystem): v_anomaly_alerts keeps
the seed's columns, so the operators' SQL runs unchanged, and whoever wants the
acknowledgement joins this table on (job_id, subsystem).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_acknowledgements",
        sa.Column("job_id", sa.Text(), nullable=False),
        sa.Column("subsystem", sa.String(32), nullable=False),
        sa.Column("acknowledged_by", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "subsystem", name="pk_alert_acknowledgements"),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["inference_jobs.job_id"],
            name="fk_alert_acknowledgements_job_id_inference_jobs",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_alert_acknowledgements_acknowledged_at", "alert_acknowledgements", ["acknowledged_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_alert_acknowledgements_acknowledged_at", "alert_acknowledgements")
    op.drop_table("alert_acknowledgements")
