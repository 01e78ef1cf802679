"""The operator's start-up warnings name the real cause: the bot not invited, or Slack out of reach."""

from __future__ import annotations

import contextlib
import logging
import socket

import aiohttp
import pytest

from cocbot.handlers.slack.app import build_web_client, check_committee_setup
from cocbot.handlers.slack.messenger import SlackMessenger
from tests.fakes.slack import FakeSlack
from tests.harness import make_config


async def run_check(base_url: str) -> None:
    async with aiohttp.ClientSession() as http:
        client = build_web_client("xoxb-test", base_url, http)
        fatal: list[str] = []
        await check_committee_setup(SlackMessenger(client), client, make_config(), fatal.append, delays=(0.0,) * 3)
        assert fatal == []


async def test_a_bot_outside_the_committee_channel_is_told_to_invite_it(
        slack: FakeSlack, caplog: pytest.LogCaptureFixture) -> None:
    config = make_config()
    slack.channels[config.committee.channel].members.discard(slack.bot_user_id)
    with caplog.at_level(logging.WARNING, logger="cocbot.operator"):
        await run_check(slack.base_url)
    assert "the bot is not in the committee channel" in caplog.text and "invite the bot" in caplog.text
    assert "unreachable" not in caplog.text


async def test_slack_out_of_reach_is_named_as_such_not_as_a_missing_invitation(
        caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    # Bound and never listening for the whole test: connections are refused, and no other test's server
    # (pytest-xdist) can be handed the port meanwhile.
    with socket.socket() as s, caplog.at_level(logging.WARNING, logger="cocbot.operator"):
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        task = asyncio.create_task(run_check(f"http://127.0.0.1:{port}/api/"))
        for _ in range(600):  # keeps retrying while Slack is out of reach; three attempts are enough here
            if caplog.text.count("Slack unreachable") >= 3:
                break
            await asyncio.sleep(0.05)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert caplog.text.count("Slack unreachable") >= 3, caplog.text
    assert "is checked once it answers" in caplog.text and "invite the bot" not in caplog.text
