"""Bans enforced on the forum: with an admin key and `bans.enforce: suspend|silence` cocbot restricts the
banned account until the end date and lifts it once the ban ends; otherwise (or when the forum refuses) a
post by the banned person where the ban applies alerts the case's committee PM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.bot.discourse.threads import topic_id_of
from cocbot.handlers.discourse.testing.fake_api import FakeDiscourse
from tests.fakes.slack import FakeSlack
from tests.handlers.discourse.conftest import ForumBot, discourse_section
from tests.handlers.discourse.test_triage_commands import committee_says, replies_in
from tests.harness import Harness, make_config


async def _bot(slack: FakeSlack, forum: FakeDiscourse, url: str, clock: ManualClock, enforce: str) -> ForumBot:
    config = make_config(discourse=discourse_section(forum.base_url, committee_space="discourse"),
                         bans={"enforce": enforce})
    harness = Harness(slack, config, url, clock)
    await harness.start()
    return ForumBot(harness, forum)


@pytest.fixture(params=["alert", "suspend", "silence"])
async def fbot(request: pytest.FixtureRequest, slack: FakeSlack, forum: FakeDiscourse, sqlite_url: str,
               clock: ManualClock) -> AsyncIterator[ForumBot]:
    bot = await _bot(slack, forum, sqlite_url, clock, request.param)
    bot.enforce = request.param  # type: ignore[attr-defined]
    yield bot
    await bot.close()
    await bot.harness.stop()


async def ban(fbot: ForumBot, places: str = "forum") -> tuple[str, Any]:
    ref = await fbot.report("rita", description="He threatened me in a DM", implicated="mallory")
    await fbot.drain()
    assert await committee_says(fbot, ref, "alice", "ack") == "triage acknowledge: ok"
    said = await committee_says(fbot, ref, "bob", f"decide temporary ban\nwho: mallory\nplaces: {places}\n"
                                                 "until: 2026-06-30\nThe person involved is banned for a period.")
    assert said == "triage decide: ok"
    await fbot.drain()
    return ref, topic_id_of((await fbot.stored(ref)).space_channel or "")


async def post_in(fbot: ForumBot, username: str, category: int) -> None:
    post = fbot.forum.public_post(username, "Hello again everyone")
    status, body = await fbot.deliver({"post": {**fbot.forum.webhook_post(post["id"]), "category_id": category}},
                                      "post", "post_created")
    assert status == 200, body
    await fbot.drain()


def alerts(fbot: ForumBot, topic: Any) -> list[str]:
    return [r for r in replies_in(fbot, topic) if "banned in" in r]


async def test_the_forum_restriction_is_applied_and_lifted_once(fbot: ForumBot, clock: ManualClock) -> None:
    enforce: str = fbot.enforce  # type: ignore[attr-defined]
    ref, topic = await ban(fbot)
    calls = [c for c in fbot.forum.calls if c.path.startswith("/admin/users/")]
    if enforce == "alert":
        assert calls == [] and "mallory" not in fbot.forum.restricted
    else:
        assert fbot.forum.restricted["mallory"][enforce].startswith("2026-06-30")
        [call] = calls
        assert call.body["reason"] and ref not in call.body["reason"]  # the account holder reads the reason
    clock.advance(days=130)
    for _ in range(3):
        await fbot.drain()
    ended = [r for r in replies_in(fbot, topic) if "has ended" in r]
    assert len(ended) == 1 and ref in ended[0]
    lifts = [c for c in fbot.forum.calls if c.path.endswith(("unsuspend.json", "unsilence.json"))]
    if enforce == "alert":
        assert lifts == []
    else:
        assert len(lifts) == 1 and lifts[0].path.endswith(f"un{enforce}.json")
        assert enforce not in fbot.forum.restricted["mallory"] and "lifted the forum" in ended[0]


async def test_a_post_by_the_banned_person_where_the_ban_applies_alerts(fbot: ForumBot) -> None:
    ref, topic = await ban(fbot, places="5")
    await post_in(fbot, "mallory", 6)
    await post_in(fbot, "wanda", 5)
    assert alerts(fbot, topic) == []
    await post_in(fbot, "mallory", 5)
    [alert] = alerts(fbot, topic)
    assert ref in alert and "posted where the ban applies" in alert and "category 5" in alert
    assert "mallory" not in {s.user for s in fbot.forum.seen if "banned in" in s.text}


async def test_a_refused_restriction_alerts_instead(slack: FakeSlack, forum: FakeDiscourse, sqlite_url: str,
                                                   clock: ManualClock) -> None:
    forum.admin = False  # the API key is not an admin's
    fbot = await _bot(slack, forum, sqlite_url, clock, "suspend")
    try:
        ref, topic = await ban(fbot)
        [alert] = alerts(fbot, topic)
        assert "could not suspend or silence" in alert and ref in alert
        assert "mallory" not in fbot.forum.restricted
    finally:
        await fbot.close()
        await fbot.harness.stop()
