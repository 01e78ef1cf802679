"""A hung platform call holds up only its own delivery, and every platform call has a real timeout."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from cocbot.bot.runtime import app as runtime_app
from cocbot.bot.messages import Message
from cocbot.bot.messenger import DeliveryError
from cocbot.handlers.discourse.messenger import DiscourseMessenger
from tests.harness import COMMITTEE_CHANNEL, Harness


def committee_posts(harness: Harness, needle: str) -> list[dict[str, Any]]:
    return [m for m in harness.fake.messages_in(COMMITTEE_CHANNEL) if needle in str(m["blocks"])]


async def test_one_hung_post_does_not_hold_up_later_reports(bot: Harness) -> None:
    release = bot.fake.hold("chat.postMessage")
    worker = bot.runtime.worker
    worker.poll_seconds = 600  # only wake-ups may drive it: nothing is found by polling
    await bot.report(description="The hung one")
    worker.start()
    try:
        # The first post is on its way and Slack does not answer it.
        await bot.until(lambda: not bot.fake.holds["chat.postMessage"], timeout=30)
        for i in range(5):
            await bot.report(description=f"Later report {i}")
        await bot.until(lambda: all(committee_posts(bot, f"Later report {i}") for i in range(5)), timeout=30)
        assert all(len(committee_posts(bot, f"Later report {i}")) == 1 for i in range(5))
    finally:
        release.set()
        await worker.stop()


async def test_a_slack_call_over_the_shared_session_times_out(slack: Any, sqlite_url: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk applies its `timeout` only to sessions it creates; the shared one must carry its own."""
    from cocbot.bot.clock import ManualClock
    from tests.harness import make_config

    monkeypatch.setattr(runtime_app, "HTTP_TIMEOUT_SECONDS", 0.5, raising=False)
    harness = Harness(slack, make_config(), sqlite_url, ManualClock())
    await harness.start()
    release = slack.hold("conversations.members")
    try:
        with pytest.raises(DeliveryError) as failed:
            # Without a timeout this waits for the hold (aiohttp's default: 300 s); the outer limit only
            # turns a hang into a failure instead of a stuck test.
            await asyncio.wait_for(harness.runtime.messenger.channel_members(COMMITTEE_CHANNEL), timeout=20)
        assert failed.value.transient
    finally:
        release.set()
        await harness.stop()


async def test_a_discourse_call_times_out() -> None:
    hang = asyncio.Event()

    async def never(request: web.Request) -> web.Response:
        await hang.wait()
        return web.json_response({})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", never)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    http = aiohttp.ClientSession()
    try:
        messenger = DiscourseMessenger(http, f"http://127.0.0.1:{port}", "key", "cocbot", timeout=0.5)
        with pytest.raises(DeliveryError) as failed:
            await asyncio.wait_for(messenger.post("topic:1", Message(summary="hello")), timeout=20)
        assert failed.value.transient
    finally:
        hang.set()
        await http.close()
        await runner.cleanup()
