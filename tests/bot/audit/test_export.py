"""The case file: the whole case as Markdown, audited, refused once the case was purged; the CLI commands
`cocbot case export` and `cocbot case history` read the bot's database with its content keys (SQLite, and
PostgreSQL when COCBOT_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from cocbot.bot.audit.export import Refused, export_case
from cocbot.bot.audit import trail
from cocbot.bot.clock import ManualClock
from cocbot.bot.triage.rules import DecisionDraft, Outcome
from cocbot.storage.content import new_key
from tests.bot.cli.test_committees_and_transparency import cli_url
from tests.bot.cli.test_main import clean_env, cocbot
from tests.fakes.slack import FakeSlack
from tests.handlers.slack.triage_support import audit, file_report, stored
from tests.harness import Harness, make_config


async def _whole_case(bot: Harness) -> str:
    ref, channel, _ = await file_report(bot, description="The projector | cable <incident>\nsecond line",
                                        implicated=["UMALLORY"])
    triage = bot.runtime.services.triage
    assert await bot.runtime.services.intake.add_information(
        ref=ref, user="UREPORTER", text="More about the cable", idempotency_key="add-x") is None
    assert (await triage.acknowledge(ref, "UALICE", channel)).ok
    assert (await triage.add_note(ref, "UBOB", "A private note for the file", "note-x")).ok
    assert (await triage.decide(ref, "UALICE", DecisionDraft(Outcome.PRIVATE_REPRIMAND, "We spoke to them."),
                                "decision-x")).ok
    return ref


async def test_the_case_file_holds_the_whole_case_and_the_export_is_audited(engine_bot: Harness) -> None:
    bot = engine_bot
    ref = await _whole_case(bot)
    text = await export_case(bot.runtime.db, ref, bot.clock.now())
    assert isinstance(text, str)
    for part in ("# Case file " + ref, "> The projector | cable &lt;incident>", "> second line", "`UMALLORY`",
                 "More about the cable", "A private note for the file", "Private reprimand", "We spoke to them.",
                 "## Timeline", "acknowledged the report"):
        assert part in text, part
    assert [e.action for e in await audit(bot, ref)][-1] == "export"
    report = await stored(bot, ref)
    async with bot.runtime.db.transaction() as session:
        await trail.record(session, report_id=report.id, action="purge", now=bot.clock.now())
    refused = await export_case(bot.runtime.db, ref, bot.clock.now())
    assert isinstance(refused, Refused) and "was purged under the retention policy" in refused.message
    assert isinstance(await export_case(bot.runtime.db, "R-9999", bot.clock.now()), Refused)


async def test_cli_export_and_history_need_the_content_keys(slack: FakeSlack, tmp_path: Path,
                                                            clock: ManualClock, database_url: str) -> None:
    key = new_key()
    bot = Harness(slack, make_config(), database_url, clock, content_keys=(key,))
    await bot.start()
    try:
        ref = await _whole_case(bot)
        report = await stored(bot, ref)
        # A trail longer than any page: the command line shows every entry.
        async with bot.runtime.db.transaction() as session:
            for i in range(120):
                await trail.record(session, report_id=report.id, action="note", now=bot.clock.now(),
                                   summary=f"step {i:03d}")
    finally:
        await bot.stop()
    env = clean_env(DATABASE_URL=cli_url(database_url), COCBOT_CONTENT_KEYS=key)
    out = tmp_path / "case.md"
    result = await asyncio.to_thread(cocbot, "case", "export", ref.lower(), "--to", str(out), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "A private note for the file" in out.read_text() and (out.stat().st_mode & 0o077) == 0
    result = await asyncio.to_thread(cocbot, "case", "history", ref, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "the report was filed" in result.stdout and "exported the case file" in result.stdout
    assert re.findall(r"step (\d{3})", result.stdout) == [f"{i:03d}" for i in range(120)]
    assert "cable" not in result.stdout
    env.pop("COCBOT_CONTENT_KEYS")
    result = await asyncio.to_thread(cocbot, "case", "export", ref, "--to", str(tmp_path / "x.md"), env=env,
                                     cwd=tmp_path)
    assert result.returncode == 2 and "COCBOT_CONTENT_KEYS" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.md").exists()
