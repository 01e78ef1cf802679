"""Shared steps of the bans tests: a bot with a `bans:` section, a decided ban, events as Slack sends them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from cocbot.bot.clock import ManualClock
from cocbot.handlers.slack.testing.fake_api import FakeSlack
from tests.handlers.slack.triage_support import file_report, modal, press, text_of
from tests.harness import COMMITTEE_CHANNEL, Harness, make_config

EVENTS_CHANNEL = "CEVENTS"
# The modal each decision's submission was answered with (its confirmation), by reference.
CONFIRMED: dict[str, str] = {}


async def start_bot(slack: FakeSlack, url: str, clock: ManualClock, **config: Any) -> Harness:
    slack.add_channel(EVENTS_CHANNEL, {"UOTHER", slack.bot_user_id}, name="events", private=False)
    harness = Harness(slack, make_config(**config), url, clock)
    return await harness.start()


async def decide_ban(bot: Harness, *, subjects: tuple[str, ...] = ("UMALLORY",),
                     channels: tuple[str, ...] = (EVENTS_CHANNEL,), everywhere: tuple[str, ...] = (),
                     until: str | None = "2026-06-30", **report: Any) -> tuple[str, str]:
    """File a report naming UMALLORY, decide a ban on it; returns (ref, committee space)."""
    report.setdefault("implicated", ["UMALLORY"])
    ref, channel, _ = await file_report(bot, description="He kept messaging me after I asked him to stop",
                                        **report)
    await press(bot, "UALICE", "triage_acknowledge", ref)
    await bot.drain()
    values: dict[str, Any] = {"outcome": "temporary_ban" if until else "permanent_ban",
                              "message": "The committee decided on a ban.", "ban_subjects": list(subjects),
                              "ban_channels": list(channels), "ban_everywhere": list(everywhere)}
    if until:
        values["ban_until"] = until
    body = await modal(bot, "UALICE", "triage_decide", ref, values)
    assert body.get("response_action") == "update", body
    CONFIRMED[ref] = str(body["view"])
    await bot.drain()
    return ref, channel


async def joined(bot: Harness, user: str, channel: str) -> None:
    bot.fake.channels[channel].members.add(user)
    resp = await bot.event({"type": "member_joined_channel", "user": user, "channel": channel,
                            "channel_type": "C", "team": "T0FAKE", "event_ts": "1772442000.000100"})
    assert resp.status == 200, resp


async def settle(bot: Harness, done: Callable[[], bool], timeout: float = 5.0) -> None:
    """Deliver what the bot queued after acknowledging an event (Bolt runs listeners after the ack)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await bot.drain()
        if done():
            return
        if loop.time() > deadline:
            raise AssertionError("the expected delivery did not happen")
        await asyncio.sleep(0.02)


def alerts(bot: Harness, channel: str = COMMITTEE_CHANNEL) -> list[str]:
    return [text_of(m) for m in bot.fake.messages_in(channel) if "banned in" in text_of(m)]
