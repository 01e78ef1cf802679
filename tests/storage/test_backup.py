"""Backups of a live SQLite database and their restore: every committed report is in the copy, readable
with the same content keys; nothing is ever overwritten without --force, nor while the bot has it open."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cocbot.storage import reports as reports_q
from cocbot.storage.backup import BackupError, backup, restore
from cocbot.storage.content import ContentKeyError, ContentSeal, new_key
from cocbot.storage.db import Database
from cocbot.storage.reports import NewReport

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _report(n: int) -> NewReport:
    return NewReport(idempotency_key=f"k{n}", platform="slack", source="command", anonymity="named",
                     reporter=f"UREP{n}", description=f"report number {n}", implicated=(f"UIMPL{n}",))


async def _write(db: Database, n: int) -> None:
    async with db.transaction() as session:
        await reports_q.create_report(session, _report(n), NOW)


async def _read_all(url: str, seal: ContentSeal) -> list[tuple[str, str, str, tuple[str, ...]]]:
    db = Database(url, seal=seal)
    try:
        assert await db.create_schema() == "current"  # what the bot does at start with the restored file
        async with db.transaction() as session:
            found = []
            n = 1
            while (report := await reports_q.get_report_by_ref(session, f"R-{n:04d}")) is not None:
                found.append((report.ref, report.description, report.reporter, report.implicated))
                n += 1
        return found
    finally:
        await db.dispose()


async def test_a_backup_taken_while_reports_arrive_restores_every_report_readable(tmp_path: Path) -> None:
    seal = ContentSeal([new_key()])
    live = tmp_path / "bot.sqlite3"
    db = Database(f"sqlite+aiosqlite:///{live}", seal=seal)
    await db.create_schema()
    written = 0
    before_backup = asyncio.Event()
    stop = asyncio.Event()

    async def writer() -> None:
        nonlocal written
        while not stop.is_set():
            written += 1
            await _write(db, written)
            if written == 20:
                before_backup.set()
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    try:
        await before_backup.wait()
        # Off the event loop, as the bot's own loop keeps committing reports meanwhile.
        copied = await asyncio.to_thread(backup, live, tmp_path / "backup.sqlite3")
        at_backup_end = written
    finally:
        stop.set()
        await task
        await db.dispose()
    assert 20 <= copied.reports <= at_backup_end and written > 20
    assert not (tmp_path / "backup.sqlite3-wal").exists()  # one self-contained file

    restored = tmp_path / "elsewhere" / "restored.sqlite3"
    assert restore(tmp_path / "backup.sqlite3", restored).reports == copied.reports
    reports = await _read_all(f"sqlite+aiosqlite:///{restored}", seal)
    assert reports == [(f"R-{n:04d}", f"report number {n}", f"UREP{n}", (f"UIMPL{n}",))
                       for n in range(1, copied.reports + 1)]
    with pytest.raises(ContentKeyError):  # sealed: the copy is only as readable as the keys kept with it
        await _read_all(f"sqlite+aiosqlite:///{restored}", ContentSeal([new_key()]))


async def test_a_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3")
    await db.create_schema()
    await db.dispose()
    (tmp_path / "taken.sqlite3").write_text("an older backup")
    with pytest.raises(BackupError, match="already exists"):
        backup(tmp_path / "bot.sqlite3", tmp_path / "taken.sqlite3")
    assert (tmp_path / "taken.sqlite3").read_text() == "an older backup"
    with pytest.raises(BackupError, match="does not exist"):
        backup(tmp_path / "typo.sqlite3", tmp_path / "new.sqlite3")
    assert not (tmp_path / "typo.sqlite3").exists() and not (tmp_path / "new.sqlite3").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.sqlite3", "taken.sqlite3"]  # no partial left


async def test_restore_replaces_a_database_only_with_force_and_only_when_nobody_has_it_open(tmp_path: Path) -> None:
    old, current = tmp_path / "old.sqlite3", tmp_path / "bot.sqlite3"
    for path, reports in ((old, 2), (current, 5)):
        db = Database(f"sqlite+aiosqlite:///{path}")
        await db.create_schema()
        for n in range(1, reports + 1):
            await _write(db, n)
        await db.dispose()
    backup(old, tmp_path / "backup.sqlite3")

    with pytest.raises(BackupError, match="already exists.*--force"):
        restore(tmp_path / "backup.sqlite3", current)
    bot = Database(f"sqlite+aiosqlite:///{current}")  # a running bot: a pooled connection stays open
    try:
        async with bot.transaction() as session:
            assert await reports_q.get_report_by_ref(session, "R-0005") is not None
        with pytest.raises(BackupError, match="open in another process: stop the bot"):
            await asyncio.to_thread(restore, tmp_path / "backup.sqlite3", current, force=True)
    finally:
        await bot.dispose()
    assert len(await _read_all(f"sqlite+aiosqlite:///{current}", ContentSeal(()))) == 5  # untouched

    assert restore(tmp_path / "backup.sqlite3", current, force=True).reports == 2
    assert len(await _read_all(f"sqlite+aiosqlite:///{current}", ContentSeal(()))) == 2


def test_restore_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a database " * 100)
    with pytest.raises(BackupError, match="not a SQLite database"):
        restore(tmp_path / "notes.txt", tmp_path / "bot.sqlite3")
    assert not (tmp_path / "bot.sqlite3").exists()


async def test_the_readmes_pg_dump_and_pg_restore_commands_bring_every_report_back(postgres_url: str,
                                                                                    tmp_path: Path) -> None:
    """PostgreSQL is backed up with its own tools; this runs the README's commands as written."""
    import shutil
    import subprocess

    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    libpq_url = postgres_url.replace("postgresql+asyncpg://", "postgresql://")  # as DATABASE_URL is written
    dump = tmp_path / "cocbot.dump"
    seal = ContentSeal([new_key()])
    db = Database(postgres_url, seal=seal)
    try:
        await db.create_schema()
        for n in range(1, 4):
            await _write(db, n)
        await asyncio.to_thread(subprocess.run, ["pg_dump", "--format=custom", f"--file={dump}", libpq_url],
                                check=True)
        await _write(db, 4)  # after the backup: restoring goes back to before it
    finally:
        await db.dispose()
    await asyncio.to_thread(subprocess.run, ["pg_restore", "--clean", "--if-exists", "--no-owner",
                                             f"--dbname={libpq_url}", str(dump)], check=True)
    assert await _read_all(postgres_url, seal) == [(f"R-{n:04d}", f"report number {n}", f"UREP{n}", (f"UIMPL{n}",))
                                                   for n in range(1, 4)]
