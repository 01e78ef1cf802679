"""The composition root: the one place that builds and wires everything, with explicit lifetimes.

Resources live in an aiohttp `cleanup_ctx`, so they are created when the server starts and closed in
reverse order when it stops, whether Slack reaches the bot over HTTP or Socket Mode.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web

from cocbot.bot.clock import Clock, SystemClock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.bans.delivery import BanDeliveries
from cocbot.bot.bans.service import BanService
from cocbot.bot.messenger import Messenger, Messengers
from cocbot.bot.observe.health import Readiness
from cocbot.bot.observe.metrics import Metrics, serve as serve_metrics
from cocbot.bot.reports.delivery import Deliveries
from cocbot.bot.duty.delivery import DutyDeliveries
from cocbot.bot.duty.service import DutyService
from cocbot.bot.earlier.delivery import EarlierDelivery
from cocbot.bot.earlier.service import EarlierService
from cocbot.bot.holds.delivery import HoldDelivery
from cocbot.bot.holds.service import HoldService
from cocbot.bot.reports.intake import Intake
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.bot.runtime.logs import request_id_middleware
from cocbot.bot.reminders.delivery import ReminderDelivery
from cocbot.bot.outbox.scheduler import ReminderScheduler
from cocbot.bot.services import Services
from cocbot.bot.retention.delivery import RetentionDelivery
from cocbot.bot.retention.service import Purge
from cocbot.bot.runtime.purge import build_purge
from cocbot.bot.triage.delivery import TriageDeliveries
from cocbot.bot.triage.service import TriageService
from cocbot.bot.safety.paging import SafetyDeliveries, SafetyService
from cocbot.bot.reports.readers.service import ReadersService
from cocbot.bot.reports.readers.delivery import ReadersDeliveries
from cocbot.bot.reports.behalf.service import BehalfService
from cocbot.bot.reports.behalf.delivery import BehalfDeliveries
from cocbot.bot.reports.warnings import ContentWarnings
from cocbot.bot.config.settings import Settings
from cocbot.storage.content import ContentSeal
from cocbot.storage.db import Database

log = logging.getLogger("cocbot")

HTTP_TIMEOUT_SECONDS = 10.0
HTTP_CONNECT_TIMEOUT_SECONDS = 5.0


@dataclass
class Runtime:
    """Everything one running bot holds; tests reach the parts through it."""

    settings: Settings
    config: CommunityConfig
    clock: Clock
    db: Database
    worker: OutboxWorker
    services: Services
    messenger: Messenger
    bolt: Any
    http: aiohttp.ClientSession
    scheduler: ReminderScheduler | None = None  # while the worker runs
    metrics: Metrics | None = None
    readiness: Readiness | None = None
    # The purge: other capabilities add their purgeable parts and keepers to it (bot/retention/service.py).
    purge: Purge | None = None


RUNTIME = web.AppKey("cocbot_runtime", Runtime)
METRICS = web.AppKey("cocbot_metrics", Metrics)


def create_web_app(
    settings: Settings,
    config: CommunityConfig,
    *,
    clock: Clock | None = None,
    run_worker: bool = True,
    run_checks: bool = True,
    on_fatal: Callable[[str], None] | None = None,
) -> web.Application:
    """`on_fatal` is told when the bot cannot work at all (Slack refused a token); `cocbot run` stops then.
    Without it the problem is logged."""
    from cocbot.handlers.slack.app import events_route

    metrics = Metrics()
    # The request id first: lines logged by the metrics middleware belong to the request too.
    app = web.Application(middlewares=[request_id_middleware, metrics.middleware()])
    app[METRICS] = metrics
    if config.uses_slack and settings.slack_signing_secret:
        app.router.add_post("/slack/events", events_route(lambda: app[RUNTIME].bolt, settings.slack_signing_secret))
    app.router.add_get("/healthz", _health)
    app.router.add_get("/readyz", _ready)
    if settings.metrics_port is None:
        app.router.add_get("/metrics", _metrics)
    if config.discourse is not None:
        # On the bot's own server, so it is there whether Slack uses HTTP or Socket Mode.
        from cocbot.handlers.discourse import add_routes as add_discourse_routes

        add_discourse_routes(app, config)
    app.cleanup_ctx.extend(_Startup(settings, config, clock or SystemClock(), run_worker, run_checks,
                                    on_fatal or (lambda message: log.error("%s", message))).contexts())
    return app


async def _health(request: web.Request) -> web.Response:
    """Alive: the process answers (a restart is the cure when it does not)."""
    return web.json_response({"ok": True})


async def _ready(request: web.Request) -> web.Response:
    """Ready to work (a load balancer sends traffic only then): 200, or 503 with each check's answer."""
    readiness = request.app[RUNTIME].readiness if RUNTIME in request.app else None
    if readiness is None:
        return web.json_response({"ready": False, "checks": {"start-up": "not finished"}}, status=503)
    checks = await readiness.check()
    ready = all(v == "ok" for v in checks.values())
    return web.json_response({"ready": ready, "checks": checks}, status=200 if ready else 503)


async def _metrics(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    assert runtime.metrics is not None
    return await serve_metrics(runtime.metrics, runtime.db, runtime.clock)


class _Startup:
    """The bot's resources, one per `cleanup_ctx` entry: each is made when the server starts, after those
    before it, and closed in reverse order when it stops (or when a later one fails to start)."""

    def __init__(self, settings: Settings, config: CommunityConfig, clock: Clock, run_worker: bool,
                 run_checks: bool, on_fatal: Callable[[str], None]) -> None:
        self.settings, self.config, self.clock = settings, config, clock
        self.run_worker, self.run_checks, self.on_fatal = run_worker, run_checks, on_fatal
        self.slack_client: Any = None
        self.slack_messenger: Any = None
        self.discourse_messenger: Any = None
        self.discourse_edge: Any = None

    def contexts(self) -> list[Callable[[web.Application], AsyncIterator[None]]]:
        return [self.http_session, self.database, self.messengers, self.domain, self.worker, self.observe,
                self.background, self.slack_socket]

    async def http_session(self, app: web.Application) -> AsyncIterator[None]:
        # slack_sdk applies its own `timeout` only to sessions it creates itself: over a shared session the
        # session's timeout is the one that counts (aiohttp's default is 300 s). A hung platform call must
        # end soon, as a retryable failure, so this is every outbound call's limit unless it sets its own.
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS,
                                                                        connect=HTTP_CONNECT_TIMEOUT_SECONDS))
        try:
            yield
        finally:
            await self.http.close()

    async def database(self, app: web.Application) -> AsyncIterator[None]:
        self.db = Database(self.settings.database_url, seal=ContentSeal(self.settings.content_keys))
        try:
            log.info("database schema %s", await self.db.create_schema())
            yield
        finally:
            await self.db.dispose()

    async def messengers(self, app: web.Application) -> AsyncIterator[None]:
        # A messenger per platform; a community on Discourse only has no Slack client at all, and the forum's
        # messenger is then the one for everything.
        settings, config = self.settings, self.config
        found: list[Messenger] = []
        if config.uses_slack:
            from cocbot.handlers.slack.app import build_web_client
            from cocbot.handlers.slack.messenger import SlackMessenger

            self.slack_client = build_web_client(settings.slack_bot_token, settings.slack_api_url, self.http)
            self.slack_messenger = SlackMessenger(self.slack_client)
            found.append(self.slack_messenger)
        if config.discourse is not None:
            from cocbot.handlers.discourse import build_messenger

            self.discourse_messenger = build_messenger(self.http, config)
            found.append(self.discourse_messenger)
        self.messengers_ = Messengers(*found)
        yield

    async def domain(self, app: web.Application) -> AsyncIterator[None]:
        """The outbox worker with every kind registered, and the services handlers call (nothing runs yet)."""
        db, config, clock = self.db, self.config, self.clock
        metrics = app[METRICS]
        worker = OutboxWorker(db, clock, max_backoff_seconds=config.delivery.max_backoff_seconds,
                              lease_seconds=config.delivery.lease_seconds, observe=metrics.observe_delivery)
        if db.is_sqlite:
            # One replica by design: whatever an earlier run still held, it held when it died.
            await worker.take_over_earlier_runs()
        gate = PrivacyGate(config, self.messengers_)
        deliveries = Deliveries(db, config, gate, clock)
        deliveries.register(worker)
        ReminderDelivery(db, config, gate, clock).register(worker)
        # Moving a case after a recusal settles its new space the way a new report's is settled.
        TriageDeliveries(deliveries).register(worker)
        DutyDeliveries(db, config, gate, clock).register(worker)
        from cocbot.bot.committees.delivery import CommitteeDeliveries
        from cocbot.bot.committees.membership import sync as sync_committee
        from cocbot.bot.audit.trail import record_deliveries

        from cocbot.bot.transparency.service import TransparencyDeliveries, TransparencyService

        CommitteeDeliveries(db, config, gate).register(worker)
        TransparencyDeliveries(db, config, gate, clock).register(worker)
        record_deliveries(worker, db, clock)
        self.ban_deliveries(gate).register(worker)
        purge = build_purge(db, config, clock, worker.notify)
        self.retention = RetentionDelivery(db, purge, self.messengers_, clock, config)
        self.retention.register(worker)
        if config.retention.closed_reports is None:
            log.warning("retention.closed_reports is never: closed reports are kept for ever, with their content")
        SafetyDeliveries(db, config, gate, clock).register(worker)
        EarlierDelivery(db, config, gate, clock).register(worker)
        HoldDelivery(db, config, gate, clock).register(worker)
        ReadersDeliveries(deliveries).register(worker)
        BehalfDeliveries(deliveries).register(worker)
        services = Services(config=config, clock=clock, intake=Intake(db, config, clock, worker.notify,
                                                                      draft_ttl=config.retention.unsubmitted_drafts),
                            triage=TriageService(db, config, clock, worker.notify),
                            duty=DutyService(db, config, clock, worker.notify),
                            bans=BanService(db, config, clock, worker.notify),
                            safety=SafetyService(db, config, clock, worker.notify),
                            readers=ReadersService(db, config, clock, worker.notify),
                            behalf=BehalfService(db, config, clock, worker.notify),
                            warnings=ContentWarnings(db, config, clock, worker.notify),
                            transparency=TransparencyService(db, config, clock, worker.notify),
                            holds=HoldService(db, config, clock, worker.notify),
                            earlier=EarlierService(db, config, clock, worker.notify),
                            locales=self.messengers_.locales)
        services = _with_talk(services, db, worker, self.messengers_)
        # The config's committee is the truth: who joined or left since the last start is recorded, and
        # leaves or enters the open cases' spaces (outbox rows, sent once the worker runs).
        services.triage.joined = (await sync_committee(db, config, clock)).joined_at
        try:
            # Calls are outbox rows written ahead of time.
            await services.duty.materialize()
        except Exception:
            log.exception("could not schedule the upcoming calls; retrying hourly")
        if config.discourse is not None:
            from cocbot.bot.discourse.service import ForumService
            from cocbot.handlers.discourse import build_edge, build_forum

            forum = ForumService(db, config, clock, services.intake, worker.notify, services.triage, services.duty,
                                 build_forum(self.discourse_messenger, gate, config), services.talk,
                                 bans=services.bans, safety=services.safety, readers=services.readers,
                                 behalf=services.behalf, warnings=services.warnings,
                                 transparency=services.transparency, holds=services.holds,
                                 earlier=services.earlier, locales=services.locales)
            if services.talk is not None:
                services.talk.forum_form = forum.talk_form_for  # a suggestion to a forum member brings the link
            self.discourse_edge = build_edge(app, forum, self.discourse_messenger, worker)
        bolt = None
        if config.uses_slack:
            from cocbot.handlers.slack.app import build_bolt_app

            bolt = build_bolt_app(self.slack_client, self.settings.slack_signing_secret, services)
        metrics.know_kinds(worker.handlers)
        self.runtime = Runtime(self.settings, config, clock, db, worker, services, self.messengers_.primary, bolt,
                               self.http, metrics=metrics, purge=purge)
        app[RUNTIME] = self.runtime
        yield

    def ban_deliveries(self, gate: PrivacyGate) -> BanDeliveries:
        """Bans enforcement with each platform's tools, where the community uses that platform."""
        slack_tools = forum_tools = None
        if self.slack_client is not None:
            from cocbot.handlers.slack.bans import SlackBanTools

            slack_tools = SlackBanTools(self.slack_client)
        if self.discourse_messenger is not None:
            from cocbot.handlers.discourse.bans import ForumBanTools

            forum_tools = ForumBanTools(self.discourse_messenger)
        return BanDeliveries(self.db, self.config, gate, self.clock, slack=slack_tools, forum=forum_tools)

    async def worker(self, app: web.Application) -> AsyncIterator[None]:
        runtime = self.runtime
        try:
            if self.run_worker:
                # At start-up and then daily: one row per day, so replicas purge once between them.
                await self.retention.schedule_at_start()
                runtime.worker.start()
                runtime.scheduler = ReminderScheduler(runtime.db, runtime.worker, runtime.clock)
                await runtime.scheduler.start()
            yield
        finally:
            if runtime.scheduler is not None:
                await runtime.scheduler.stop()
            await runtime.worker.stop()

    async def observe(self, app: web.Application) -> AsyncIterator[None]:
        """Readiness, once everything it looks at exists; /metrics on a port of its own when one is set."""
        runtime, settings = self.runtime, self.settings
        platforms: dict[str, Callable[[], Awaitable[object]]] = {}
        if self.slack_messenger is not None:
            platforms["slack"] = self.slack_messenger.bot_user_id  # auth.test, remembered once it succeeds
        if self.discourse_messenger is not None and self.config.discourse is not None:
            platforms["discourse"] = _forum_account(self.discourse_messenger, self.config.discourse.api_username)
        runtime.readiness = Readiness(runtime.db, runtime.worker, platforms, worker_expected=self.run_worker)
        runner: web.AppRunner | None = None
        if settings.metrics_port is not None:
            metrics_app = web.Application()
            metrics_app[RUNTIME] = runtime
            metrics_app.router.add_get("/metrics", _metrics)
            runner = web.AppRunner(metrics_app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, settings.metrics_host or settings.host, settings.metrics_port).start()
        try:
            yield
        finally:
            if runner is not None:
                await runner.cleanup()

    async def background(self, app: web.Application) -> AsyncIterator[None]:
        """The loops beside the worker, and the start-up checks that tell the operator about the set-up."""
        runtime, config = self.runtime, self.config
        tasks: list[asyncio.Task[Any]] = []
        if self.run_worker:
            tasks.append(asyncio.create_task(runtime.services.duty.run_refresher()))
            if self.discourse_edge is not None:
                from cocbot.handlers.discourse.reconcile import run_reconciler

                tasks.append(asyncio.create_task(run_reconciler(self.discourse_edge)))
        if self.run_checks and config.uses_slack:
            from cocbot.handlers.slack.app import check_committee_setup

            tasks.append(asyncio.create_task(check_committee_setup(self.slack_messenger, self.slack_client,
                                                                   config, self.on_fatal)))
        if self.run_checks and self.discourse_edge is not None:
            from cocbot.handlers.discourse import check_forum_setup

            tasks.append(asyncio.create_task(check_forum_setup(self.discourse_messenger, config)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()

    async def slack_socket(self, app: web.Application) -> AsyncIterator[None]:
        settings, config = self.settings, self.config
        handler: Any = None
        connecting: asyncio.Task[Any] | None = None
        if config.uses_slack and settings.slack_app_token:
            from cocbot.handlers.slack.app import start_socket_mode

            # In the background: the port (health, the Discourse webhook) opens whether or not Slack answers.
            handler, connecting = start_socket_mode(self.runtime.bolt, settings.slack_app_token, self.on_fatal)
        if not config.uses_slack:
            log.info("cocbot ready: Discourse only, HTTP on port %s at POST /discourse/webhook", settings.port)
        else:
            log.info("cocbot ready: %s", f"Socket Mode (connecting in the background), HTTP on port "
                     f"{settings.port} for /healthz" if settings.socket_mode
                     else f"HTTP on port {settings.port} at POST /slack/events")
        try:
            yield
        finally:
            if connecting is not None:
                connecting.cancel()
            if handler is not None:
                await handler.close_async()


def _forum_account(messenger: Any, username: str) -> Callable[[], Awaitable[object]]:
    """The forum accepted the API key: the bot's own account can be read with it."""
    async def verify() -> object:
        if not await messenger.user_exists(username):
            raise LookupError("the API user is not found")
        return True

    return verify


def _with_talk(services: Services, db: Database, worker: OutboxWorker,
               messengers: Messengers) -> Services:
    """Talk-first conversations: the service edges call, and its deliveries on the worker."""
    import dataclasses

    from cocbot.bot.talk.delivery import TalkDelivery
    from cocbot.bot.talk.service import TalkService

    from cocbot.bot.i18n import translator

    committee = translator(services.config.community.language)
    talk = TalkService(db, services.config, services.clock, worker.notify, services.duty, tr=committee)
    TalkDelivery(db, services.config, services.clock, messengers, talk, tr=committee).register(worker)
    return dataclasses.replace(services, talk=talk)

