"""A Discourse post re-sent after an attempt whose outcome is unknown says it may repeat an earlier one
(Discourse keeps no metadata to find the earlier post by)."""

from __future__ import annotations

from datetime import datetime, timezone

import aiohttp

from cocbot.bot.messages import Message, Text
from cocbot.handlers.discourse.messenger import MAY_REPEAT, DiscourseMessenger
from cocbot.handlers.discourse.testing.fake_api import API_KEY, BOT, FakeDiscourse


async def test_a_resent_post_says_it_may_repeat_and_a_first_one_does_not(forum: FakeDiscourse) -> None:
    async with aiohttp.ClientSession() as http:
        messenger = DiscourseMessenger(http, forum.base_url, API_KEY, BOT)
        first = await messenger.post("rita", Message(summary="s", blocks=(Text("First attempt"),)),
                                     key="report:1:confirm")
        again = await messenger.post("rita", Message(summary="s", blocks=(Text("Second attempt"),)),
                                     key="report:1:confirm", earlier_since=datetime.now(timezone.utc))
    assert MAY_REPEAT not in forum.posts[int(first.ts)]["raw"]
    assert forum.posts[int(again.ts)]["raw"].endswith(MAY_REPEAT)
