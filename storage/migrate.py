"""Schema migrations (Alembic): a release's tables are created or upgraded when cocbot starts.

- An empty database gets every table at once from the models and is stamped at the newest revision (the
  way Alembic recommends for new databases: no replaying of history).
- A database made before cocbot had migrations (its tables, no `alembic_version`) is stamped at the
  baseline, the schema of that release, then upgraded.
- Otherwise pending revisions run in order.
On PostgreSQL every replica runs this at start-up; a transaction-scoped advisory lock makes the others wait,
so each revision runs once. A new column or table needs a revision in storage/migrations/versions
(`tests/storage/test_migrations.py` fails until the revisions and the models agree).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlmodel import SQLModel

import cocbot.storage.tables  # noqa: F401

MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"
# The newest revision (tests/storage/test_migrations.py checks it is the scripts' head). Knowing it here
# lets a start-up on a current database skip loading Alembic at all: several MB of resident memory that
# an idle bot would otherwise keep (idle memory is a budget).
HEAD = "0010_open_reports_index"
# pg_advisory_xact_lock key: any constant no other application on the database uses ("cocbot" in ASCII).
_LOCK = 0x636F63626F74
# What Alembic itself creates to record the revision.
_VERSION_TABLE = ("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                  "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection) -> str:
    """Bring the schema to the newest revision; says what it did (for the start-up log)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    tables = set(inspect(connection).get_table_names())
    if not tables & set(SQLModel.metadata.tables):
        SQLModel.metadata.create_all(connection)
        if "alembic_version" not in tables:
            connection.execute(text(_VERSION_TABLE))
        connection.execute(text("DELETE FROM alembic_version"))
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": HEAD})
        return "created"
    if "alembic_version" in tables:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        if versions == [HEAD]:
            return "current"
    from alembic import command

    config = alembic_config(connection)
    if "alembic_version" not in tables:
        command.stamp(config, BASELINE)
    command.upgrade(config, "head")
    return "upgraded"
