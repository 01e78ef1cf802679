"""Nothing is lost: a dropped webhook is caught by pulling; Discourse errors are retried via the outbox."""

from __future__ import annotations

import re

from bot.clock import ManualClock
from handlers.discourse.reconcile import reconcile_once
from handlers.discourse.testing.fake_api import readable
from storage import outbox as outbox_q
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


async def test_old_dedupe_keys_and_dead_links_are_forgotten(fbot: ForumBot, clock: ManualClock) -> None:
    from handlers.discourse.reconcile import forget_old
    from storage import discourse as dq

    post = await fbot.pm("rita")
    await fbot.drain()
    clock.advance(days=3)
    await forget_old(fbot.edge)
    async with fbot.runtime.db.transaction() as session:
        assert not await dq.was_seen(session, f"post_created:{post['id']}:1")
        assert await dq.get_token(session, fbot.edge.signer.token_id(f"post:{post['id']}")) is None
