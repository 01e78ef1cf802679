"""`cocbot purge [--dry-run]` against the bot's database and config: references and dates only."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

from cocbot.storage import retention as retention_q
from cocbot.storage.db import Database
from tests.bot.cli.test_main import clean_env, cocbot
from tests.bot.retention.support import seed_case

REPO = Path(__file__).resolve().parents[3]
MARKER = "CLIMARKER"


async def test_dry_run_lists_then_purge_deletes(tmp_path: Path) -> None:
    (tmp_path / "cocbot.yml").write_text((REPO / "cocbot.example.yml").read_text())
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    now = datetime.now(timezone.utc)
    db = Database(url)
    try:
        await db.create_schema()
        _, old = await seed_case(db, 1, MARKER, closed_days_ago=800, now=now)
        _, recent = await seed_case(db, 2, MARKER, closed_days_ago=30, now=now)
    finally:
        await db.dispose()
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3", COCBOT_CONFIG=str(tmp_path / "cocbot.yml"))

    dry = await asyncio.to_thread(cocbot, "purge", "--dry-run", env=env, cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert old in dry.stdout and recent not in dry.stdout and "dry run" in dry.stdout
    assert MARKER not in dry.stdout and "UREP" not in dry.stdout

    done = await asyncio.to_thread(cocbot, "purge", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Purged 1 item" in done.stdout and "queued for deletion" in done.stdout
    db = Database(url)
    try:
        async with db.transaction() as s:
            assert await retention_q.purged_at(s, old) is not None
            assert await retention_q.purged_at(s, recent) is None
    finally:
        await db.dispose()
    again = await asyncio.to_thread(cocbot, "purge", "--dry-run", env=env, cwd=tmp_path)
    assert again.returncode == 0 and "Nothing is due for the purge" in again.stdout
