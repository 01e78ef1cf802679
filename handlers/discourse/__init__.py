"""The Discourse edge: webhook route, report-form pages, the Discourse messenger and reconciliation.

`add_routes` is called by the composition root (bot/app.py) when the config has a `discourse` section;
the routes live on the bot's own HTTP server, which runs in Slack's HTTP and Socket Mode alike. `build`
makes the messenger and the edge inside the runtime context.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reports.intake import Intake
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.handlers.discourse.edge import DiscourseEdge
from cocbot.handlers.discourse.form import ReportForm
from cocbot.handlers.discourse.messenger import DiscourseMessenger
from cocbot.handlers.discourse.render import forum_name
from cocbot.handlers.discourse.webhook import webhook_route
from cocbot.storage.db import Database

EDGE = web.AppKey("cocbot_discourse_edge", DiscourseEdge)


def add_routes(app: web.Application, config: CommunityConfig) -> None:
    assert config.discourse is not None
    app.router.add_post("/discourse/webhook",
                        webhook_route(config.discourse.webhook_secret, lambda: app[EDGE].handle))
    ReportForm(config, lambda: app[EDGE]).routes(app)


def build_messenger(http: aiohttp.ClientSession, config: CommunityConfig) -> DiscourseMessenger:
    d = config.discourse
    assert d is not None
    return DiscourseMessenger(http, d.base_url, d.api_key, d.api_username,
                              names=lambda person: forum_name(person, config))


def build_edge(app: web.Application, db: Database, config: CommunityConfig, clock: Clock,
               messenger: DiscourseMessenger, intake: Intake, worker: OutboxWorker,
               duty: Any = None, triage: Any = None, gate: Any = None) -> DiscourseEdge:
    """Make the edge, register its outbox kinds (after the shared ones) and expose it to the routes."""
    edge = DiscourseEdge(db, config, clock, messenger, intake, worker.notify, duty, triage, gate)
    edge.register(worker)
    app[EDGE] = edge
    return edge


async def check_forum_setup(messenger: DiscourseMessenger, config: CommunityConfig) -> list[str]:
    """Tell the operator, without any content, about forum accounts the config names that do not exist (a
    private message to a missing user would fail, so a mistyped committee username must show at start-up)
    and about announcement topics (`duty.discourse_topics`) the bot cannot post in."""
    import logging

    from cocbot.bot.messenger import DeliveryError

    operator_log = logging.getLogger("cocbot.operator")
    d = config.discourse
    assert d is not None
    names = {d.api_username: "api_username", **{m: "committee" for m in d.committee}}
    if d.escalation_contact:
        names[d.escalation_contact] = "escalation_contact"
    for username in d.identities.values():
        names.setdefault(username, "identities")
    problems: list[str] = []
    try:
        for username, key in sorted(names.items()):
            if not await messenger.user_exists(username):
                problems.append(f"discourse.{key} lists {username!r}, but the forum has no such user")
        # Announcements are posted when a call starts: a topic the bot cannot reply in must show now.
        for channel, topic in sorted(config.duty.discourse_topics.items()):
            why = await messenger.topic_for_announcements(topic)
            if why is not None:
                problems.append(f"duty.discourse_topics[{channel!r}]: topic {topic} {why}")
    except DeliveryError as exc:
        operator_log.warning("cannot reach the forum to check the discourse config (%s)", exc.code)
    for problem in problems:
        operator_log.warning("%s", problem)
    return problems
