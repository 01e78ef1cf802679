"""Sent once even across the window between Slack accepting a post and cocbot recording it, and a dead
worker's rows resumed within seconds — on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from cocbot.bot.clock import ManualClock
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.handlers.slack.messenger import MAY_REPEAT, METADATA_EVENT
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.models import OutboxItem
from cocbot.storage.outbox import ClaimedItem
from tests.harness import COMMITTEE_CHANNEL, Harness


def committee_posts(bot: Harness, needle: str) -> list[dict[str, Any]]:
    return [m for m in bot.fake.messages_in(COMMITTEE_CHANNEL) if needle in str(m["blocks"])]


async def the_report(bot: Harness, ref: str) -> Any:
    async with bot.runtime.db.transaction() as session:
        return await reports_q.get_report_by_ref(session, ref)


async def statuses(bot: Harness, kind: str) -> list[str]:
    async with bot.runtime.db.transaction() as session:
        return list((await session.execute(select(OutboxItem.status).where(OutboxItem.kind == kind))).scalars())


async def test_killed_after_slack_accepted_the_post_the_committee_sees_the_report_once(engine_bot: Harness) -> None:
    bot = engine_bot
    ref = await bot.report(description="Posted just before the crash")
    accepted = asyncio.Event()

    async def dies_before_recording(item: ClaimedItem, result: Any) -> None:
        accepted.set()
        await asyncio.Event().wait()  # the process is killed here: nothing after the post is written

    worker = bot.runtime.worker
    worker._record_done = dies_before_recording  # type: ignore[method-assign]
    doomed = asyncio.create_task(worker.run_once())
    await asyncio.wait_for(accepted.wait(), timeout=30)
    doomed.cancel()
    await asyncio.gather(doomed, return_exceptions=True)
    assert len(committee_posts(bot, "Posted just before the crash")) == 1
    assert (await the_report(bot, ref)).message_ts is None  # cocbot never learnt of it

    await bot.restart()  # a new process on the same database
    bot.clock.advance(seconds=61)  # past any lease: this is about the post, not about recovery time
    await bot.drain()

    posts = committee_posts(bot, "Posted just before the crash")
    assert len(posts) == 1, "the report was posted again"
    report = await the_report(bot, ref)
    assert report.message_ts == posts[0]["ts"] and report.delivery_state == "delivered"
    assert posts[0]["metadata"]["event_type"] == METADATA_EVENT
    assert await statuses(bot, "deliver_report") == ["done"]
    assert COMMITTEE_CHANNEL in {c.params["channel"] for c in bot.fake.calls_to("conversations.history")}
    assert len(bot.fake.dms_to("UREPORTER")) == 1


async def test_a_failed_database_write_after_the_post_does_not_post_again(engine_bot: Harness,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    bot = engine_bot
    ref = await bot.report(description="Disk full right after posting")
    real_finish = outbox_q.finish
    disk_full = True

    async def finish(session: Any, item_id: int, **kw: Any) -> None:
        if disk_full:
            raise OSError("disk full")
        await real_finish(session, item_id, **kw)

    monkeypatch.setattr(outbox_q, "finish", finish)
    await bot.drain()
    assert len(committee_posts(bot, "Disk full right after posting")) == 1
    assert len(bot.fake.dms_to("UREPORTER")) == 1
    disk_full = False
    for _ in range(3):
        bot.clock.advance(seconds=400)  # past any backoff
        await bot.drain()
    posts = committee_posts(bot, "Disk full right after posting")
    assert len(posts) == 1, "the report was posted again"
    report = await the_report(bot, ref)
    assert report.message_ts is not None and report.delivery_state == "delivered"
    assert len(bot.fake.dms_to("UREPORTER")) == 1


async def test_without_the_history_scope_a_resent_report_says_it_may_repeat(bot: Harness) -> None:
    await bot.report(description="Maybe twice")
    async with bot.runtime.db.transaction() as session:  # an earlier run claimed it and never settled it
        assert await outbox_q.claim_due(session, owner="gone", now=bot.clock.now(), lease_seconds=15)
    bot.fake.fail("conversations.history", times=1, status=200, error="missing_scope")
    bot.clock.advance(seconds=16)
    await bot.drain()
    posts = committee_posts(bot, "Maybe twice")
    assert len(posts) == 1
    assert "earlier attempt" in posts[0]["text"] and MAY_REPEAT in str(posts[0]["blocks"])


async def test_a_first_attempt_posts_without_looking_back(bot: Harness) -> None:
    await bot.report(description="Plain delivery")
    await bot.drain()
    assert len(committee_posts(bot, "Plain delivery")) == 1
    assert bot.fake.calls_to("conversations.history") == []
    assert "earlier attempt" not in committee_posts(bot, "Plain delivery")[0]["text"]


# ---- recovery after kill -9 ----

async def test_sqlite_a_restart_resumes_what_the_killed_run_held_at_once(bot: Harness) -> None:
    """One replica by design: what an earlier run held, it held when it died. Measured: 0 s of waiting
    (before: the whole 60 s lease)."""
    await bot.report(description="Held by the killed run")
    async with bot.runtime.db.transaction() as session:
        assert await outbox_q.claim_due(session, owner="killed-run", now=bot.clock.now(), lease_seconds=60)
    await bot.restart()
    await bot.drain()  # the clock has not moved
    assert len(committee_posts(bot, "Held by the killed run")) == 1
    assert len(bot.fake.dms_to("UREPORTER")) == 1


async def test_a_live_worker_keeps_its_rows_and_a_dead_ones_are_taken_over_after_one_short_lease(
        database_url: str) -> None:
    """The heartbeat renews the lease of a slow row, so the lease can be short; a replica that dies stops
    renewing and its row is claimable one lease later (15 s by default, measured in manual-clock time)."""
    db = Database(database_url)
    await db.create_schema()
    clock = ManualClock()
    lease = 0.4  # real seconds between beats: lease / 4
    alive = OutboxWorker(db, clock, lease_seconds=lease, owner="alive")
    started = asyncio.Event()

    async def slow(item: ClaimedItem) -> dict[str, Any]:
        started.set()
        await asyncio.Event().wait()
        return {}

    alive.register("slow", slow)
    async with db.transaction() as session:
        await outbox_q.enqueue(session, key="slow:1", kind="slow", now=clock.now())
    working = asyncio.create_task(alive.run_once())
    try:
        await asyncio.wait_for(started.wait(), timeout=30)

        async def lease_until() -> Any:
            async with db.transaction() as session:
                return (await session.execute(select(OutboxItem.lease_until))).scalar_one()

        claimed_until = await lease_until()
        clock.advance(seconds=0.3)
        assert _naive(claimed_until) == _naive(clock.now() - timedelta(seconds=0.3) + timedelta(seconds=lease))
        renewed = clock.now() + timedelta(seconds=lease)
        for _ in range(300):  # wait for a beat (real time), not for a fixed time
            if _naive(await lease_until()) == _naive(renewed):
                break
            await asyncio.sleep(0.05)
        clock.advance(seconds=0.3)  # past the first lease: only the heartbeat keeps the row
        async with db.transaction() as session:
            assert await outbox_q.claim_due(session, owner="other", now=clock.now(), lease_seconds=lease) == []
    finally:
        working.cancel()  # kill -9: no more beats, nothing settled
        await asyncio.gather(working, return_exceptions=True)
    clock.advance(seconds=lease + 0.01)
    async with db.transaction() as session:
        taken = await outbox_q.claim_due(session, owner="other", now=clock.now(), lease_seconds=lease)
    assert [i.key for i in taken] == ["slow:1"] and taken[0].resent
    await db.dispose()


def _naive(value: Any) -> Any:
    return value.replace(tzinfo=None) if value is not None else None
