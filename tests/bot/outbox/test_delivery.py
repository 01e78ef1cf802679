"""Nothing is lost, nothing is sent twice: Slack failures, rate limits and restarts during delivery."""

from __future__ import annotations

from sqlmodel import col

from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from tests.harness import COMMITTEE_CHANNEL, Harness


def committee_posts(bot: Harness, needle: str) -> list[dict]:
    return [m for m in bot.fake.messages_in(COMMITTEE_CHANNEL) if needle in str(m["blocks"])]


async def delivery_state(bot: Harness, ref: str) -> str:
    async with bot.runtime.db.transaction() as session:
        report = await reports_q.get_report_by_ref(session, ref)
    assert report is not None
    return report.delivery_state


async def test_server_errors_are_retried_with_backoff_until_delivered_once(bot: Harness) -> None:
    bot.fake.fail("chat.postMessage", times=3, status=500, error="internal_error")
    ref = await bot.report(description="Retry me")
    await bot.drain()
    assert committee_posts(bot, "Retry me") == []
    assert await delivery_state(bot, ref) == "pending"
    for _ in range(4):
        bot.clock.advance(seconds=5)
        await bot.drain()
    assert len(committee_posts(bot, "Retry me")) == 1
    assert len(bot.fake.dms_to("UREPORTER")) == 1
    assert await delivery_state(bot, ref) == "delivered"


async def test_rate_limit_honours_retry_after(bot: Harness) -> None:
    bot.fake.fail("chat.postMessage", times=1, status=429, error="ratelimited", retry_after=30)
    await bot.report(description="Slow down")

    def delivered() -> int:
        return len([c for c in bot.fake.calls_to("chat.postMessage") if c.response.get("ok")])

    await bot.drain()
    assert delivered() == 1  # the committee post and the reporter's DM; one of them was rate limited
    bot.clock.advance(seconds=29)
    await bot.drain()
    assert delivered() == 1
    bot.clock.advance(seconds=2)
    await bot.drain()
    assert delivered() == 2
    assert len(committee_posts(bot, "Slow down")) == 1 and len(bot.fake.dms_to("UREPORTER")) == 1


async def test_network_failure_is_retried(bot: Harness) -> None:
    bot.fake.fail("chat.postMessage", times=1, disconnect=True)
    await bot.report(description="Flaky network")
    await bot.drain()
    bot.clock.advance(seconds=5)
    await bot.drain()
    assert len(committee_posts(bot, "Flaky network")) == 1


async def test_restart_between_persist_and_delivery_delivers_exactly_once(bot: Harness) -> None:
    ref = await bot.report(description="Survives a restart")
    assert bot.fake.calls_to("chat.postMessage") == []
    await bot.restart()
    await bot.drain()
    await bot.restart()
    await bot.drain()
    assert len(committee_posts(bot, "Survives a restart")) == 1
    assert len(bot.fake.dms_to("UREPORTER")) == 1
    assert await delivery_state(bot, ref) == "delivered"


async def test_a_worker_that_dies_mid_delivery_is_taken_over_after_its_lease(bot: Harness) -> None:
    await bot.report(description="Orphaned delivery")
    async with bot.runtime.db.transaction() as session:
        claimed = await outbox_q.claim_due(session, owner="dead-replica", now=bot.clock.now(), lease_seconds=60)
    assert claimed
    await bot.drain()
    assert committee_posts(bot, "Orphaned delivery") == []
    bot.clock.advance(seconds=61)
    await bot.drain()
    assert len(committee_posts(bot, "Orphaned delivery")) == 1


async def test_private_space_is_created_once_even_when_inviting_fails(bot: Harness) -> None:
    bot.fake.fail("conversations.invite", times=2, status=503, error="service_unavailable")
    await bot.report(description="Invite trouble", implicated=["UALICE"])
    for _ in range(4):
        await bot.drain()
        bot.clock.advance(seconds=5)
    assert len([c for c in bot.fake.calls_to("conversations.create") if c.response.get("ok")]) == 1
    assert bot.fake.who_saw("Invite trouble") == {"UBOB", "UCAROL"}


async def test_archived_committee_channel_moves_the_report_to_a_private_space(bot: Harness) -> None:
    bot.fake.channels[COMMITTEE_CHANNEL].is_archived = True
    await bot.report(description="Archived channel")
    await bot.drain()
    assert bot.fake.who_saw("Archived channel") == {"UALICE", "UBOB", "UCAROL"}


async def test_permanent_failure_is_recorded_without_content(bot: Harness) -> None:
    bot.fake.fail("chat.postMessage", times=1, status=200, error="invalid_blocks")
    await bot.report(description="Permanent failure text")
    await bot.drain()
    async with bot.runtime.db.transaction() as session:
        counts = await outbox_q.counts(session)
    assert counts.get("failed") == 1
    from sqlalchemy import select

    from cocbot.storage.models import OutboxItem

    async with bot.runtime.db.transaction() as session:
        errors = (await session.execute(select(col(OutboxItem.last_error), col(OutboxItem.payload_sealed)))).all()
    assert not any("Permanent failure text" in str(row) for row in errors)
