"""Successive committees end to end, on SQLite and PostgreSQL: the config's committee decides at every
start and every action. A member removed mid-case loses the buttons, the App Home's cases, the reminders
and their place in the case's private space; a member added later reads open cases, not those closed
before they joined (unless `new_members_see: all`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.bot.triage.rules import DecisionDraft, Outcome
from cocbot.bot.triage.results import Result, TrailPage
from cocbot.handlers.slack.testing.fake_api import flatten
from cocbot.storage import committees as committees_q
from tests.bot.committees.support import committee_config
from tests.fakes.slack import FakeSlack
from tests.handlers.slack.test_app_home import open_home
from tests.handlers.slack.triage_support import audit, ephemerals, file_report, press, stored
from tests.harness import COMMITTEE_CHANNEL, Harness


@pytest.fixture
async def world(slack: FakeSlack, database_url: str, clock: ManualClock) -> AsyncIterator[dict[str, Any]]:
    slack.add_user("UDAVE")
    bots: list[Harness] = []

    async def start(members: tuple[str, ...], **committee: Any) -> Harness:
        if bots:
            await bots[-1].stop()
        harness = Harness(slack, committee_config(members, **committee), database_url, clock)
        await harness.start()
        bots.append(harness)
        return harness

    yield {"start": start, "slack": slack}
    if bots:
        await bots[-1].stop()


async def test_a_member_removed_mid_case_loses_access_at_once(world: dict[str, Any]) -> None:
    slack: FakeSlack = world["slack"]
    bot = await world["start"](("UALICE", "UBOB", "UCAROL"))
    # Carol excluded: the case gets a private space with Alice and Bob.
    ref, space, _ = await file_report(bot, description="Removed member case", exclude=["UCAROL"])
    assert (await stored(bot, ref)).space_kind == "private_space"
    assert "UBOB" in slack.channels[space].members

    bot = await world["start"](("UALICE", "UCAROL"))
    await bot.drain()
    # Removed from the open case's private space through the outbox, with the platform's own call.
    assert "UBOB" not in slack.channels[space].members
    assert [c.params for c in slack.calls_to("conversations.kick")] == [{"channel": space, "user": "UBOB"}]
    # Buttons refused, with a reason.
    await press(bot, "UBOB", "triage_acknowledge", ref)
    assert any("Only Code of Conduct committee members" in t for t in ephemerals(bot, "UBOB"))
    assert (await stored(bot, ref)).state == "new"
    # App Home without cases.
    assert "Committee" not in await open_home(bot, "UBOB")
    assert "Committee" in await open_home(bot, "UALICE")
    # No reminders or escalations: past every acknowledgement reminder and the deadline.
    seen_before = len(slack.seen_by("UBOB"))
    bot.clock.advance(hours=30)
    await bot.drain()
    assert any(f"Reminder: report {ref}" in flatten(m) for m in slack.messages_in(space))
    assert slack.dms_to("UALICE")  # the escalation reached the remaining eligible member
    assert len(slack.seen_by("UBOB")) == seen_before
    # The change is in the case's trail and in the committee's history, with dates.
    assert "committee_left" in [e.action for e in await audit(bot, ref)]
    async with bot.runtime.db.transaction() as session:
        changes = await committees_q.changes(session)
    assert [(c.member, c.change, c.founding) for c in changes] == [
        ("UALICE", "joined", True), ("UBOB", "joined", True), ("UCAROL", "joined", True), ("UBOB", "left", False)]


async def _close(bot: Harness, ref: str, channel: str) -> None:
    triage = bot.runtime.services.triage
    assert (await triage.acknowledge(ref, "UALICE", channel)).ok
    assert (await triage.decide(ref, "UALICE", DecisionDraft(Outcome.NO_ACTION, "Thank you."), f"d-{ref}")).ok
    assert (await triage.close(ref, "UALICE", channel)).ok


@pytest.mark.parametrize("setting", ["open", "all"])
async def test_a_member_added_later_sees_open_cases_and_old_closed_ones_only_with_all(
        world: dict[str, Any], setting: str) -> None:
    slack: FakeSlack = world["slack"]
    bot = await world["start"](("UALICE", "UBOB"))
    old, old_space, _ = await file_report(bot, description="Closed before Dave")
    await _close(bot, old, old_space)
    bot.clock.advance(days=1)
    current, current_space, _ = await file_report(bot, description="Open when Dave joins", exclude=["UBOB"])
    assert current_space != COMMITTEE_CHANNEL

    slack.channels[COMMITTEE_CHANNEL].members.add("UDAVE")
    bot.clock.advance(days=1)
    bot = await world["start"](("UALICE", "UBOB", "UDAVE"), new_members_see=setting)
    await bot.drain()
    # Invited to the open case's private space (through the privacy gate) and free to act on it.
    assert "UDAVE" in slack.channels[current_space].members
    assert (await bot.runtime.services.triage.acknowledge(current, "UDAVE", current_space)).ok
    assert "1* open report" in await open_home(bot, "UDAVE")
    history = await bot.runtime.services.triage.history(old, "UDAVE", old_space)
    if setting == "open":
        assert isinstance(history, Result)
        assert "closed before you joined" in history.message
        await press(bot, "UDAVE", "triage_reopen", old)
        assert any("closed before you joined" in t for t in ephemerals(bot, "UDAVE"))
        assert (await stored(bot, old)).state == "closed"
    else:
        assert isinstance(history, TrailPage)
    # The founding members keep reading what they closed.
    assert isinstance(await bot.runtime.services.triage.history(old, "UALICE", old_space), TrailPage)


async def test_a_member_added_later_never_sees_an_earlier_case_they_were_excluded_from(
        world: dict[str, Any]) -> None:
    slack: FakeSlack = world["slack"]
    bot = await world["start"](("UALICE", "UBOB"))
    first, _, _ = await file_report(bot, description="kept from Dave", implicated=["UMALLORY"], exclude=["UDAVE"])
    second, channel, ts = await file_report(bot, user="UWITNESS", description="second", implicated=["UMALLORY"])

    def listing() -> str:
        return " ".join(flatten(m) for m in slack.channels[channel].messages if "Earlier" in flatten(m))

    assert first in listing()
    # Dave joins the committee: the listing his committee reads is edited before he is let in anywhere.
    bot = await world["start"](("UALICE", "UBOB", "UDAVE"))
    await bot.drain()
    await bot.drain()
    assert first not in listing() and "none listed any more" in listing()
    assert (await stored(bot, second)).message_ts == ts
