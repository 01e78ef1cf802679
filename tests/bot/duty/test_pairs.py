"""Facilitators in pairs, on the fake Slack: two on duty in one channel at once, both named, one going off
duty leaves the other on; the first shift brings the facilitator guide, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.bot.duty import rules as decisions
from cocbot.bot.duty.rules import Plan, Refusal
from cocbot.handlers.slack.testing.fake_api import flatten
from tests.bot.duty.support import T0, A, shift
from tests.fakes.slack import FakeSlack
from tests.harness import GENERAL, Harness, make_config

GUIDE = {"text": "Listen first. Never promise confidentiality you cannot keep.",
         "link": "https://example.org/facilitator-guide"}


def test_two_at_once_by_default_and_never_more_than_allowed() -> None:
    config = make_config(duty={"facilitators": ["UFAC1", "UFAC2", "UFAC3"]})
    one = [shift(1, "UFAC1", {A}, 0, 3)]
    assert isinstance(decisions.decide_take("UFAC2", frozenset({A}), timedelta(hours=1), T0, one, config), Plan)
    two = [*one, shift(2, "UFAC2", {A}, 0, 3)]
    refused = decisions.decide_take("UFAC3", frozenset({A}), timedelta(hours=1), T0, two, config)
    assert isinstance(refused, Refusal) and "already on duty" in refused.message
    three = make_config(duty={"facilitators": ["UFAC1", "UFAC2", "UFAC3"], "max_on_duty": 3})
    assert isinstance(decisions.decide_take("UFAC3", frozenset({A}), timedelta(hours=1), T0, two, three), Plan)
    # Never twice the same person.
    assert isinstance(decisions.decide_take("UFAC1", frozenset({A}), timedelta(hours=1), T0, one, config), Refusal)


@pytest.fixture
async def pbot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    for user in ("UFAC1", "UFAC2"):
        slack.add_user(user)
    slack.channels[GENERAL].members.add(slack.bot_user_id)
    harness = Harness(slack, make_config(duty={"facilitators": ["UFAC1", "UFAC2"], "guide": GUIDE}), sqlite_url,
                      clock)
    await harness.start()
    yield harness
    await harness.stop()


async def test_pairs_are_named_together_and_the_guide_comes_once(pbot: Harness, slack: FakeSlack) -> None:
    duty = pbot.runtime.services.duty
    assert (await duty.take("UFAC1", frozenset({GENERAL}), timedelta(hours=2))).ok
    await pbot.drain()
    assert (await duty.take("UFAC2", frozenset({GENERAL}), timedelta(hours=2))).ok
    await pbot.drain()
    announcements = [flatten(m) for m in slack.messages_in(GENERAL) if "facilitator on duty" in flatten(m).lower()]
    assert "UFAC2" in announcements[-1] and "Also on duty here" in announcements[-1] and "UFAC1" in announcements[-1]
    status = await duty.status(GENERAL)
    assert {e.facilitator for e in status.now} == {"UFAC1", "UFAC2"}

    assert (await duty.off("UFAC1")).ok
    status = await duty.status(GENERAL)
    assert [e.facilitator for e in status.now] == ["UFAC2"]

    # The guide: once to each, not again on a later shift.
    pbot.clock.advance(hours=3)
    assert (await duty.take("UFAC1", frozenset({GENERAL}), timedelta(hours=1))).ok
    await pbot.drain()
    for person in ("UFAC1", "UFAC2"):
        guides = [m for m in slack.dms_to(person) if "Never promise confidentiality" in flatten(m)]
        assert len(guides) == 1 and "facilitator-guide" in flatten(guides[0])


async def test_a_call_slot_from_cocbot_calls_brings_the_guide_once_in_their_language(
        slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> None:
    from datetime import datetime, timezone

    from tests.bot.duty.support import WEEKLY

    for user in ("UFAC1", "UFAC2"):
        slack.add_user(user)
    slack.add_user("UFAC3", locale="es-ES")
    config = make_config(duty={"facilitators": ["UFAC1", "UFAC2", "UFAC3"], "guide": GUIDE})
    clock.set(datetime(2026, 3, 30, 9, 0, tzinfo=timezone.utc))
    bot = Harness(slack, config, sqlite_url, clock)
    await bot.start()
    try:
        duty = bot.runtime.services.duty
        results = await duty.import_calendar(WEEKLY, GENERAL, ("UFAC1",))  # the rotation: UFAC1 only
        assert (await duty.assign(results[0].call_id, "2026-03-31 15:00", "UFAC3")).ok
        await duty.materialize()  # the hourly refresh finds the same people: nothing is sent twice
        await bot.drain()
        assert (await duty.assign(results[0].call_id, "2026-04-21 15:00", "UFAC3")).ok
        await bot.drain()
    finally:
        await bot.stop()
    guides = {person: [m for m in slack.dms_to(person) if "Never promise confidentiality" in flatten(m)]
              for person in ("UFAC1", "UFAC2", "UFAC3")}
    assert len(guides["UFAC1"]) == 1 and len(guides["UFAC3"]) == 1 and guides["UFAC2"] == []
    assert "Welcome, and thank you for facilitating" in flatten(guides["UFAC1"][0])
    assert "Welcome, and thank you for facilitating" not in flatten(guides["UFAC3"][0])  # in Spanish
