"""The triage buttons' table: every button the domain puts on a triage message has exactly one entry, and
every entry refuses a clicker outside the committee with an ephemeral that holds no report content."""

from __future__ import annotations

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
