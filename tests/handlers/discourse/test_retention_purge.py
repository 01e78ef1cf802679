"""A purge in a community on Discourse alone: the private message cocbot started for the case is deleted with
the bot's posts in it (the forum keeps deleted posts for staff unless permanent deletion is on; README),
the reporter's own thread stays and nobody is messaged; Slack is never called."""

from __future__ import annotations

from cocbot.bot.clock import ManualClock
from cocbot.bot.discourse.threads import topic_id_of
from cocbot.storage import reports as reports_q
from tests.handlers.discourse.conftest import ForumBot

MARKER = "PURGEMARKER"


async def test_purge_deletes_the_committee_pm_of_a_forum_only_community(obot: ForumBot, clock: ManualClock) -> None:
    ref = await obot.report("rita", description=f"Bob mocked my accent {MARKER}", implicated="bob")
    await obot.drain()
    report = await obot.stored(ref)
    topic = topic_id_of(report.space_channel or "")
    assert topic is not None and any(MARKER in p["raw"] for p in obot.forum.topics[topic].posts)
    reporter_topics = [t.id for t in obot.forum.pms_with("rita")]
    posts_to_rita = len(obot.forum.bot_posts_to("rita"))
    async with obot.runtime.db.transaction() as s:
        await reports_q.update_report(s, report.id, state="closed", closed_at=clock.now())
    clock.advance(days=731)

    result = await obot.runtime.purge.run()
    assert result.counts["closed_reports"] == 1
    for _ in range(4):  # the deletions are paced, the space closed after them
        clock.advance(seconds=60)
        await obot.drain()

    assert topic not in obot.forum.topics and topic in obot.forum.deleted_topics
    assert not any(MARKER in p["raw"] for p in obot.forum.posts.values())
    assert [c.path for c in obot.forum.calls if c.method == "DELETE"][-1] == f"/t/{topic}.json"
    assert all(t in obot.forum.topics for t in reporter_topics if t != topic)
    assert len(obot.forum.bot_posts_to("rita")) == posts_to_rita
    assert (await obot.stored(ref)).description == ""


async def test_a_forum_report_handled_in_slack_is_deleted_from_slack(fbot_slack_space: ForumBot,
                                                                    clock: ManualClock) -> None:
    bot = fbot_slack_space
    ref = await bot.report("rita", description=f"Bob mocked my accent {MARKER}", implicated="bob")
    await bot.drain()
    report = await bot.stored(ref)
    assert report.platform == "discourse" and report.space_channel and report.message_ts
    assert topic_id_of(report.space_channel) is None  # a Slack channel
    async with bot.runtime.db.transaction() as s:
        await reports_q.update_report(s, report.id, state="closed", closed_at=clock.now())
    clock.advance(days=731)
    assert (await bot.runtime.purge.run()).counts["closed_reports"] == 1
    for _ in range(4):
        clock.advance(seconds=60)
        await bot.drain()
    slack = bot.harness.fake
    assert (report.space_channel, report.message_ts) in {(c.params["channel"], c.params["ts"])
                                                         for c in slack.calls_to("chat.delete")}
    assert not [c for c in bot.forum.calls if c.method == "DELETE"]
