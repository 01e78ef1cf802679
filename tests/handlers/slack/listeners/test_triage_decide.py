"""A decision stored after Slack was answered "being saved": recorded and sent to the reporter exactly once;
a refusal found only then is said in the updated modal."""

from __future__ import annotations

from cocbot.handlers.slack.testing.fake_api import flatten
from tests.harness import Harness
from tests.handlers.slack.triage_support import acknowledged_report, committee_audit, press, slow_modal, stored

DECISION = {"outcome": "private_reprimand", "message": "We spoke with the person."}


async def test_a_slow_decision_is_confirmed_after_being_saved_and_recorded_once(bot: Harness) -> None:
    report = await acknowledged_report(bot, "Slow decide test")
    view = await slow_modal(bot, "UBOB", "triage_decide", report.ref, DECISION)
    assert "Decision recorded" in flatten(view)
    await bot.drain()
    assert (await stored(bot, report.ref)).state == "decided"
    assert [e.action for e in await committee_audit(bot, report.ref)] == ["acknowledge", "decide"]
    assert len([m for m in bot.fake.dms_to("UREPORTER") if "update on your report" in m["text"]]) == 1


async def test_a_second_decision_refused_after_being_saved_is_said_in_the_modal(bot: Harness) -> None:
    report = await acknowledged_report(bot, "Slow second decision")
    await press(bot, "UCAROL", "triage_decide", report.ref, expect_view=True)
    first_form = bot.fake.open_view_for("UCAROL")
    view = await slow_modal(bot, "UBOB", "triage_decide", report.ref, DECISION)
    assert "Decision recorded" in flatten(view)
    with bot.storing_slowly():
        resp = await bot.submit_view("UCAROL", DECISION, first_form)
    assert resp.saving and "Not saved" in flatten(resp.json()["view"])
    assert [e.action for e in await committee_audit(bot, report.ref)] == ["acknowledge", "decide"]
