"""Danger = yes pages people at once, on the fake Slack: every facilitator on duty where it happened and every
committee member who may read the report, never anyone implicated or excluded; pages repeat every 15 minutes,
round the clock, until someone presses "I'm on it"; at the deadline the escalation contact is paged too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.handlers.slack.testing.fake_api import flatten
from tests.fakes.slack import FakeSlack
from tests.harness import ESCALATION, GENERAL, MEMBERS, Harness, make_config

SECRET = "he is following her to the hotel"
FACILITATOR = "UFACIL"
RESOURCES = [{"name": "Venue security", "reach": "+1 555 0100, desk by the main entrance", "channels": [GENERAL]},
             {"name": "Emergency services", "reach": "911"},
             {"name": "Other city hotline", "reach": "0800 000", "calls": ["Somewhere else"]}]


def config(**overrides: Any) -> Any:
    return make_config(safety={"resources": RESOURCES, "acknowledge_within": "1h"},
                       duty={"facilitators": [FACILITATOR]}, **overrides)


@pytest.fixture
async def sbot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    slack.add_user(FACILITATOR)
    harness = Harness(slack, config(), sqlite_url, clock)
    await harness.start()
    yield harness
    await harness.stop()


def pages(slack: FakeSlack, user: str, ref: str) -> list[str]:
    return [t for t in (flatten(m) for m in slack.dms_to(user)) if ref in t and "danger" in t]


async def on_duty(bot: Harness) -> None:
    reply = await bot.runtime.services.duty.take(FACILITATOR, frozenset({GENERAL}), timedelta(hours=3))
    assert reply.ok, reply.text


async def test_danger_pages_the_facilitator_on_duty_and_the_committee_at_once(sbot: Harness, slack: FakeSlack) -> None:
    await on_duty(sbot)
    ref = await sbot.report(description=SECRET, danger="yes", implicated=["UMALLORY"])
    await sbot.drain()
    for person in (FACILITATOR, *MEMBERS):
        [page] = pages(slack, person, ref)
        assert "Venue security" in page and "+1 555 0100" in page and "911" in page
        assert "Other city hotline" not in page  # for another call only
        assert SECRET not in page
    assert pages(slack, ESCALATION, ref) == []
    assert slack.who_saw(SECRET) <= set(MEMBERS)  # the report itself: the committee space only
    # The page carries the "I'm on it" button.
    [msg] = [m for m in slack.dms_to(FACILITATOR) if ref in flatten(m) and "danger" in flatten(m)]
    assert "safety_ack" in str(msg.get("blocks"))


async def test_nobody_implicated_or_excluded_is_paged(sbot: Harness, slack: FakeSlack) -> None:
    await on_duty(sbot)
    ref = await sbot.report(description=SECRET, danger="yes", implicated=[FACILITATOR], exclude=["UBOB"])
    await sbot.drain()
    assert pages(slack, FACILITATOR, ref) == [] and pages(slack, "UBOB", ref) == []
    assert len(pages(slack, "UALICE", ref)) == 1 and len(pages(slack, "UCAROL", ref)) == 1
    sbot.clock.advance(hours=2)
    await sbot.drain()
    assert pages(slack, FACILITATOR, ref) == [] and pages(slack, "UBOB", ref) == []


async def test_pages_repeat_every_15_minutes_until_someone_is_on_it(sbot: Harness, slack: FakeSlack) -> None:
    # Saturday 03:00: round the clock, no working hours.
    sbot.clock.set(datetime(2026, 3, 7, 3, 0, tzinfo=timezone.utc))
    await on_duty(sbot)
    ref = await sbot.report(description=SECRET, danger="yes")
    await sbot.drain()
    assert len(pages(slack, "UALICE", ref)) == 1
    sbot.clock.advance(minutes=14)
    await sbot.drain()
    assert len(pages(slack, "UALICE", ref)) == 1
    sbot.clock.advance(minutes=1)
    await sbot.drain()
    assert len(pages(slack, "UALICE", ref)) == 2 and len(pages(slack, FACILITATOR, ref)) == 2
    sbot.clock.advance(minutes=15)
    await sbot.drain()
    assert len(pages(slack, "UALICE", ref)) == 3

    # Someone not paged cannot silence the pages.
    await sbot.click("UOTHER", "safety_ack", ref)
    await sbot.drain()
    sbot.clock.advance(minutes=15)
    await sbot.drain()
    assert len(pages(slack, "UALICE", ref)) == 4

    await sbot.click(FACILITATOR, "safety_ack", ref)
    await sbot.drain()
    for member in MEMBERS:
        assert any("Someone is on it" in flatten(m) and FACILITATOR in flatten(m) for m in slack.dms_to(member))
    assert any("responding to your report" in flatten(m) for m in slack.dms_to("UREPORTER"))
    sbot.clock.advance(hours=3)
    await sbot.drain()
    assert len(pages(slack, "UALICE", ref)) == 4 and len(pages(slack, FACILITATOR, ref)) == 4
    # A second click is told someone is already on it, and changes nothing.
    await sbot.click("UBOB", "safety_ack", ref)
    await sbot.drain()
    assert not any("Someone is on it" in flatten(m) and "UBOB" in flatten(m) for m in slack.dms_to("UALICE"))


async def test_at_the_deadline_the_escalation_contact_is_paged(sbot: Harness, slack: FakeSlack) -> None:
    ref = await sbot.report(description=SECRET, danger="yes")
    await sbot.drain()
    sbot.clock.advance(minutes=45)
    await sbot.drain()
    assert not any(ref in flatten(m) for m in slack.dms_to(ESCALATION))
    sbot.clock.advance(minutes=15)
    await sbot.drain()
    assert any("Nobody has answered the danger page" in flatten(m) for m in slack.dms_to(ESCALATION))
    await sbot.click(ESCALATION, "safety_ack", ref)
    await sbot.drain()
    assert any("Someone is on it" in flatten(m) for m in slack.dms_to("UALICE"))


async def test_no_danger_no_pages(sbot: Harness, slack: FakeSlack) -> None:
    await on_duty(sbot)
    ref = await sbot.report(description=SECRET, danger="no")
    await sbot.drain()
    assert all(pages(slack, p, ref) == [] for p in (FACILITATOR, *MEMBERS))
