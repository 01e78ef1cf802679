"""An assessment stored after Slack was answered "being saved": saved exactly once, confirmed in the modal."""

from __future__ import annotations

from cocbot.handlers.slack.testing.fake_api import flatten
from tests.harness import Harness
from tests.handlers.slack.triage_support import acknowledged_report, committee_audit, slow_modal, stored

ASSESSMENT = {"risk": "high", "impact": "low", "ongoing": "no", "unsafe": "no",
              "category": "Harassment or intimidation", "reporter_role": "affected"}


async def test_a_slow_assessment_is_confirmed_after_being_saved_and_stored_once(bot: Harness) -> None:
    report = await acknowledged_report(bot, "Slow assess test")
    view = await slow_modal(bot, "UBOB", "triage_assess", report.ref, ASSESSMENT)
    assert "Assessment saved" in flatten(view)
    assert (await stored(bot, report.ref)).category == "Harassment or intimidation"
    assert [e.action for e in await committee_audit(bot, report.ref)] == ["acknowledge", "assess"]
