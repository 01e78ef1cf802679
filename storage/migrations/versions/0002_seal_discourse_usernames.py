"""Seal the usernames that tie a forum member to a report (form links, reporter threads)

Revision ID: 0002
Revises: 0001
Created: 2026-11-21

The usernames move to `username_sealed` columns as plain sealed values (`v1:"name"`, what
storage.content writes without keys); `cocbot content reseal` encrypts them along with the rest when
content keys are set. Forum usernames are letters, digits, `_`, `.` and `-`, so quoting them as JSON
strings needs no escaping.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TABLES = ("discourse_form_tokens", "discourse_threads")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("username_sealed", sa.Text(), nullable=True))
        op.execute(f"UPDATE {table} SET username_sealed = 'v1:\"' || username || '\"' WHERE username IS NOT NULL")
        with op.batch_alter_table(table) as batch:
            batch.drop_column("username")


def downgrade() -> None:
    # Only plain (unencrypted) values can be turned back; run without content keys after `reseal` to plain
    # is not offered, so encrypted usernames are dropped rather than guessed.
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("username", sa.String(length=60), nullable=True))
        op.execute(f"UPDATE {table} SET username = substr(username_sealed, 5, length(username_sealed) - 5) "
                   "WHERE username_sealed LIKE 'v1:\"%'")
        with op.batch_alter_table(table) as batch:
            batch.drop_column("username_sealed")
