"""The ingest log: ingests, the files each read, the slices each wrote.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pid", sa.Integer),
        sa.Column("delta_version", sa.Integer),
        sa.Column("files", sa.Integer, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("message", sa.Text),
    )
    op.create_table(
        "ingest_files",
        sa.Column("ingest_id", sa.String(36), sa.ForeignKey("ingests.id"), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String(64)),
        sa.Column("rows", sa.Integer),
        sa.Column("action", sa.String(16), nullable=False),
    )
    op.create_index("ix_ingest_files_ingest_id", "ingest_files", ["ingest_id"])
    op.create_index("ix_ingest_files_path", "ingest_files", ["path"])
    op.create_table(
        "ingest_slices",
        sa.Column("ingest_id", sa.String(36), sa.ForeignKey("ingests.id"), nullable=False),
        sa.Column("billing_period", sa.String(7), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("billing_account", sa.Text, nullable=False),
        sa.Column("currency", sa.String(16)),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("billed_cost", sa.String(60), nullable=False),
        sa.Column("effective_cost", sa.String(60), nullable=False),
        sa.Column("list_cost", sa.String(60), nullable=False),
        sa.Column("contracted_cost", sa.String(60), nullable=False),
    )
    op.create_index("ix_ingest_slices_ingest_id", "ingest_slices", ["ingest_id"])


def downgrade() -> None:
    op.drop_table("ingest_slices")
    op.drop_table("ingest_files")
    op.drop_table("ingests")
