"""A forum-only community changes its committee: the member who left cannot act on the case, and since the
forum's API cannot take someone out of a private message, the operator is told to do it by hand. On SQLite,
and on PostgreSQL when COCBOT_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import logging

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.bot.config.community import parse_config
from cocbot.bot.discourse.threads import topic_id_of
from cocbot.handlers.discourse.testing.fake_api import FakeDiscourse
from tests.fakes.slack import FakeSlack
from tests.handlers.discourse.conftest import running_bot
from tests.handlers.discourse.test_discourse_only import forum_only, say_in


async def test_a_member_removed_from_a_forum_committee_loses_access(
        slack: FakeSlack, forum: FakeDiscourse, database_url: str, clock: ManualClock,
        caplog: pytest.LogCaptureFixture) -> None:
    async with running_bot(slack, forum, parse_config(forum_only(forum.base_url)), database_url, clock) as bot:
        ref = await bot.report("rita", description="A forum case for the committee")
        await bot.drain()
    config = parse_config(forum_only(forum.base_url, committee=["alice", "carol"]))
    async with running_bot(slack, forum, config, database_url, clock) as bot:
        with caplog.at_level(logging.WARNING, logger="cocbot.operator"):
            await bot.drain()
        assert any(f"still in the private message of {ref}" in r.getMessage() for r in caplog.records)
        topic = topic_id_of((await bot.stored(ref)).space_channel or "")
        assert topic is not None
        assert await say_in(bot, topic, "bob", "ack") == "refused"
        assert await say_in(bot, topic, "alice", "ack") == "triage acknowledge: ok"


async def test_the_history_never_reaches_a_member_who_left_but_is_still_in_the_pm(
        slack: FakeSlack, forum: FakeDiscourse, database_url: str, clock: ManualClock) -> None:
    async with running_bot(slack, forum, parse_config(forum_only(forum.base_url)), database_url, clock) as bot:
        ref = await bot.report("rita", description="A forum case for the committee")
        await bot.drain()
    config = parse_config(forum_only(forum.base_url, committee=["alice", "carol"]))
    async with running_bot(slack, forum, config, database_url, clock) as bot:
        await bot.drain()
        topic = topic_id_of((await bot.stored(ref)).space_channel or "")
        assert topic is not None and "bob" in forum.topics[topic].allowed  # the operator has not removed him yet
        assert await say_in(bot, topic, "alice", "history") == "history: ok"
        # The trail is held like any post about the case while someone who may not read it is in the PM.
        assert not any(f"History of {ref}" in s.text for s in forum.seen if s.user == "bob")
        assert not any(f"History of {ref}" in p["raw"] for p in forum.topics[topic].posts)
