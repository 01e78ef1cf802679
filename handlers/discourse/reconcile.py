"""Catching what webhooks missed: periodically pull the bot's private messages and the forum's flags.

Discourse retries failed webhooks only when a site setting is on, and not at all for some events; so
push is a fast path and this pull is the guarantee. Each PM topic has a cursor (the highest post number
handled); a post is handled exactly as if its webhook had arrived, so the same de-duplication applies.
On the very first run cocbot only records where every existing PM stands, so it never answers old
messages from before it was installed.

Flags: Discourse's review queue is not in its published API, but its list of latest posts (`GET
/posts.json`) marks each post with a pending review item (`reviewable_id`, pending score count) for a staff
account, and the post itself (`GET /posts/{id}.json`) counts its flags by type. cocbot reads the newest
`flag_scan_posts` posts each round and files any pending flag of a configured type that no webhook brought.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import replace
from datetime import timedelta

from cocbot.bot.messenger import DeliveryError
from cocbot.handlers.discourse.edge import DiscourseEdge
from cocbot.storage import discourse as dq

log = logging.getLogger("cocbot.discourse")

BASELINE = "pm:baseline"


async def reconcile_once(edge: DiscourseEdge) -> int:
    """Handle posts no webhook brought; returns how many were handled."""
    messenger = edge.messenger
    bot = edge.settings.api_username
    topics = await messenger.private_messages()
    now = edge.clock.now()
    async with edge.db.transaction() as session:
        first_run = await dq.get_cursor(session, BASELINE) == 0
        if first_run:
            for topic in topics:
                await dq.set_cursor(session, f"pm:{int(topic['id'])}", int(topic.get("highest_post_number") or 0), now)
            await dq.set_cursor(session, BASELINE, 1, now)
    if first_run:
        log.info("discourse reconciliation: baseline recorded for %d private messages", len(topics))
        return 0
    handled = 0
    for topic in topics:
        topic_id = int(topic["id"])
        highest = int(topic.get("highest_post_number") or 0)
        async with edge.db.transaction() as session:
            cursor = await dq.get_cursor(session, f"pm:{topic_id}")
        if highest <= cursor:
            continue
        done = cursor
        for post_id, number, username in sorted(await messenger.topic_post_ids(topic_id), key=lambda p: p[1]):
            if number <= cursor:
                continue
            if username != bot:
                # Listed among the bot's private messages: a PM, whatever the single-post read says.
                post = replace(await messenger.get_post(post_id), private_message=True)
                outcome = await edge.handle_post(post)
                if outcome != "duplicate":
                    handled += 1
                    log.info("discourse reconciliation caught a post the webhook did not bring: %s", outcome)
            done = number
        async with edge.db.transaction() as session:
            await dq.set_cursor(session, f"pm:{topic_id}", done, edge.clock.now())
    return handled


async def reconcile_flags(edge: DiscourseEdge) -> int:
    """File pending flags of the newest posts that no webhook brought; returns how many were queued."""
    settings = edge.settings
    if not settings.flag_types or settings.flag_scan_posts == 0:
        return 0
    pending: list[tuple[int, int, int]] = []
    scanned, before = 0, None
    while scanned < settings.flag_scan_posts:
        page = await edge.messenger.latest_posts(before)
        ids = [int(p["id"]) for p in page if isinstance(p.get("id"), int)]
        for item in page:
            reviewable = _positive(item.get("reviewable_id"))
            if reviewable and _positive(item.get("reviewable_score_pending_count")) and isinstance(item.get("id"), int):
                pending.append((reviewable, int(item["id"]), _positive(item.get("reviewable_score_count")) or 1))
        scanned += len(ids)
        if not ids or (before is not None and min(ids) >= before):
            break
        before = min(ids)
    queued = 0
    for reviewable, post_id, scores in pending:
        outcome = await edge.handle_polled_flag(reviewable, post_id, scores)
        if outcome == "flag queued":
            queued += 1
            log.info("discourse reconciliation caught a flag the webhook did not bring (review item %d)", reviewable)
    return queued


def _positive(value: object) -> int:
    """Discourse documents some ids as strings in this list: accept both, and 0 for anything else."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 0
    return number if number > 0 else 0


async def forget_old(edge: DiscourseEdge) -> None:
    """Keep the de-duplication and link tables small: Discourse stops retrying after about 2.5 hours and
    reconciliation has its cursors, so two days of memory is plenty; spent or expired links go after a day."""
    now = edge.clock.now()
    async with edge.db.transaction() as session:
        await dq.forget_seen_before(session, now - timedelta(days=2))
        await dq.forget_tokens_expired_before(session, now - timedelta(days=1))


async def run_reconciler(edge: DiscourseEdge) -> None:
    interval = edge.settings.reconcile_seconds
    while True:
        try:
            await reconcile_once(edge)
            await reconcile_flags(edge)
            await forget_old(edge)
        except asyncio.CancelledError:
            raise
        except DeliveryError as exc:
            log.warning("discourse reconciliation failed (%s); trying again in %.0fs", exc.code, interval)
        except Exception as exc:  # a bug must not stop the safety net for good
            log.exception("discourse reconciliation crashed (%s)", type(exc).__name__)
        await asyncio.sleep(interval * random.uniform(0.9, 1.1))

