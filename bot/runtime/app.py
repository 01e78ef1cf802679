"""The composition root: the one place that builds and wires everything, with explicit lifetimes.

Resources live in an aiohttp `cleanup_ctx`, so they are created when the server starts and closed in
reverse order when it stops, whether Slack reaches the bot over HTTP or Socket Mode.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable

import aiohttp
from aiohttp import web

from cocbot.bot.clock import Clock, SystemClock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reports.delivery import Deliveries
from cocbot.bot.duty.delivery import DutyDeliveries
from cocbot.bot.duty.service import DutyService
from cocbot.bot.reports.intake import Intake
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.bot.reminders.delivery import ReminderDelivery
from cocbot.bot.outbox.scheduler import ReminderScheduler
from cocbot.bot.services import Services
from cocbot.bot.triage.delivery import TriageDeliveries
from cocbot.bot.triage.service import TriageService
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
    messenger: Any
    bolt: Any
    http: aiohttp.ClientSession
    background: list[asyncio.Task[Any]] = field(default_factory=list)
    socket_handler: Any = None
    scheduler: Any = None  # bot.scheduler.ReminderScheduler when the worker runs


RUNTIME = web.AppKey("cocbot_runtime", Runtime)


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

    app = web.Application()
    if config.uses_slack and settings.slack_signing_secret:
        app.router.add_post("/slack/events", events_route(lambda: app[RUNTIME].bolt, settings.slack_signing_secret))
    app.router.add_get("/healthz", _health)
    if config.discourse is not None:
        # On the bot's own server, so it is there whether Slack uses HTTP or Socket Mode.
        from cocbot.handlers.discourse import add_routes as add_discourse_routes

        add_discourse_routes(app, config)
    app.cleanup_ctx.append(_runtime_context(settings, config, clock or SystemClock(), run_worker, run_checks,
                                            on_fatal or (lambda message: log.error("%s", message))))
    return app


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def _runtime_context(settings: Settings, config: CommunityConfig, clock: Clock, run_worker: bool,
                     run_checks: bool, on_fatal: Callable[[str], None]) -> Any:
    async def context(app: web.Application) -> AsyncIterator[None]:
        # slack_sdk applies its own `timeout` only to sessions it creates itself: over a shared session the
        # session's timeout is the one that counts (aiohttp's default is 300 s). A hung platform call must
        # end soon, as a retryable failure, so this is every outbound call's limit unless it sets its own.
        http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS,
                                                                   connect=HTTP_CONNECT_TIMEOUT_SECONDS))
        db = Database(settings.database_url, seal=ContentSeal(settings.content_keys))
        try:
            log.info("database schema %s", await db.create_schema())
            # A messenger per platform (Discourse, issue 7); the gate sends each report's content on the
            # platform of its committee space and checks readers across platforms (identity map). A community
            # on Discourse only has no Slack client at all; the forum's messenger is then the default.
            messengers: dict[str, Any] = {}
            client: Any = None
            if config.uses_slack:
                from cocbot.handlers.slack.app import build_web_client
                from cocbot.handlers.slack.messenger import SlackMessenger

                client = build_web_client(settings.slack_bot_token, settings.slack_api_url, http)
                messengers["slack"] = SlackMessenger(client)
            if config.discourse is not None:
                from cocbot.handlers.discourse import build_messenger

                messengers["discourse"] = build_messenger(http, config)
            messenger = messengers["slack" if config.uses_slack else "discourse"]
            worker = OutboxWorker(db, clock, max_backoff_seconds=config.delivery.max_backoff_seconds,
                                  lease_seconds=config.delivery.lease_seconds)
            if db.is_sqlite:
                # One replica by design: whatever an earlier run still held, it held when it died.
                await worker.take_over_earlier_runs()
            gate = PrivacyGate(messenger, config.committee, config, messengers)
            Deliveries(db, config, messenger, gate, clock, messengers).register(worker)
            ReminderDelivery(db, config, messenger, gate, clock).register(worker)
            # Triage (issue 3): its outbox kinds reuse the intake's routing to move a case after a recusal.
            TriageDeliveries(Deliveries(db, config, messenger, gate, clock, messengers)).register(worker)
            services = Services(config=config, clock=clock, intake=Intake(db, config, clock, worker.notify))
            # On duty (issue 4): announcements/reminders are outbox kinds; calls are materialised at start-up.
            duty_service = DutyService(db, config, clock, worker.notify)
            DutyDeliveries(db, config, PrivacyGate(messenger, config.committee, messengers=messengers),
                           clock).register(worker)
            try:
                await duty_service.materialize()
            except Exception:
                log.exception("could not schedule the upcoming calls; retrying hourly")
            services = dataclasses.replace(services, duty=duty_service)
            services = dataclasses.replace(services, triage=TriageService(db, config, clock, worker.notify))
            discourse_edge = None
            if config.discourse is not None:
                from cocbot.bot.discourse.service import ForumService
                from cocbot.handlers.discourse import build_edge, build_forum

                assert services.triage is not None
                forum = ForumService(db, config, clock, services.intake, worker.notify, services.triage, duty_service,
                                     build_forum(messengers["discourse"], gate, config))
                discourse_edge = build_edge(app, forum, messengers["discourse"], worker)
            bolt = None
            if config.uses_slack:
                from cocbot.handlers.slack.app import build_bolt_app

                bolt = build_bolt_app(client, settings.slack_signing_secret, services)
            runtime = Runtime(settings, config, clock, db, worker, services, messenger, bolt, http)
            app[RUNTIME] = runtime
            if run_worker:
                worker.start()
                runtime.background.append(asyncio.create_task(duty_service.run_refresher()))
                runtime.background.append(asyncio.create_task(services.intake.run_draft_expiry()))
                runtime.scheduler = ReminderScheduler(db, worker, clock)
                await runtime.scheduler.start()
                if discourse_edge is not None:
                    from cocbot.handlers.discourse.reconcile import run_reconciler

                    runtime.background.append(asyncio.create_task(run_reconciler(discourse_edge)))
            if run_checks and config.uses_slack:
                from cocbot.handlers.slack.app import check_committee_setup

                runtime.background.append(asyncio.create_task(check_committee_setup(messenger, client, config,
                                                                                    on_fatal)))
            if run_checks:
                if discourse_edge is not None:
                    from cocbot.handlers.discourse import check_forum_setup

                    runtime.background.append(asyncio.create_task(check_forum_setup(messengers["discourse"], config)))
            if config.uses_slack and settings.slack_app_token:
                from cocbot.handlers.slack.app import start_socket_mode

                # In the background: the port (health, the Discourse webhook) opens whether or not Slack answers.
                runtime.socket_handler, connecting = start_socket_mode(bolt, settings.slack_app_token, on_fatal)
                runtime.background.append(connecting)
            if not config.uses_slack:
                log.info("cocbot ready: Discourse only, HTTP on port %s at POST /discourse/webhook", settings.port)
            else:
                log.info("cocbot ready: %s", f"Socket Mode (connecting in the background), HTTP on port "
                         f"{settings.port} for /healthz" if settings.socket_mode
                         else f"HTTP on port {settings.port} at POST /slack/events")
            yield
        finally:
            runtime_ = app.get(RUNTIME)
            if runtime_ is not None:
                for task in runtime_.background:
                    task.cancel()
                if runtime_.socket_handler is not None:
                    await runtime_.socket_handler.close_async()
                if runtime_.scheduler is not None:
                    await runtime_.scheduler.stop()
                await runtime_.worker.stop()
            await http.close()
            await db.dispose()

    return context
