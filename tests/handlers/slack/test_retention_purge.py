"""A purge seen from Slack: the bot's own posts about the case in committee spaces are deleted and the private
channel it opened is archived, through the outbox; the reporter's DMs stay and the reporter is told nothing."""

from __future__ import annotations

import logging

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.storage import reports as reports_q
from tests.handlers.slack.triage_support import file_report, modal, stored, text_of
from tests.fakes.slack import FakeSlack
from tests.harness import COMMITTEE_CHANNEL, Harness, make_config

MARKER = "PURGEMARKER"


async def test_purge_deletes_the_bots_posts_and_archives_the_private_space(bot: Harness, clock: ManualClock) -> None:
    ref, channel, ts = await file_report(bot, description=f"Something happened {MARKER}", exclude=["UCAROL"])
    report = await stored(bot, ref)
    assert report.space_kind == "private_space" and channel != COMMITTEE_CHANNEL
    await modal(bot, "UALICE", "triage_note", ref, {"text": f"A note {MARKER}"})
    await bot.drain()
    ours = [m["ts"] for m in bot.fake.messages_in(channel) if m["user"] == bot.fake.bot_user_id]
    assert ts in ours and len(ours) >= 2
    assert any(MARKER in text_of(m) for m in bot.fake.messages_in(channel))
    reporter_dms = len(bot.fake.dms_to("UREPORTER"))
    async with bot.runtime.db.transaction() as s:
        await reports_q.update_report(s, report.id, state="closed", closed_at=clock.now())
    clock.advance(days=731)

    purge = bot.runtime.purge
    assert purge is not None
    result = await purge.run()
    assert result.counts["closed_reports"] == 1 and result.deletions_queued >= 3
    for _ in range(4):  # the deletions are paced, the space closed after them
        clock.advance(seconds=60)
        await bot.drain()

    deleted = {(c.params["channel"], c.params["ts"]) for c in bot.fake.calls_to("chat.delete")}
    assert {(channel, t) for t in ours} <= deleted
    assert not any(MARKER in text_of(m) for m in bot.fake.messages_in(channel))
    assert [c.params["channel"] for c in bot.fake.calls_to("conversations.archive")] == [channel]
    assert bot.fake.channels[channel].is_archived
    # Archived after the deletions, which Slack would refuse in an archived channel.
    order = [c.method for c in bot.fake.calls if c.method in ("chat.delete", "conversations.archive")]
    assert order[-1] == "conversations.archive"
    assert len(bot.fake.dms_to("UREPORTER")) == reporter_dms
    assert (await stored(bot, ref)).description == ""


async def test_a_report_in_the_committee_channel_loses_its_posts_but_the_channel_stays(
        bot: Harness, clock: ManualClock) -> None:
    ref, channel, ts = await file_report(bot, description=f"Something happened {MARKER}")
    assert channel == COMMITTEE_CHANNEL
    report = await stored(bot, ref)
    async with bot.runtime.db.transaction() as s:
        await reports_q.update_report(s, report.id, state="closed", closed_at=clock.now())
    clock.advance(days=731)
    assert bot.runtime.purge is not None
    await bot.runtime.purge.run()
    for _ in range(4):  # the deletions are paced, the space closed after them
        clock.advance(seconds=60)
        await bot.drain()
    assert (channel, ts) in {(c.params["channel"], c.params["ts"]) for c in bot.fake.calls_to("chat.delete")}
    assert bot.fake.calls_to("conversations.archive") == []
    assert not bot.fake.channels[COMMITTEE_CHANNEL].is_archived


async def test_never_is_allowed_with_a_warning_at_every_start(slack: FakeSlack, sqlite_url: str, clock: ManualClock,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    harness = Harness(slack, make_config(retention={"closed_reports": "never"}), sqlite_url, clock)
    with caplog.at_level(logging.WARNING, logger="cocbot"):
        await harness.start()
    try:
        assert any("closed_reports is never" in r.getMessage() for r in caplog.records)
        ref, _, _ = await file_report(harness, description=f"Something happened {MARKER}")
        report = await stored(harness, ref)
        async with harness.runtime.db.transaction() as s:
            await reports_q.update_report(s, report.id, state="closed", closed_at=clock.now())
        clock.advance(days=5000)
        assert harness.runtime.purge is not None
        assert (await harness.runtime.purge.run()).total == 0
        assert (await stored(harness, ref)).description.startswith("Something happened")
    finally:
        await harness.stop()
