"""A committee channel of thousands is read whole, in pages as large as Slack serves."""

from __future__ import annotations

import aiohttp

from cocbot.handlers.slack.app import build_web_client
from cocbot.handlers.slack.messenger import SlackMessenger
from tests.fakes.slack import FakeSlack


async def test_a_channel_of_5000_members_is_read_whole_in_six_calls(slack: FakeSlack) -> None:
    people = {f"UMEMBER{i:05d}" for i in range(5000)}
    slack.add_channel("CBIG", {*people, slack.bot_user_id}, name="big-committee")
    async with aiohttp.ClientSession() as http:
        members = await SlackMessenger(build_web_client("xoxb-test", slack.base_url, http)).channel_members("CBIG")
    assert members == {*people, slack.bot_user_id}
    calls = slack.calls_to("conversations.members")
    assert len(calls) == 6  # 5,001 members at 999 a page; at Slack's usual 200 it would take 26
    assert all(int(c.params["limit"]) < 1000 for c in calls)
