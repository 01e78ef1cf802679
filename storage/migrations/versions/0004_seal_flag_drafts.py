"""Seal where a flagged message is and who wrote it

Revision ID: 0004
Revises: 0003
Created: 2026-11-22

A "Report message" draft kept the flagged person's id and the message's channel and ts in plain columns.
They move into `message_sealed` as a plain sealed value (`v1:` + JSON), which `cocbot content reseal`
encrypts with the rest; new drafts are sealed when written. `created_at` is indexed: drafts never
submitted are deleted once expired (bot/intake.py).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_DRAFTS = sa.table("flag_drafts", sa.column("view_id", sa.String()), sa.column("channel", sa.String()),
                   sa.column("ts", sa.String()), sa.column("author", sa.String()),
                   sa.column("message_sealed", sa.Text()))


def upgrade() -> None:
    with op.batch_alter_table("flag_drafts") as batch:
        batch.add_column(sa.Column("message_sealed", sa.Text(), nullable=True))
    bind = op.get_bind()
    # Row by row in Python so the JSON is quoted correctly whatever the stored strings hold.
    rows = bind.execute(sa.select(_DRAFTS.c.view_id, _DRAFTS.c.channel, _DRAFTS.c.ts, _DRAFTS.c.author)).all()
    for view_id, channel, ts, author in rows:
        sealed = "v1:" + json.dumps({"channel": channel, "ts": ts, "author": author}, ensure_ascii=False,
                                    separators=(",", ":"))
        bind.execute(sa.update(_DRAFTS).where(_DRAFTS.c.view_id == view_id).values(message_sealed=sealed))
    with op.batch_alter_table("flag_drafts") as batch:
        batch.alter_column("message_sealed", existing_type=sa.Text(), nullable=False)
        batch.drop_column("channel")
        batch.drop_column("ts")
        batch.drop_column("author")
        batch.create_index("ix_flag_drafts_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("flag_drafts") as batch:
        batch.drop_index("ix_flag_drafts_created_at")
        batch.add_column(sa.Column("channel", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("ts", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("author", sa.String(length=40), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(_DRAFTS.c.view_id, _DRAFTS.c.message_sealed)).all()
    for view_id, sealed in rows:
        if not sealed.startswith("v1:"):
            # Encrypted: unreadable here. A draft only matters for the modal it was saved for, so it
            # is dropped rather than kept without its message.
            bind.execute(sa.delete(_DRAFTS).where(_DRAFTS.c.view_id == view_id))
            continue
        message = json.loads(sealed[3:])
        bind.execute(sa.update(_DRAFTS).where(_DRAFTS.c.view_id == view_id).values(
            channel=message["channel"], ts=message["ts"], author=message["author"]))
    with op.batch_alter_table("flag_drafts") as batch:
        batch.alter_column("channel", existing_type=sa.String(length=40), nullable=False)
        batch.alter_column("ts", existing_type=sa.String(length=40), nullable=False)
        batch.drop_column("message_sealed")
