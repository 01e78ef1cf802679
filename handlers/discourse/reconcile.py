"""Catching what webhooks missed: periodically pull the bot's private messages and the forum's flags.

Discourse retries failed webhooks only when a site setting is on, and not at all for some events; so
push is a fast path and this pull is the guarantee. This module fetches; the forum service keeps the
books (bot/discourse/reconcile.py: cursors per PM topic, a first run that only records where every PM
stands). A post is handled exactly as if its webhook had arrived, so the same de-duplication applies.

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

from cocbot.bot.messenger import DeliveryError
from cocbot.handlers.discourse.edge import DiscourseEdge

log = logging.getLogger("cocbot.discourse")


async def reconcile_once(edge: DiscourseEdge) -> int:
    """Handle posts no webhook brought; returns how many were handled."""
    messenger, book = edge.messenger, edge.service.book
    bot = edge.settings.api_username
    topics = await messenger.private_messages()
    if await book.baseline({int(t["id"]): int(t.get("highest_post_number") or 0) for t in topics}):
        log.info("discourse reconciliation: baseline recorded for %d private messages", len(topics))
        return 0
    handled = 0
    for topic in topics:
        topic_id = int(topic["id"])
        highest = int(topic.get("highest_post_number") or 0)
        cursor = await book.cursor(topic_id)
        if highest <= cursor:
            continue
        done = cursor
        for post_id, number, username in sorted(await messenger.topic_post_ids(topic_id), key=lambda p: p[1]):
            if number <= cursor:
                continue
            if username != bot:
                # Listed among the bot's private messages: a PM, whatever the single-post read says.
                post = replace(await messenger.get_post(post_id), private_message=True)
                outcome = await edge.service.handle_post(post)
                if outcome != "duplicate":
                    handled += 1
                    log.info("discourse reconciliation caught a post the webhook did not bring: %s", outcome)
            done = number
        await book.advance(topic_id, done)
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
        outcome = await edge.service.handle_polled_flag(reviewable, post_id, scores)
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


async def run_reconciler(edge: DiscourseEdge) -> None:
    interval = edge.settings.reconcile_seconds
    while True:
        try:
            await reconcile_once(edge)
            await reconcile_flags(edge)
            await edge.service.book.forget_old()
        except asyncio.CancelledError:
            raise
        except DeliveryError as exc:
            log.warning("discourse reconciliation failed (%s); trying again in %.0fs", exc.code, interval)
        except Exception as exc:  # a bug must not stop the safety net for good
            log.exception("discourse reconciliation crashed (%s)", type(exc).__name__)
        await asyncio.sleep(interval * random.uniform(0.9, 1.1))

