"""App Home end to end: published on app_home_opened, per viewer, and never with report content."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.handlers import slack as slack_handlers
from cocbot.handlers.slack.testing.fake_api import flatten
from tests.fakes.slack import FakeSlack
from tests.handlers.slack.test_onduty import CALLS, duty_config, onduty
from tests.harness import Harness
from tests.test_manifest import MANIFEST


@pytest.fixture
async def home_bot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    for user in ("UFAC1", "UFAC2"):
        slack.add_user(user)
    slack.add_channel(CALLS, {"UFAC1", "UFAC2", "UOTHER", slack.bot_user_id}, name="community-calls", private=False)
    harness = Harness(slack, duty_config(), sqlite_url, clock)
    await harness.start()
    yield harness
    await harness.stop()


async def open_home(bot: Harness, user: str) -> str:
    before = len(bot.fake.calls_to("views.publish"))
    resp = await bot.event({"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home",
                            "event_ts": "1700000000.000100"})
    assert resp.status == 200
    await bot.until(lambda: len(bot.fake.calls_to("views.publish")) > before)
    call = bot.fake.calls_to("views.publish")[-1]
    assert call.params["user_id"] == user and call.response["ok"]
    assert call.params["view"]["type"] == "home"
    return flatten(call.params["view"])


def test_manifest_subscribes_to_app_home_opened_and_enables_the_tab() -> None:
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert set(slack_handlers.EVENTS) <= events and "app_home_opened" in events
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert "/onduty" in {c["command"] for c in MANIFEST["features"]["slash_commands"]}


async def test_everyone_sees_who_is_on_duty_and_how_to_report(home_bot: Harness) -> None:
    await onduty(home_bot, "UFAC1", CALLS, "take 2h")
    home = await open_home(home_bot, "UOTHER")
    assert "/report" in home and "<@UFAC1>" in home and "<#CCALLS>" in home and "<!date^" in home
    assert "Your shifts" not in home and "Committee" not in home


async def test_facilitator_sees_their_upcoming_shifts(home_bot: Harness) -> None:
    await onduty(home_bot, "UFAC1", CALLS, "schedule <@UFAC2> <#CCALLS> tomorrow 10:00 2h")
    home = await open_home(home_bot, "UFAC2")
    assert "Your shifts" in home and "<@UFAC2>" in home
    assert "no shifts or calls coming up" in await open_home(home_bot, "UFAC1")


async def test_committee_sees_counts_and_references_only_for_reports_they_may_read(
        home_bot: Harness, clock: ManualClock) -> None:
    bot = home_bot
    ref1 = await bot.report(description="Secret account number one")
    ref2 = await bot.report(description="Secret account number two, keep Bob out", exclude=["UBOB"])
    await bot.drain()
    clock.advance(hours=20)  # 4 hours before the 24-hour acknowledgement deadline: near
    alice = await open_home(bot, "UALICE")
    assert "*2* open reports" in alice and ref1 in alice and ref2 in alice and "acknowledge" in alice
    bob = await open_home(bot, "UBOB")
    assert "*1* open report you" in bob and ref1 in bob and ref2 not in bob
    clock.advance(hours=5)
    assert ":red_circle:" in await open_home(bot, "UALICE")
    assert bot.fake.who_saw("Secret account") <= {"UALICE", "UBOB", "UCAROL"}
    assert "UBOB" not in bot.fake.who_saw("keep Bob out")
    for call in bot.fake.calls_to("views.publish"):
        assert "Secret account" not in flatten(call.params["view"])
    other = await open_home(bot, "UOTHER")
    assert ref1 not in other and "open report" not in other


async def test_messages_tab_publishes_nothing(home_bot: Harness) -> None:
    await home_bot.event({"type": "app_home_opened", "user": "UOTHER", "channel": "DUOTHER", "tab": "messages",
                          "event_ts": "1700000000.000200"})
    await home_bot.drain()
    assert home_bot.fake.calls_to("views.publish") == []


async def test_home_for_a_call_shows_its_facilitator(home_bot: Harness, clock: ManualClock) -> None:
    from datetime import datetime, timezone

    from tests.bot.duty.support import WEEKLY

    clock.set(datetime(2026, 3, 31, 15, 10, tzinfo=timezone.utc))
    await home_bot.runtime.services.duty.import_calendar(WEEKLY, CALLS, ("UFAC1",))
    home = await open_home(home_bot, "UOTHER")
    assert "Community call" in home and "<@UFAC1>" in home
