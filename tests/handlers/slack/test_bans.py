"""Bans enforced on Slack, end to end: a banned person joining or already in a channel the ban covers alerts
the case's committee space; with `bans.enforce: remove` they are removed and told neutrally; the end of the
ban is told once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.handlers.slack.testing.fake_api import FakeSlack
from tests.handlers.slack.bans_support import CONFIRMED, EVENTS_CHANNEL, alerts, decide_ban, joined, settle, start_bot
from tests.handlers.slack.triage_support import stored, text_of
from tests.harness import COMMITTEE_CHANNEL, Harness


@pytest.fixture
async def alert_bot(slack: FakeSlack, database_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    bot = await start_bot(slack, database_url, clock)
    yield bot
    await bot.stop()


@pytest.fixture
async def remove_bot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    bot = await start_bot(slack, sqlite_url, clock, bans={"enforce": "remove"})
    yield bot
    await bot.stop()


async def test_a_banned_member_joining_a_covered_channel_alerts_the_committee(alert_bot: Harness) -> None:
    bot = alert_bot
    ref, space = await decide_ban(bot)
    assert space == COMMITTEE_CHANNEL and alerts(bot) == []
    await joined(bot, "UMALLORY", EVENTS_CHANNEL)
    await settle(bot, lambda: len(alerts(bot)) == 1)
    [alert] = alerts(bot)
    assert ref in alert and "joined" in alert and "<@UMALLORY>" in alert and f"<#{EVENTS_CHANNEL}>" in alert
    assert "2026-06-30" in alert
    # Only the committee read it; the banned person was told nothing, and stays (alert mode).
    assert "UMALLORY" not in bot.fake.who_saw("joined a space the ban covers")
    assert bot.fake.dms_to("UMALLORY") == [] and "UMALLORY" in bot.fake.channels[EVENTS_CHANNEL].members
    # Someone else joining, or the banned person joining a channel the ban does not cover: nothing.
    await joined(bot, "UOTHER", EVENTS_CHANNEL)
    bot.fake.add_channel("CRANDOM", {"UOTHER", bot.fake.bot_user_id}, name="random", private=False)
    await joined(bot, "UMALLORY", "CRANDOM")
    await bot.drain()
    assert len(alerts(bot)) == 1


async def test_a_banned_member_present_when_the_ban_is_decided_is_alerted_once(alert_bot: Harness) -> None:
    bot = alert_bot
    bot.fake.channels[EVENTS_CHANNEL].members.add("UMALLORY")
    ref, _ = await decide_ban(bot)
    await bot.drain()
    [alert] = alerts(bot)
    assert ref in alert and "is in a space the ban covers" in alert and f"<#{EVENTS_CHANNEL}>" in alert
    assert bot.fake.calls_to("conversations.members")  # looked at the channel's live membership


async def test_remove_mode_kicks_and_sends_a_neutral_notice(remove_bot: Harness) -> None:
    bot = remove_bot
    ref, _ = await decide_ban(bot)
    await joined(bot, "UMALLORY", EVENTS_CHANNEL)
    await settle(bot, lambda: len(bot.fake.dms_to("UMALLORY")) == 1)
    assert "UMALLORY" not in bot.fake.channels[EVENTS_CHANNEL].members
    [kick] = bot.fake.calls_to("conversations.kick")
    assert kick.params["channel"] == EVENTS_CHANNEL and kick.params["user"] == "UMALLORY"
    [notice] = bot.fake.dms_to("UMALLORY")
    text = text_of(notice)
    assert "2026-06-30" in text and "<@UESCAL>" in text and f"<#{EVENTS_CHANNEL}>" in text
    # Neutral: nothing of the case, not even its reference.
    assert ref not in text and "messaging me" not in text and "UREPORTER" not in text
    [alert] = alerts(bot)
    assert "cocbot removed a person banned in" in alert and ref in alert


async def test_an_excluded_member_never_gets_the_alert(alert_bot: Harness) -> None:
    bot = alert_bot
    ref, space = await decide_ban(bot, exclude=["UCAROL"])
    assert space != COMMITTEE_CHANNEL  # a private space without the excluded member
    await joined(bot, "UMALLORY", EVENTS_CHANNEL)
    await settle(bot, lambda: len(alerts(bot, space)) == 1)
    assert "UCAROL" not in bot.fake.who_saw("joined a space the ban covers")
    assert alerts(bot, COMMITTEE_CHANNEL) == []
    # The excluded member joining the case's space later holds the alert back (the gate checks live members).
    bot.fake.channels[space].members.add("UCAROL")
    bot.fake.channels[EVENTS_CHANNEL].members.discard("UMALLORY")
    await joined(bot, "UMALLORY", EVENTS_CHANNEL)
    await bot.drain()
    await bot.drain()
    assert len(alerts(bot, space)) == 1 and "UCAROL" not in bot.fake.who_saw("joined a space the ban covers")
    assert (await stored(bot, ref)).state == "decided"


async def test_the_end_of_a_ban_is_told_once(alert_bot: Harness, clock: ManualClock) -> None:
    bot = alert_bot
    ref, _ = await decide_ban(bot)
    clock.advance(days=130)
    await bot.drain()
    await bot.drain()
    ended = [t for t in (text_of(m) for m in bot.fake.messages_in(COMMITTEE_CHANNEL)) if "has ended" in t]
    assert len(ended) == 1 and ref in ended[0]
    # After the end, joining alerts no more.
    await joined(bot, "UMALLORY", EVENTS_CHANNEL)
    await bot.drain()
    assert alerts(bot) == []


async def test_a_workspace_ban_alerts_on_team_join(alert_bot: Harness) -> None:
    bot = alert_bot
    for channel in bot.fake.channels.values():
        channel.members.discard("UMALLORY")  # not in the workspace yet
    ref, _ = await decide_ban(bot, channels=(), everywhere=("workspace",))
    await bot.drain()
    assert alerts(bot) == []
    resp = await bot.event({"type": "team_join", "user": {"id": "UMALLORY", "name": "mallory"}})
    assert resp.status == 200
    await settle(bot, lambda: len(alerts(bot)) == 1)
    assert "whole Slack workspace" in alerts(bot)[0] and ref in alerts(bot)[0]


async def test_a_workspace_ban_finds_the_person_in_every_channel_they_are_in(alert_bot: Harness) -> None:
    bot = alert_bot
    bot.fake.add_channel("CRANDOM", {"UMALLORY", bot.fake.bot_user_id}, name="random", private=False)
    # A private channel cocbot is not in stays unseen (a bot token is not shown it).
    bot.fake.add_channel("GSECRET", {"UMALLORY"}, name="secret", private=True)
    ref, _ = await decide_ban(bot, channels=(), everywhere=("workspace",))
    await settle(bot, lambda: len(alerts(bot)) == 2)
    await bot.drain()
    where = sorted(a.split("*Where*\n", 1)[1].split("\n", 1)[0] for a in alerts(bot))
    assert where == ["<#CGENERAL>", "<#CRANDOM>"] and all(ref in a for a in alerts(bot))
    [call] = bot.fake.calls_to("users.conversations")
    assert call.params["user"] == "UMALLORY"


async def test_remove_mode_takes_a_workspace_banned_person_out_of_the_channels_they_are_in(
        remove_bot: Harness) -> None:
    bot = remove_bot
    bot.fake.add_channel("CRANDOM", {"UMALLORY", bot.fake.bot_user_id}, name="random", private=False)
    await decide_ban(bot, channels=(), everywhere=("workspace",))
    await settle(bot, lambda: len(bot.fake.calls_to("conversations.kick")) == 2)
    await bot.drain()
    assert sorted(k.params["channel"] for k in bot.fake.calls_to("conversations.kick")) == ["CGENERAL", "CRANDOM"]
    assert "UMALLORY" not in bot.fake.channels["CRANDOM"].members


async def test_the_decision_post_and_the_confirmation_list_where_the_ban_applies(alert_bot: Harness) -> None:
    bot = alert_bot
    ref, space = await decide_ban(bot, everywhere=("workspace",))
    [post] = [t for t in (text_of(m) for m in bot.fake.messages_in(space)) if "Decision recorded" in t]
    assert f"<#{EVENTS_CHANNEL}>" in post and "Ban applies in: the whole Slack workspace" in post
    confirmation = CONFIRMED[ref]
    assert "The ban applies in: the chosen Slack channels, the whole Slack workspace." in confirmation
    assert f"Ban applies in: <#{EVENTS_CHANNEL}>" in confirmation  # a link, not escaped text
