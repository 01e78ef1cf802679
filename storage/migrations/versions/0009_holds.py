"""Held reports and the index of who is named in which report

Revision ID: 0009_holds
Revises: 0008_committees
Created: 2026-11-30

`report_holds` marks a report its reporter holds until someone else names the same person (shown to
nobody meanwhile), and until when. `report_people` indexes the people named in each report as keyed
hashes (never names) so earlier cases and held reports are found without unsealing every report.
Reports stored before this revision are indexed by `cocbot earlier reindex` (they need the content keys).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import cocbot.storage.types

revision = "0009_holds"
down_revision = "0008_committees"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_holds",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("held_at", cocbot.storage.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", cocbot.storage.types.UTCDateTime(), nullable=False),
        sa.Column("settled_at", cocbot.storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("report_id"),
    )
    with op.batch_alter_table("report_holds") as batch:
        batch.create_index(batch.f("ix_report_holds_expires_at"), ["expires_at"], unique=False)
    op.create_table(
        "report_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("person_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report_people") as batch:
        batch.create_index("ix_report_people_person", ["person_key", "report_id"], unique=False)
        batch.create_index(batch.f("ix_report_people_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_people") as batch:
        batch.drop_index(batch.f("ix_report_people_report_id"))
        batch.drop_index("ix_report_people_person")
    op.drop_table("report_people")
    with op.batch_alter_table("report_holds") as batch:
        batch.drop_index(batch.f("ix_report_holds_expires_at"))
    op.drop_table("report_holds")
