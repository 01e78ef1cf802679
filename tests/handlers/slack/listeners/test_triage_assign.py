"""Reassigning stored after Slack was answered "being saved": one owner, one trail entry."""

from __future__ import annotations

from cocbot.handlers.slack.testing.fake_api import flatten
from tests.harness import Harness
from tests.handlers.slack.triage_support import acknowledged_report, committee_audit, slow_modal, stored


async def test_a_slow_reassignment_is_confirmed_after_being_saved_and_stored_once(bot: Harness) -> None:
    report = await acknowledged_report(bot, "Slow reassign test")
    view = await slow_modal(bot, "UALICE", "triage_reassign", report.ref, {"assignee": "UCAROL"})
    assert "Reassigned" in flatten(view)
    assert (await stored(bot, report.ref)).owner == "UCAROL"
    assert [e.action for e in await committee_audit(bot, report.ref)] == ["acknowledge", "assign"]
