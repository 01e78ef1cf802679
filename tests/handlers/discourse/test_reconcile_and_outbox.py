"""Nothing is lost: a dropped webhook is caught by pulling; Discourse errors are retried via the outbox."""

from __future__ import annotations

import re

from cocbot.bot.clock import ManualClock
from cocbot.handlers.discourse.reconcile import reconcile_once
from cocbot.handlers.discourse.testing.fake_api import readable
from cocbot.storage import outbox as outbox_q
from tests.handlers.discourse.conftest import ForumBot


async def test_reconciliation_catches_a_dropped_webhook_once(fbot: ForumBot) -> None:
    fbot.forum.user_pm("wanda", "an old message from before cocbot was installed")
    assert await reconcile_once(fbot.edge) == 0  # first run: baseline only, old PMs are not answered
    post = fbot.forum.user_pm("rita", "please, I need to report")  # its webhook never arrives
    assert await reconcile_once(fbot.edge) == 1
    await fbot.drain()
    assert len([t for t in fbot.forum.bot_posts_to("rita") if "/discourse/report/" in t]) == 1
    assert fbot.forum.bot_posts_to("wanda") == []
    # The late webhook, and the next pull, change nothing.
    status, body = await fbot.deliver({"post": post}, "post", "post_created")
    assert body["outcome"] == "duplicate"
    assert await reconcile_once(fbot.edge) == 0
    await fbot.drain()
    assert len([t for t in fbot.forum.bot_posts_to("rita") if "/discourse/report/" in t]) == 1


async def test_reconciliation_catches_a_reply_that_adds_information(fbot: ForumBot) -> None:
    await reconcile_once(fbot.edge)
    ref = await fbot.report("rita", description="The first part")
    await fbot.drain()
    await reconcile_once(fbot.edge)  # the bot's own posts move the cursors and answer nothing
    confirmation = next(t for t in fbot.forum.pms_with("rita")
                        if any(ref in readable(p["raw"]) and "received" in p["raw"] for p in t.posts))
    fbot.forum.user_pm("rita", "And the second part", topic_id=confirmation.id)  # webhook dropped
    assert await reconcile_once(fbot.edge) == 1
    await fbot.drain()
    assert fbot.forum.who_saw("And the second part") == {"rita", "alice", "bob", "carol"}
    assert any(f"added to report {ref}" in t for t in fbot.forum.bot_posts_to("rita"))


async def test_a_reply_from_someone_else_in_the_reporters_thread_is_not_added(fbot: ForumBot) -> None:
    ref = await fbot.report("rita", description="Only mine")
    await fbot.drain()
    confirmation = next(t for t in fbot.forum.pms_with("rita") if any(ref in readable(p["raw"]) for p in t.posts))
    fbot.forum.add_user("wanda")
    confirmation.allowed.add("wanda")
    post = fbot.forum.user_pm("wanda", "Sneaky addition", topic_id=confirmation.id)
    await fbot.deliver({"post": post}, "post", "post_created")
    await fbot.drain()
    assert fbot.forum.who_saw("Sneaky addition") - {"rita", "wanda"} == set()


async def test_rate_limits_server_errors_and_timeouts_are_retried(fbot: ForumBot, clock: ManualClock) -> None:
    fbot.forum.fail("POST /posts.json", status=429, retry_after=30)
    fbot.forum.fail("POST /posts.json", status=502)
    fbot.forum.fail("POST /posts.json", disconnect=True)
    await fbot.pm("rita")
    await fbot.drain()
    assert fbot.forum.bot_posts_to("rita") == []
    async with fbot.runtime.db.transaction() as session:
        due = await outbox_q.next_due_at(session)
    assert due is not None and (due - clock.now()).total_seconds() >= 29  # Retry-After honoured
    for _ in range(6):
        clock.advance(seconds=400)
        await fbot.drain()
    statuses = [c.status for c in fbot.forum.calls_to("POST", "/posts.json")]
    assert statuses[:3] == [429, 502, 0] and statuses[3] == 200
    assert len([t for t in fbot.forum.bot_posts_to("rita") if "/discourse/report/" in t]) == 1


async def test_reports_survive_a_restart_while_discourse_is_down(fbot: ForumBot, clock: ManualClock) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    link = fbot.link_for("rita")
    fbot.forum.fail("POST /posts.json", times=20, status=503)
    fbot.forum.fail("GET /t/external_id", times=20, status=503)
    status, page = await fbot.submit(link, {"description": "Filed while the forum was down"})
    assert status == 200
    ref = re.search(r"R-\d{4}", page).group(0)  # type: ignore[union-attr]
    await fbot.drain()
    assert fbot.forum.who_saw("Filed while the forum") == set()
    fbot.forum.faults.clear()
    await fbot.harness.restart()
    clock.advance(seconds=600)
    await fbot.drain()
    assert fbot.forum.who_saw("Filed while the forum") == {"alice", "bob", "carol"}
    assert (await fbot.stored(ref)).delivery_state == "delivered"


async def test_a_wrong_api_key_fails_without_retrying_forever(fbot: ForumBot) -> None:
    fbot.forum.api_key = "rotated"
    await fbot.pm("rita")
    await fbot.drain()
    async with fbot.runtime.db.transaction() as session:
        assert (await outbox_q.counts(session)).get("failed") == 1


async def test_a_flag_whose_webhook_was_lost_is_filed_by_polling_once(fbot: ForumBot) -> None:
    from cocbot.handlers.discourse.reconcile import reconcile_flags

    for i in range(60):  # more than one page of latest posts: the flagged one is on the second
        fbot.forum.public_post("wanda", f"ordinary post {i}")
    flagged = fbot.forum.public_post("mallory", "Go back to where you came from")
    for i in range(55):
        fbot.forum.public_post("wanda", f"later post {i}")
    fbot.forum.flag(flagged["id"], 4, by="wanda")  # inappropriate; the webhook never arrives
    assert await reconcile_flags(fbot.edge) == 1
    await fbot.drain()
    assert await reconcile_flags(fbot.edge) == 0  # pending still, but already filed
    reads = fbot.forum.calls_to("GET", f"/posts/{flagged['id']}.json")
    assert len(reads) == 2  # the flag counts once; the post's text once when filing; not again
    report = await fbot.stored("R-0001")
    assert (report.source, report.implicated, report.snapshot) == (
        "discourse_flag", ("mallory",), "Go back to where you came from")
    assert report.reporter.startswith("unknown:")  # polling does not say who flagged
    committee_post = next(t for t in fbot.forum.bot_posts_to("alice") if "R-0001" in t and "Go back" in t)
    assert "Cannot be contacted" in committee_post and "unknown:" not in committee_post
    assert {s.user for s in fbot.forum.seen if "R-0001" in s.text} == {"alice", "bob", "carol"}
    # Nothing is sent to a reporter cocbot cannot name: acknowledging tells nobody, a question is refused,
    # and no PM goes to anyone but the committee.
    from tests.handlers.discourse.test_triage_commands import committee_says

    assert await committee_says(fbot, "R-0001", "alice", "ack") == "triage acknowledge: ok"
    assert await committee_says(fbot, "R-0001", "alice", "ask Who else saw it?") == "triage ask: refused"
    assert all(t.allowed <= {"cocbot", "alice", "bob", "carol"} for t in fbot.forum.topics.values()
               if t.archetype == "private_message")


async def test_polling_and_the_webhook_file_one_report_between_them(fbot: ForumBot) -> None:
    from cocbot.handlers.discourse.reconcile import reconcile_flags

    post = fbot.forum.public_post("mallory", "Nobody wants you here")
    reviewable = fbot.forum.flag(post["id"], 7, by="wanda")  # notify moderators
    status, body = await fbot.deliver({"reviewable": reviewable}, "reviewable", "reviewable_created")
    assert body["outcome"] == "flag queued"
    assert await reconcile_flags(fbot.edge) == 0
    await fbot.drain()
    async with fbot.runtime.db.transaction() as session:
        from cocbot.storage import reports as reports_q

        assert (await reports_q.get_report(session, 1)).reporter == "wanda"  # type: ignore[union-attr]
        assert await reports_q.get_report(session, 2) is None


async def test_polling_files_a_later_flag_of_a_configured_type(fbot: ForumBot) -> None:
    from cocbot.handlers.discourse.reconcile import reconcile_flags

    post = fbot.forum.public_post("mallory", "buy cheap watches")
    fbot.forum.flag(post["id"], 3, by="wanda")  # off topic: not configured to file a report
    assert await reconcile_flags(fbot.edge) == 0
    fbot.forum.flag(post["id"], 4, by="rita")  # then inappropriate, webhook lost again
    assert await reconcile_flags(fbot.edge) == 1


async def test_flag_polling_can_be_switched_off(slack, forum, sqlite_url: str, clock) -> None:
    from cocbot.handlers.discourse.reconcile import reconcile_flags
    from tests.handlers.discourse.conftest import _forum_bot

    bot = await _forum_bot(slack, forum, sqlite_url, clock, committee_space="discourse", flag_scan_posts=0)
    try:
        post = forum.public_post("mallory", "rude")
        forum.flag(post["id"], 4, by="wanda")
        assert await reconcile_flags(bot.edge) == 0
        assert forum.calls_to("GET", "/posts.json") == []
    finally:
        await bot.close()
        await bot.harness.stop()
