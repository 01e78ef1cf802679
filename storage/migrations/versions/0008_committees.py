"""Committee membership changes and one content-free statistics row per case

Revision ID: 0008_committees
Revises: 0007_retention
Created: 2026-11-30

`committee_changes` keeps who joined or left the committee and when (seen at start-up against the config);
`case_statistics` keeps, per case, only what the transparency report counts. Its report id is not a
foreign key: the row outlives a purged report.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cocbot.storage.types import UTCDateTime

revision = "0008_committees"
down_revision = "0007_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "committee_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("change", sa.String(length=10), nullable=False),
        sa.Column("member_sealed", sa.Text(), nullable=False),
        sa.Column("founding", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "case_statistics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("anonymity", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("ban_issued", sa.Boolean(), nullable=False),
        sa.Column("acknowledge_seconds", sa.Integer(), nullable=True),
        sa.Column("respond_seconds", sa.Integer(), nullable=True),
        sa.Column("acknowledged_within_promise", sa.Boolean(), nullable=True),
        sa.Column("responded_within_week", sa.Boolean(), nullable=True),
        sa.Column("held", sa.Boolean(), nullable=False),
        sa.Column("refreshed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_statistics_report_id", "case_statistics", ["report_id"], unique=True)
    op.create_index("ix_case_statistics_month", "case_statistics", ["month"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_statistics_month", table_name="case_statistics")
    op.drop_index("ix_case_statistics_report_id", table_name="case_statistics")
    op.drop_table("case_statistics")
    op.drop_table("committee_changes")
