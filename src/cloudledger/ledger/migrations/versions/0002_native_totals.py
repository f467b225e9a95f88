"""Native totals: each ingest's sums of the providers' own cost columns, for reconciliation.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_native_totals",
        sa.Column("ingest_id", sa.String(36), sa.ForeignKey("ingests.id"), nullable=False),
        sa.Column("billing_period", sa.String(7), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("billing_account", sa.Text, nullable=False),
        sa.Column("currency", sa.String(16), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("native_column", sa.Text, nullable=False),
        sa.Column("amount", sa.String(60), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
    )
    op.create_index("ix_ingest_native_totals_ingest_id", "ingest_native_totals", ["ingest_id"])


def downgrade() -> None:
    op.drop_table("ingest_native_totals")
