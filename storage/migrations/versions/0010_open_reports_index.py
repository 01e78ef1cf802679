"""Index the open reports

Revision ID: 0010_open_reports_index
Revises: 0009_holds
Created: 2026-11-30

The App Home lists a committee member's open reports. Without an index that query reads every report ever
filed (years of closed cases); this partial index holds only the open ones, so the list costs what the open
cases cost. The predicate must stay as the models spell it (storage/models.py OPEN_REPORTS_WHERE).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_open_reports_index"
down_revision = "0009_holds"
branch_labels = None
depends_on = None

_OPEN = "state NOT IN ('closed', 'resolved', 'dismissed', 'withdrawn')"


def upgrade() -> None:
    op.create_index("ix_reports_open", "reports", ["created_at"], unique=False,
                    sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))


def downgrade() -> None:
    op.drop_index("ix_reports_open", table_name="reports")
