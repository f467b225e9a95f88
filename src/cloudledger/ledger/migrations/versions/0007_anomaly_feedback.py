"""Anomalies marked as expected: an anomaly a user explained (with the reason) is no longer alerted.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anomaly_feedback",
        sa.Column("anomaly_id", sa.String(16), primary_key=True),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("marked_by", sa.Text, nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("anomaly_feedback")
