"""The triage buttons' table: every button the domain puts on a triage message has exactly one entry, and
every entry refuses a clicker outside the committee with an ephemeral that holds no report content."""

from __future__ import annotations

import asyncio

import pytest

from cocbot.bot.triage import rules
from cocbot.handlers.slack.listeners.triage_buttons import BUTTONS
from tests.harness import COMMITTEE_CHANNEL, Harness
from tests.handlers.slack.triage_support import committee_audit, ephemerals, file_report, stored

# Buttons in direct messages, named in bot/triage/texts.py: the reporter's Reply, a second member's review.
IN_DIRECT_MESSAGES = {"triage_reply", "triage_review_announcement"}


def test_every_triage_button_has_one_entry_and_every_entry_a_button() -> None:
    on_messages = {spec.action for specs in rules.BUTTONS_BY_STATE.values() for spec in specs}
    on_messages |= {spec.action for spec in rules.ALWAYS_BUTTONS} | {rules.VIEW_BUTTON.action}
    assert set(BUTTONS) == on_messages | IN_DIRECT_MESSAGES


@pytest.mark.parametrize("action_id", sorted(BUTTONS))
async def test_a_click_from_outside_the_committee_is_refused_and_changes_nothing(bot: Harness,
                                                                                 action_id: str) -> None:
    bot.fake.channels[COMMITTEE_CHANNEL].members.add("UOTHER")
    ref, channel, ts = await file_report(bot, description="Table refusal test")
    calls_before = len(bot.fake.calls)
    resp = await bot.click("UOTHER", action_id, ref, channel=channel, message_ts=ts)
    assert resp.status == 200
    await bot.until(lambda: ephemerals(bot, "UOTHER"))
    await bot.drain()
    assert len(ephemerals(bot, "UOTHER")) == 1
    assert "Table refusal test" not in ephemerals(bot, "UOTHER")[0]
    # Only the refusal is sent (a Reply button's clicker may also have their language looked up).
    assert [c.method for c in bot.fake.calls[calls_before:] if c.method != "users.info"] == ["chat.postEphemeral"]
    assert (await stored(bot, ref)).state == "new"
    assert await committee_audit(bot, ref) == []


async def test_a_click_is_acknowledged_before_its_work_which_then_happens_once(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    ref, channel, ts = await file_report(bot, description="Held click test")
    # Storing waits until Slack has the click's answer: a listener storing first would not answer in time.
    with bot.storing_slowly():
        resp = await bot.click("UALICE", "triage_acknowledge", ref, channel=channel, message_ts=ts)
    assert resp.status == 200 and resp.text == ""
    assert not [r for r in caplog.records if "ack()" in r.getMessage()]
    assert (await stored(bot, ref)).state == "acknowledged"
    assert [e.action for e in await committee_audit(bot, ref)] == ["acknowledge"]


async def test_two_members_clicking_at_once_make_one_transition(bot: Harness) -> None:
    ref, channel, ts = await file_report(bot, description="Double click test")
    with bot.storing_slowly():
        answers = await asyncio.gather(*(bot.click(user, "triage_acknowledge", ref, channel=channel, message_ts=ts,
                                                   settle=False) for user in ("UALICE", "UBOB")))
        await bot.settle()
    assert [a.status for a in answers] == [200, 200]
    await bot.drain()
    assert [e.action for e in await committee_audit(bot, ref)] == ["acknowledge"]
    assert len([m for m in bot.fake.dms_to("UREPORTER") if "acknowledged" in m["text"]]) == 1
