"""Where a ban applies, what cocbot applied to enforce it, and when its end was handled

Revision ID: 0005_bans
Revises: 0004
Created: 2026-11-30

`ban_places` gives each ban its real places (Slack channels, the workspace, forum categories, the forum),
sealed like the rest of a ban. Bans recorded before have no row: they stay records, enforced nowhere.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cocbot.storage.types

revision = "0005_bans"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ban_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ban_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("places_sealed", sa.Text(), nullable=False),
        sa.Column("applied_sealed", sa.Text(), nullable=True),
        sa.Column("ended_at", cocbot.storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["ban_id"], ["triage_bans.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ban_places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ban_places_ban_id"), ["ban_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_ban_places_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ban_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ban_places_report_id"))
        batch_op.drop_index(batch_op.f("ix_ban_places_ban_id"))
    op.drop_table("ban_places")
