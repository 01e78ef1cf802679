"""Alembic's entry point for cocbot's schema: always run through storage.migrate, on a connection the bot
already holds (so one engine, one transaction, and on PostgreSQL one advisory lock around it)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import cocbot.storage.tables  # noqa: F401  (every table module, so the metadata is complete)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run cocbot's migrations with storage.migrate, which passes the connection")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things in place; batch mode rebuilds the table, PostgreSQL alters it.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
