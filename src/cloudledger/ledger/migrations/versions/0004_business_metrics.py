"""Business metrics: the orders, customers or API calls that unit economics divide cost by.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "business_metrics",
        sa.Column("metric", sa.Text, primary_key=True),
        sa.Column("dimension", sa.Text, primary_key=True, server_default=""),
        sa.Column("date", sa.Date, primary_key=True),
        sa.Column("grain", sa.String(5), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_file", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("business_metrics")
