"""A recusal stored after Slack was answered "being saved": the case moves once, the modal says so."""

from __future__ import annotations

from cocbot.handlers.slack.testing.fake_api import flatten
from tests.harness import Harness
from tests.handlers.slack.triage_support import acknowledged_report, committee_audit, slow_modal, stored


async def test_a_slow_recusal_is_confirmed_after_being_saved_and_stored_once(bot: Harness) -> None:
    report = await acknowledged_report(bot, "Slow recusal test")
    view = await slow_modal(bot, "UCAROL", "triage_recuse", report.ref, {})
    assert "stepped back" in flatten(view)
    await bot.drain()
    moved = await stored(bot, report.ref)
    assert moved.recused == ("UCAROL",) and moved.space_kind == "private_space" and not moved.moving
    assert [e.action for e in await committee_audit(bot, report.ref)].count("recuse") == 1
