"""Retention: which reports' content the purge removed

Revision ID: 0007_retention
Revises: 0006_talk
Created: 2026-11-30

`purged_cases` marks a report whose content the purge removed (bot/retention/), and when: its row stays,
without content or people, so the audit trail and the reference still point somewhere and a purged case
is told apart from one that never existed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cocbot.storage.types

revision = "0007_retention"
down_revision = "0006_talk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "purged_cases",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("purged_at", cocbot.storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("report_id"),
    )


def downgrade() -> None:
    op.drop_table("purged_cases")
