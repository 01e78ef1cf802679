"""On-duty call/shift announcements copied into a Discourse topic (`duty.discourse_topics`), end to end
against the fake Slack and the fake forum (every request checked against Discourse's OpenAPI document)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.handlers.discourse.testing.fake_api import FakeDiscourse, readable
from cocbot.handlers.slack.testing.fake_api import flatten
from tests.bot.duty.support import WEEKLY
from tests.fakes.discourse_specs import check_request, check_response
from tests.fakes.specs import spec_file
from tests.fakes.slack import FakeSlack
from tests.handlers.discourse.conftest import IDENTITIES, discourse_section
from tests.handlers.slack.test_onduty import CALLS, COC, EVENTS, UTC
from tests.harness import Harness, make_config


class Bot:
    def __init__(self, harness: Harness, forum: FakeDiscourse, topic: int) -> None:
        self.harness, self.forum, self.topic = harness, forum, topic

    def slack_posts(self, channel: str) -> list[str]:
        return [flatten({"t": m["text"], "b": m["blocks"]}) for m in self.harness.fake.messages_in(channel)]

    def topic_posts(self) -> list[str]:
        return [readable(p["raw"]) for p in self.forum.topics[self.topic].posts if p["username"] == self.forum.bot]

    def raw_topic_posts(self) -> list[str]:
        return [p["raw"] for p in self.forum.topics[self.topic].posts if p["username"] == self.forum.bot]

    async def drain(self) -> None:
        await self.harness.drain()

    async def restart(self) -> None:
        await self.harness.restart()


async def start(slack: FakeSlack, forum: FakeDiscourse, url: str, clock: ManualClock,
                topics: dict[str, Any] | None = None) -> Bot:
    for user in ("UFAC1", "UFAC2"):
        slack.add_user(user)
    slack.add_channel(CALLS, {"UFAC1", "UFAC2", "UOTHER", slack.bot_user_id}, name="community-calls", private=False)
    slack.add_channel(EVENTS, {"UFAC1", "UOTHER", slack.bot_user_id}, name="events", private=False)
    # The forum's public topic where the community talks about its calls; wanda started it.
    topic = forum.public_post("wanda", "Community calls: agenda and links")["topic_id"]
    mapping = {k: (topic if v is None else v) for k, v in (topics or {CALLS: None}).items()}
    config = make_config(
        duty={"facilitators": ["UFAC1", "UFAC2"], "discourse_topics": mapping},
        community={"name": "Carpentries", "code_of_conduct_url": COC},
        discourse=discourse_section(forum.base_url, identities={**IDENTITIES, "UFAC1": "fiona"}))
    harness = Harness(slack, config, url, clock)
    await harness.start()
    return Bot(harness, forum, topic)


@pytest.fixture
async def bot(slack: FakeSlack, forum: FakeDiscourse, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Bot]:
    b = await start(slack, forum, sqlite_url, clock)
    yield b
    await b.harness.stop()


async def import_weekly(bot: Bot) -> None:
    results = await bot.harness.runtime.services.duty.import_calendar(WEEKLY, CALLS, ("UFAC1", "UFAC2"))
    assert len(results) == 1


def topic_requests(forum: FakeDiscourse, topic: int) -> list[Any]:
    return [c for c in forum.calls_to("POST", "/posts.json") if isinstance(c.body, dict)
            and c.body.get("topic_id") == topic]


async def test_a_call_is_announced_once_in_slack_and_once_in_its_topic_across_a_restart(
        bot: Bot, clock: ManualClock) -> None:
    spec_file("discourse", "openapi.json")  # every request below is checked against it
    clock.set(datetime(2026, 3, 31, 14, 0, tzinfo=UTC))
    await import_weekly(bot)
    await bot.drain()
    assert bot.slack_posts(CALLS) == [] and bot.topic_posts() == []  # not before the call starts
    clock.set(datetime(2026, 3, 31, 15, 0, tzinfo=UTC))
    await bot.drain()
    [slack_post] = bot.slack_posts(CALLS)
    [forum_post] = bot.topic_posts()
    assert "Community call is starting" in slack_post and "Community call is starting" in forum_post
    # Named by forum username (identity map), never by Slack id; the end in each reader's own time zone.
    assert "fiona (forum username)" in forum_post and "UFAC1" not in forum_post
    assert '[date=2026-03-31 time=16:00:00 timezone="UTC"]' in bot.raw_topic_posts()[0]
    assert "private report form" in forum_post and COC in forum_post and "/report" not in forum_post
    # A reply in the topic (not a new topic or PM), and a request Discourse's published spec accepts.
    [request] = topic_requests(bot.forum, bot.topic)
    assert set(request.body) == {"topic_id", "raw"} and request.status == 200
    assert check_request(request.method, request.path, request.query, request.body, request.headers) == []
    assert check_response(request.method, request.path, request.status, request.response) == []
    # Everyone can read a public topic: the announcement holds nothing of any report.
    assert "wanda" in bot.forum.who_saw("Community call is starting")

    clock.set(datetime(2026, 3, 31, 15, 20, tzinfo=UTC))
    await bot.restart()  # start-up materialises the calls again
    await bot.drain()
    await bot.harness.runtime.services.duty.materialize()
    await bot.drain()
    assert len(bot.slack_posts(CALLS)) == 1 and len(bot.topic_posts()) == 1
    assert len(topic_requests(bot.forum, bot.topic)) == 1


async def test_the_topic_copy_is_retried_on_its_own_without_repeating_slack(bot: Bot, clock: ManualClock) -> None:
    clock.set(datetime(2026, 3, 31, 14, 0, tzinfo=UTC))
    await import_weekly(bot)
    bot.forum.fail("POST /posts.json", status=429, retry_after=30)
    bot.forum.fail("POST /posts.json", status=502)
    bot.forum.fail("POST /posts.json", disconnect=True)
    clock.set(datetime(2026, 3, 31, 15, 0, tzinfo=UTC))
    await bot.drain()
    assert len(bot.slack_posts(CALLS)) == 1 and bot.topic_posts() == []
    await bot.restart()  # nothing is lost across a restart while the forum is unwell
    for _ in range(6):
        clock.advance(seconds=120)
        await bot.drain()
    assert [c.status for c in topic_requests(bot.forum, bot.topic)] == [429, 502, 0, 200]
    assert len(bot.slack_posts(CALLS)) == 1 and len(bot.topic_posts()) == 1


async def test_a_call_that_ends_while_the_forum_is_down_is_not_announced_late(bot: Bot, clock: ManualClock) -> None:
    clock.set(datetime(2026, 3, 31, 14, 0, tzinfo=UTC))
    await import_weekly(bot)
    bot.forum.fail("POST /posts.json", times=50, status=503)
    clock.set(datetime(2026, 3, 31, 15, 0, tzinfo=UTC))
    await bot.drain()
    bot.forum.faults.clear()
    clock.set(datetime(2026, 3, 31, 16, 30, tzinfo=UTC))
    await bot.drain()
    assert bot.topic_posts() == [] and len(bot.slack_posts(CALLS)) == 1


async def test_channels_without_a_topic_stay_in_slack(bot: Bot, clock: ManualClock) -> None:
    await bot.harness.runtime.services.duty.take("UFAC1", frozenset({EVENTS}), timedelta(hours=1))
    await bot.drain()
    assert len(bot.slack_posts(EVENTS)) == 1 and bot.topic_posts() == []


async def test_shifts_and_handovers_reach_the_star_topic_once(
        slack: FakeSlack, forum: FakeDiscourse, sqlite_url: str, clock: ManualClock) -> None:
    b = await start(slack, forum, sqlite_url, clock, topics={"*": None})
    try:
        duty = b.harness.runtime.services.duty
        # One shift over two channels: announced in each Slack channel, once in the topic.
        await duty.take("UFAC1", frozenset({CALLS, EVENTS}), timedelta(hours=2))
        await b.drain()
        assert len(b.slack_posts(CALLS)) == 1 and len(b.slack_posts(EVENTS)) == 1
        [shift] = b.topic_posts()
        assert "**On duty**: fiona (forum username)" in shift and "UFAC1" not in shift
        assert '[date=2026-03-02 time=11:00:00 timezone="UTC"]' in b.raw_topic_posts()[0]
        # Handed over to someone without a forum account: said so, without their Slack id.
        await duty.handover("UFAC1", "UFAC2", CALLS)
        await b.drain()
        assert len(b.topic_posts()) == 2
        handover = b.topic_posts()[1]
        assert "handover" in handover and "fiona (forum username)" in handover and "UFAC2" not in handover
        # A shift covering every channel reaches "*" although no Slack channel announces it.
        clock.advance(hours=3)
        await duty.take("UFAC2", frozenset(), timedelta(hours=1))
        await b.drain()
        assert len(b.topic_posts()) == 3 and "reachable on Slack" in b.topic_posts()[2]
        await b.restart()
        await b.drain()
        assert len(b.topic_posts()) == 3
    finally:
        await b.harness.stop()


async def test_once_each_across_a_restart_on_both_engines(
        slack: FakeSlack, forum: FakeDiscourse, database_url: str, clock: ManualClock) -> None:
    b = await start(slack, forum, database_url, clock)
    try:
        clock.set(datetime(2026, 3, 31, 14, 0, tzinfo=UTC))
        await import_weekly(b)
        clock.set(datetime(2026, 3, 31, 15, 0, tzinfo=UTC))
        await b.drain()
        await b.restart()
        await b.drain()
        assert len(b.slack_posts(CALLS)) == 1 and len(b.topic_posts()) == 1
    finally:
        await b.harness.stop()
