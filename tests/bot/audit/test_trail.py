"""The complete audit trail, on SQLite and PostgreSQL: filing, additions, reminders and escalations sent,
opening History, exports and purges are recorded, without content, and entries are only ever appended."""

from __future__ import annotations

import re
from pathlib import Path

from cocbot.bot.audit import trail
from cocbot.storage import audit as audit_q
from cocbot.storage.triage import TriageAudit
from tests.handlers.slack.triage_support import acknowledged_report, audit, file_report, press
from tests.harness import Harness

ROOT = Path(__file__).resolve().parents[3]


async def test_every_step_of_a_case_is_in_its_trail_without_content(engine_bot: Harness) -> None:
    bot = engine_bot
    ref, channel, _ = await file_report(bot, description="A secret account of the trail")
    assert await bot.runtime.services.intake.add_information(
        ref=ref, user="UREPORTER", text="A secret addition", idempotency_key="add-1") is None
    bot.clock.advance(hours=30)  # past the reminders and the acknowledgement deadline
    await bot.drain()
    await press(bot, "UALICE", "triage_history", ref, expect_view=True)
    actions = [e.action for e in await audit(bot, ref)]
    assert actions[:2] == ["filed", "addition"]
    assert "reminder_sent" in actions and "escalation_sent" in actions and actions[-1] == "history"
    # The History view shows the whole trail, in words.
    history = bot.fake.calls_to("views.open")[-1].params["view"]
    shown = str(history)
    for label in ("the report was filed", "the reporter added information", "cocbot sent a reminder",
                  "cocbot sent an escalation"):
        assert label in shown
    raw = "".join(str(e.detail) + str(e.actor) for e in await audit(bot, ref))
    assert "secret" not in raw and "UREPORTER" not in raw  # never content, never the reporter


async def test_a_purge_is_recorded_and_only_blanks_who(engine_bot: Harness) -> None:
    bot = engine_bot
    report = await acknowledged_report(bot, "To be purged")
    ref = report.ref
    async with bot.runtime.db.transaction() as session:
        assert not await audit_q.is_purged(session, report.id)
        await trail.record(session, report_id=report.id, action="purge", now=bot.clock.now())
        await audit_q.blank_actors(session, report.id)
        assert await audit_q.is_purged(session, report.id)
    entries = await audit(bot, ref)
    assert [e.action for e in entries] == ["filed", "acknowledge", "purge"]
    assert all(e.actor is None for e in entries)


def test_nothing_but_the_purge_changes_or_deletes_an_audit_entry() -> None:
    """Append-only by construction: the only UPDATE of the trail is storage/audit.py's blank_actors, and no
    code deletes from it."""
    changes = re.compile(r"(update|delete)\(\s*(TriageAudit|table_of\(TriageAudit\))|"
                         r"(UPDATE|DELETE FROM)\s+triage_audit", re.IGNORECASE)
    found = []
    for path in ROOT.glob("**/*.py"):
        if any(part in (".venv", "tests", "build") for part in path.relative_to(ROOT).parts):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if changes.search(line):
                found.append(str(path.relative_to(ROOT)))
    assert found == ["storage/audit.py"], found
    assert TriageAudit.__tablename__ == "triage_audit"
