"""The reporter's answer stored after Slack was answered "being saved": stored and relayed exactly once."""

from __future__ import annotations

from cocbot.handlers.slack.testing.fake_api import flatten
from tests.harness import Harness
from tests.handlers.slack.triage_support import acknowledged_report, committee_audit, modal, text_of, thread


async def test_a_slow_answer_is_confirmed_after_being_saved_and_relayed_once(bot: Harness) -> None:
    report = await acknowledged_report(bot, "Slow reply test")
    await modal(bot, "UBOB", "triage_ask", report.ref, {"text": "When was it?"})
    await bot.drain()
    [question] = [m for m in bot.fake.dms_to("UREPORTER") if "When was it?" in text_of(m)]
    value = next(e["value"] for b in question["blocks"] if b["type"] == "actions" for e in b["elements"])
    await bot.click("UREPORTER", "triage_reply", value, channel="DUREPORTER", expect_view=True)
    with bot.storing_slowly():
        resp = await bot.submit_view("UREPORTER", {"text": "Last Tuesday."})
    assert resp.status == 200 and resp.saving, resp
    assert f"on its way to the committee handling {report.ref}" in flatten(resp.json()["view"])
    await bot.drain()
    assert [e.action for e in await committee_audit(bot, report.ref)] == ["acknowledge", "ask", "answer"]
    assert len([m for m in thread(bot, report.space_channel, report.message_ts)
                if "Last Tuesday." in text_of(m)]) == 1
