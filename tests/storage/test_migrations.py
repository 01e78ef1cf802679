"""Schema migrations: the revisions build exactly the schema the models describe, old databases are
stamped and upgraded, and replicas starting together migrate once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from cocbot.storage import migrate
from cocbot.storage.db import Database


def _differences(connection: Connection) -> list[object]:
    return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata)


def _replay_from_nothing(connection: Connection) -> None:
    command.upgrade(migrate.alembic_config(connection), "head")


async def test_replaying_every_revision_gives_the_schema_of_the_models(database_url: str) -> None:
    """Fails when a model changed without a revision (add one under storage/migrations/versions)."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_replay_from_nothing)
            assert await conn.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_a_new_database_is_created_from_the_models_and_stamped_at_the_newest_revision(
        database_url: str) -> None:
    db = Database(database_url)
    try:
        await db.create_schema()
        async with db.engine.connect() as conn:
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
            assert await conn.run_sync(_differences) == []
        assert version == ScriptDirectory(str(migrate.MIGRATIONS)).get_current_head()
        await db.create_schema()  # a restart changes nothing
    finally:
        await db.dispose()


async def test_a_database_from_before_migrations_is_stamped_at_the_baseline_and_upgraded(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/old.sqlite3"
    engine = create_async_engine(url)
    async with engine.begin() as conn:  # what the first release did: create_all, no version table
        await conn.run_sync(lambda c: command.upgrade(migrate.alembic_config(c), migrate.BASELINE))
        await conn.execute(text("DROP TABLE alembic_version"))
        await conn.execute(text("INSERT INTO discourse_cursors (name, value, updated_at) "
                                "VALUES ('kept', 7, '2026-01-01 00:00:00.000000')"))
    await engine.dispose()
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            assert await conn.run_sync(migrate.upgrade) == "upgraded"
        async with db.engine.connect() as conn:
            assert (await conn.execute(text("SELECT value FROM discourse_cursors"))).scalar_one() == 7
            assert "alembic_version" in await conn.run_sync(lambda c: inspect(c).get_table_names())
            assert await conn.run_sync(_differences) == []
    finally:
        await db.dispose()


async def test_replicas_starting_together_migrate_once(postgres_url: str) -> None:
    databases = [Database(postgres_url) for _ in range(3)]
    try:
        await asyncio.gather(*(d.create_schema() for d in databases))
        async with databases[0].engine.connect() as conn:
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
        assert len(versions) == 1
    finally:
        for d in databases:
            await d.dispose()


def test_every_revision_has_a_downgrade_path_and_one_head() -> None:
    script = ScriptDirectory(str(migrate.MIGRATIONS))
    assert len(script.get_heads()) == 1, "two revisions claim the same parent: merge them"
    assert [r.revision for r in script.walk_revisions()][-1] == migrate.BASELINE
    assert script.get_current_head() == migrate.HEAD, "set storage.migrate.HEAD to the new revision"


async def test_forum_usernames_are_moved_into_sealed_columns(database_url: str) -> None:
    """0002 keeps every form link and reporter thread working: the username is read back as it was."""
    from datetime import datetime, timezone

    from cocbot.storage import discourse as dq

    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: command.upgrade(migrate.alembic_config(c), "0001"))
        await conn.execute(text("INSERT INTO discourse_threads (topic_id, purpose, username, report_id, created_at) "
                                "VALUES (41, 'reporter', 'rita.o-k', 3, '2026-01-01 00:00:00')"))
        await conn.execute(text("INSERT INTO discourse_form_tokens (id, username, created_at, expires_at) "
                                "VALUES ('t1', 'rita.o-k', '2026-01-01 00:00:00', '2026-01-01 00:30:00')"))
        await conn.execute(text("INSERT INTO discourse_form_tokens (id, username, created_at, expires_at) "
                                "VALUES ('t2', NULL, '2026-01-01 00:00:00', '2026-01-01 00:30:00')"))
    await engine.dispose()
    db = Database(database_url)
    try:
        await db.create_schema()
        async with db.transaction() as session:
            thread = await dq.get_thread(session, 41)
            token, public = await dq.get_token(session, "t1"), await dq.get_token(session, "t2")
            await dq.put_thread(session, topic_id=42, purpose="reporter", username="wanda", report_id=4,
                                now=datetime.now(timezone.utc))
            assert (await dq.get_thread(session, 42)).username == "wanda"  # type: ignore[union-attr]
        assert thread is not None and thread.username == "rita.o-k" and thread.report_id == 3
        assert token is not None and token.username == "rita.o-k"
        assert public is not None and public.username is None
    finally:
        await db.dispose()


async def test_outbox_payloads_and_results_are_moved_into_sealed_columns(database_url: str) -> None:
    from datetime import datetime, timezone

    from cocbot.storage import outbox as outbox_q

    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: command.upgrade(migrate.alembic_config(c), "0002"))
        await conn.execute(text(
            "INSERT INTO outbox (key, kind, payload, status, attempts, next_attempt_at, created_at, result) VALUES "
            "('a', 'x', '{\"n\": 1}', 'pending', 0, '2026-03-02 08:00:00', '2026-03-02 08:00:00', NULL), "
            "('b', 'x', '{}', 'done', 1, '2026-03-02 08:00:00', '2026-03-02 08:00:00', '{\"ts\": \"1.2\"}')"))
    await engine.dispose()
    db = Database(database_url)
    try:
        await db.create_schema()
        async with db.transaction() as session:
            [claimed] = await outbox_q.claim_due(session, owner="w", now=now, lease_seconds=60)
            assert await outbox_q.item_status(session, "b") == ("done", {"ts": "1.2"})
        assert claimed.payload == {"n": 1}
    finally:
        await db.dispose()


async def test_flag_drafts_are_moved_into_sealed_columns(database_url: str) -> None:
    """0004 keeps a modal opened before the upgrade working: its flagged message is read back as it was."""
    from datetime import datetime, timezone

    from cocbot.storage import reports as reports_q

    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: command.upgrade(migrate.alembic_config(c), "0003"))
        await conn.execute(text(
            "INSERT INTO flag_drafts (view_id, created_at, channel, ts, author, snapshot_sealed) VALUES "
            "('V1', '2026-03-02 08:00:00.000000', 'CGENERAL', '1700000000.000100', 'UMALLORY', "
            "'v1:{\"text\":\"hi\"}'), "
            "('V2', '2026-03-02 08:00:00.000000', 'D\"odd', '1.2', NULL, 'v1:{\"text\":\"\"}')"))
    await engine.dispose()
    db = Database(database_url)
    try:
        await db.create_schema()
        since = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)
        async with db.transaction() as session:
            first = await reports_q.get_flag_draft(session, "V1", saved_since=since)
            second = await reports_q.get_flag_draft(session, "V2", saved_since=since)
        assert first == reports_q.FlagSnapshot("CGENERAL", "1700000000.000100", "UMALLORY", "hi")
        assert second == reports_q.FlagSnapshot('D"odd', "1.2", None, "")
        async with db.engine.connect() as conn:
            columns = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("flag_drafts")})
        assert not columns & {"channel", "ts", "author"}
    finally:
        await db.dispose()


def _every_revision() -> list[str]:
    return [r.revision for r in reversed(list(ScriptDirectory(str(migrate.MIGRATIONS)).walk_revisions()))]


@pytest.mark.parametrize("revision", _every_revision())
async def test_a_database_at_any_revision_upgrades_to_the_head_with_every_report_readable(
        database_url: str, revision: str) -> None:
    """What a release's upgrade does to the database the previous ones made: at the head revision, today's
    databases, which the next release's revisions take from there (and re-running the upgrade changes
    nothing); at older ones, those of earlier releases. Reports are sealed with content keys throughout,
    as a community that encrypts has them."""
    from datetime import datetime, timezone

    from cocbot.storage import reports as reports_q
    from cocbot.storage.content import ContentSeal, new_key
    from cocbot.storage.reports import NewReport

    seal = ContentSeal([new_key()])
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: command.upgrade(migrate.alembic_config(c), revision))
    await engine.dispose()
    db = Database(database_url, seal=seal)
    try:
        async with db.transaction() as session:  # the reports table is as the baseline made it
            for n in range(3):
                await reports_q.create_report(session, NewReport(
                    idempotency_key=f"k{n}", platform="slack", source="command", anonymity="named",
                    reporter=f"UREP{n}", description=f"what happened, {n}", implicated=("UIMPL",)),
                    datetime(2026, 3, 2, 9, n, tzinfo=timezone.utc))
        assert await db.create_schema() == ("current" if revision == migrate.HEAD else "upgraded")
        async with db.engine.begin() as conn:  # as a newer release's Alembic finds it: nothing left to run
            await conn.run_sync(lambda c: command.upgrade(migrate.alembic_config(c), "head"))
            assert (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all() == [
                migrate.HEAD]
        async with db.transaction() as session:
            reports = [await reports_q.get_report_by_ref(session, f"R-{n:04d}") for n in range(1, 4)]
        assert [(r.description, r.reporter, r.implicated) for r in reports if r is not None] == [
            (f"what happened, {n}", f"UREP{n}", ("UIMPL",)) for n in range(3)]
    finally:
        await db.dispose()


def test_the_open_reports_index_spells_the_closed_states_as_the_app_home_does() -> None:
    # The partial index serves the App Home's query only while both name the same closed states.
    from cocbot.storage.duty import CLOSED_STATES
    from cocbot.storage.models import OPEN_REPORTS_WHERE

    assert OPEN_REPORTS_WHERE == "state NOT IN (" + ", ".join(f"'{s}'" for s in CLOSED_STATES) + ")"
