"""`cocbot transparency` and `cocbot committee history` against a database the bot wrote, on SQLite and on
PostgreSQL (when COCBOT_TEST_POSTGRES_URL is set; skipped with that reason otherwise)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import yaml

from cocbot.bot.clock import ManualClock
from tests.bot.cli.test_main import clean_env, cocbot
from tests.bot.committees.support import committee_config
from tests.fakes.slack import FakeSlack
from tests.handlers.slack.triage_support import file_report
from tests.harness import Harness, config_dict


def cli_url(database_url: str) -> str:
    """The URL as an operator gives it to the command line (the sync spelling; it picks the async driver)."""
    return database_url.replace("sqlite+aiosqlite://", "sqlite://").replace("postgresql+asyncpg://",
                                                                              "postgresql://")


async def test_transparency_counts_live_cases_and_hides_small_counts(slack: FakeSlack, tmp_path: Path,
                                                                     clock: ManualClock, database_url: str) -> None:
    bot = Harness(slack, committee_config(("UALICE", "UBOB", "UCAROL")), database_url, clock)
    await bot.start()
    try:
        for _ in range(3):
            await file_report(bot, description="Counted in the figures")
        ref, _, _ = await file_report(bot, description="Flagged one", anonymity="anonymous")
    finally:
        await bot.stop()
    (tmp_path / "cocbot.yml").write_text(yaml.safe_dump(config_dict(transparency={"min_count": 2})))
    env = clean_env(DATABASE_URL=cli_url(database_url), COCBOT_CONFIG=str(tmp_path / "cocbot.yml"))
    result = await asyncio.to_thread(cocbot, "transparency", "--from", "2026-01-01", "--to", "2026-12-31",
                                     "--format", "json", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    shown = {f["label"]: f["shown"] for s in figures["sections"] for f in s["figures"]}
    assert shown["Reports received"] == "4"
    assert shown["anonymous"] == "fewer than 2" and shown["confidential"] == "3"
    assert figures["period"] == {"first_month": "2026-01", "last_month": "2026-12"}
    result = await asyncio.to_thread(cocbot, "transparency", "--from", "2026-01-01", "--to", "2026-12-31",
                                     env=env, cwd=tmp_path)
    assert result.returncode == 0 and "| Reports received | 4 |" in result.stdout
    assert ref not in result.stdout and not re.search(r"\d{4}-\d{2}-\d{2}", result.stdout)
    result = await asyncio.to_thread(cocbot, "transparency", "--from", "2026-12-31", "--to", "2026-01-01",
                                     env=env, cwd=tmp_path)
    assert result.returncode == 2 and "on or before --to" in result.stderr


async def test_committee_history_lists_changes_with_dates(slack: FakeSlack, tmp_path: Path,
                                                          clock: ManualClock, database_url: str) -> None:
    for members in (("UALICE", "UBOB"), ("UALICE", "UCAROL")):
        bot = Harness(slack, committee_config(members), database_url, clock)
        await bot.start()
        await bot.stop()
        clock.advance(days=40)
    env = clean_env(DATABASE_URL=cli_url(database_url))
    result = await asyncio.to_thread(cocbot, "committee", "history", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "2026-03-02  UALICE on the committee (slack) when cocbot began keeping this list",
        "2026-03-02  UBOB on the committee (slack) when cocbot began keeping this list",
        "2026-04-11  UCAROL joined the committee (slack)",
        "2026-04-11  UBOB left the committee (slack)",
    ]
