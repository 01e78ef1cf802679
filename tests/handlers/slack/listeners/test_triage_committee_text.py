"""A note and a question stored after Slack was answered "being saved": each stored and sent exactly once."""

from __future__ import annotations

from cocbot.handlers.slack.testing.fake_api import flatten
from tests.harness import Harness
from tests.handlers.slack.triage_support import acknowledged_report, committee_audit, slow_modal, text_of, thread


async def test_a_slow_note_and_question_are_confirmed_after_being_saved_and_stored_once(bot: Harness) -> None:
    report = await acknowledged_report(bot, "Slow note test")
    view = await slow_modal(bot, "UCAROL", "triage_note", report.ref, {"text": "Spoke to the host."})
    assert "Note added" in flatten(view)
    view = await slow_modal(bot, "UBOB", "triage_ask", report.ref, {"text": "Did it happen before?"})
    assert "Question sent" in flatten(view)
    await bot.drain()
    assert [e.action for e in await committee_audit(bot, report.ref)] == ["acknowledge", "note", "ask"]
    notes = [m for m in thread(bot, report.space_channel, report.message_ts) if "Spoke to the host." in text_of(m)]
    assert len(notes) == 1
    assert len([m for m in bot.fake.dms_to("UREPORTER") if "Did it happen before?" in text_of(m)]) == 1
