"""The Discourse edge: webhook route, report-form pages, the Discourse messenger and reconciliation.

`add_routes` is called by the composition root (bot/runtime/app.py) when the config has a `discourse`
section; the routes live on the bot's own HTTP server, which runs in Slack's HTTP and Socket Mode alike.
`build_messenger` and `build_edge` make the messenger, the forum service (bot/discourse) and the edge
inside the runtime context.
"""

from __future__ import annotations

import aiohttp
from aiohttp import web

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.discourse.service import ForumService
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.handlers.discourse.edge import DiscourseEdge
from cocbot.handlers.discourse.form import ReportForm
from cocbot.handlers.discourse.messenger import DiscourseMessenger
from cocbot.handlers.discourse.outlet import ForumOutlet
from cocbot.handlers.discourse.render import forum_name
from cocbot.handlers.discourse.webhook import webhook_route

EDGE = web.AppKey("cocbot_discourse_edge", DiscourseEdge)


def add_routes(app: web.Application, config: CommunityConfig) -> None:
    assert config.discourse is not None
    app.router.add_post("/discourse/webhook",
                        webhook_route(config.discourse.webhook_secret, lambda: app[EDGE].handle))
    ReportForm(config, lambda: app[EDGE].service).routes(app)


def build_messenger(http: aiohttp.ClientSession, config: CommunityConfig) -> DiscourseMessenger:
    d = config.discourse
    assert d is not None
    return DiscourseMessenger(http, d.base_url, d.api_key, d.api_username,
                              names=lambda person: forum_name(person, config))


def build_forum(messenger: DiscourseMessenger, gate: PrivacyGate, config: CommunityConfig) -> ForumOutlet:
    """The forum as the domain's forum service sees it (bot/discourse/service.Forum)."""
    return ForumOutlet(messenger, gate, config)


def build_edge(app: web.Application, service: ForumService, messenger: DiscourseMessenger,
               worker: OutboxWorker) -> DiscourseEdge:
    """Register the forum's outbox kinds and expose the edge to the routes."""
    service.register(worker)
    edge = DiscourseEdge(service, messenger)
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
