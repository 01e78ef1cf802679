"""Seal the outbox's payloads and results

Revision ID: 0003
Revises: 0002
Created: 2026-11-21

Outbox rows hold no report text, but who they write to or about does identify people (a reporter's DM
channel in a result, a flagger's forum id in a payload), so they are sealed like report content: existing
JSON becomes a plain sealed value (`v1:` + the same JSON), which `cocbot content reseal` encrypts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("payload_sealed", sa.Text(), nullable=True))
        batch.add_column(sa.Column("result_sealed", sa.Text(), nullable=True))
    op.execute("UPDATE outbox SET payload_sealed = 'v1:' || payload, "
               "result_sealed = CASE WHEN result IS NULL THEN NULL ELSE 'v1:' || result END")
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("payload_sealed", existing_type=sa.Text(), nullable=False)
        batch.drop_column("payload")
        batch.drop_column("result")


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch.add_column(sa.Column("result", sa.Text(), nullable=True))
    op.execute("UPDATE outbox SET payload = substr(payload_sealed, 4), "
               "result = CASE WHEN result_sealed IS NULL THEN NULL ELSE substr(result_sealed, 4) END "
               "WHERE payload_sealed LIKE 'v1:%'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("payload_sealed")
        batch.drop_column("result_sealed")
