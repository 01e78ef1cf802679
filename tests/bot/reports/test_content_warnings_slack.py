"""Content warnings, on the fake Slack: the reporter's, or the committee's in Assess, keeps that report's
details behind "View report" in the committee's space, as details on demand does for every report."""

from __future__ import annotations

from tests.fakes.slack import FakeSlack
from tests.handlers.slack.triage_support import buttons, file_report, message, modal, press, text_of
from tests.harness import COMMITTEE_CHANNEL, Harness

SECRET = "a graphic account of what he did in the stairwell"


async def test_the_reporters_warning_keeps_the_details_behind_view_report(bot: Harness, slack: FakeSlack) -> None:
    ref, channel, ts = await file_report(bot, description=SECRET, content_warning="sexual violence")
    post = message(bot, channel, ts)
    assert "sexual violence" in text_of(post) and SECRET not in text_of(post)
    assert "triage_view" in buttons(post)
    await press(bot, "UALICE", "triage_view", ref, expect_view=True)
    assert SECRET in str(slack.open_view_for("UALICE"))


async def test_without_a_warning_the_post_shows_the_report(bot: Harness, slack: FakeSlack) -> None:
    _, channel, ts = await file_report(bot, description=SECRET)
    assert SECRET in text_of(message(bot, channel, ts))


async def test_the_committee_adds_one_in_assess(bot: Harness, slack: FakeSlack) -> None:
    ref, channel, ts = await file_report(bot, description=SECRET)
    await press(bot, "UALICE", "triage_acknowledge", ref)
    await bot.drain()
    body = await modal(bot, "UALICE", "triage_assess", ref, {
        "risk": "high", "impact": "high", "ongoing": "no", "unsafe": "no", "category": "Harassment or intimidation",
        "reporter_role": "affected", "content_warning": "self-harm"})
    assert body.get("response_action") == "update", body
    await bot.drain()
    post = message(bot, channel, ts)
    assert "self-harm" in text_of(post) and SECRET not in text_of(post) and "triage_view" in buttons(post)
    assert channel == COMMITTEE_CHANNEL
