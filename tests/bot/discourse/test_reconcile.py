"""The reconciliation books: de-duplication keys, per-topic cursors with a first run that only records,
and forgetting what no retry can need any more."""

from __future__ import annotations

from cocbot.bot.clock import ManualClock
from cocbot.bot.discourse.links import FormLinks
from cocbot.bot.discourse.reconcile import ReconcileBook
from cocbot.storage import discourse as dq
from cocbot.storage.db import Database
from tests.harness import make_config
from tests.handlers.discourse.conftest import discourse_section


async def test_the_first_run_only_records_where_each_topic_stands(db: Database) -> None:
    book = ReconcileBook(db, ManualClock())
    assert await book.baseline({7: 3, 9: 1}) is True
    assert (await book.cursor(7), await book.cursor(9), await book.cursor(11)) == (3, 1, 0)
    assert await book.baseline({7: 10, 11: 4}) is False  # later runs read, they do not skip
    assert (await book.cursor(7), await book.cursor(11)) == (3, 0)
    await book.advance(7, 5)
    await book.advance(7, 4)  # a cursor never goes back
    assert await book.cursor(7) == 5


async def test_old_dedupe_keys_and_dead_links_are_forgotten(db: Database) -> None:
    clock = ManualClock()
    book = ReconcileBook(db, clock)
    config = make_config(discourse=discourse_section("http://forum.invalid"))
    assert config.discourse is not None
    links = FormLinks(db, clock, config.discourse)
    await book.mark("post_created:1:1")
    async with db.transaction() as session:
        await links.create(session, links.token_id(1), "rita")
    assert await book.seen("post_created:1:1")
    clock.advance(days=3)
    await book.mark("post_created:2:1")
    await book.forget_old()
    assert not await book.seen("post_created:1:1")
    assert await book.seen("post_created:2:1")
    async with db.transaction() as session:
        assert await dq.get_token(session, links.token_id(1)) is None
