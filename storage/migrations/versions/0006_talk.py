"""Talk-first conversations and their messages

Revision ID: 0006_talk
Revises: 0005_bans
Created: 2026-11-30

A member's private, relayed conversation with a facilitator before any report (`/talk`). Who takes part and
every message are sealed; conversations are deleted after `retention.consultations` unless they became a
report (`created_at` is indexed for that).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import cocbot.storage.types

revision = "0006_talk"
down_revision = "0005_bans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "talk_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", cocbot.storage.types.UTCDateTime(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("parties_sealed", sa.Text(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("answered_at", cocbot.storage.types.UTCDateTime(), nullable=True),
        sa.Column("report_ref", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    op.create_index("ix_talk_conversations_created_at", "talk_conversations", ["created_at"], unique=False)
    op.create_table(
        "talk_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", cocbot.storage.types.UTCDateTime(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("text_sealed", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["talk_conversations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    op.create_index("ix_talk_messages_conversation_id", "talk_messages", ["conversation_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_talk_messages_conversation_id", table_name="talk_messages")
    op.drop_table("talk_messages")
    op.drop_index("ix_talk_conversations_created_at", table_name="talk_conversations")
    op.drop_table("talk_conversations")
