"""The Discourse tables and flows on SQLite and PostgreSQL alike."""

from __future__ import annotations

from cocbot.bot.clock import ManualClock
from cocbot.handlers.discourse.reconcile import reconcile_once
from tests.fakes.slack import FakeSlack
from tests.handlers.discourse.conftest import _forum_bot


async def test_pm_link_report_dedupe_and_reconcile(slack: FakeSlack, forum, database_url: str,
                                                   clock: ManualClock) -> None:
    bot = await _forum_bot(slack, forum, database_url, clock, committee_space="discourse")
    try:
        await reconcile_once(bot.edge)
        post = await bot.pm("rita")
        status, body = await bot.deliver({"post": post}, "post", "post_created", event_id=999)
        assert body["outcome"] == "duplicate"
        await bot.drain()
        status, page = await bot.submit(bot.link_for("rita"), {"description": "On every database"})
        assert status == 200
        assert (await bot.submit(bot.link_for("rita"), {"description": "again"}))[0] == 410
        forum.user_pm("wanda", "dropped")
        assert await reconcile_once(bot.edge) == 1
        await bot.drain()
        assert forum.who_saw("On every database") == {"alice", "bob", "carol"}
    finally:
        await bot.close()
        await bot.harness.stop()
