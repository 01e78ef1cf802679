"""Small helpers shared by the query modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_ignoring_duplicates(session: AsyncSession, table: Any, values: dict[str, Any]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING, so idempotency keys need no savepoints or retries."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).values(**values).on_conflict_do_nothing()
