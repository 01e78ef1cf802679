"""Prometheus metrics: counts and timings only.

Every label value comes from a fixed set the code knows (outbox kinds, outcomes, report states, route
templates, methods, status classes): never report content, a report's or user's id, or a name. Anything
outside a set is counted as "other". Figures the database holds are read when Prometheus scrapes, so the
/report path pays nothing but a counter increment.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import timezone

from aiohttp import web
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest)
from prometheus_client import GCCollector, PlatformCollector, ProcessCollector

from cocbot.bot.clock import Clock
from cocbot.bot.outbox.worker import OUTCOMES
from cocbot.bot.triage.rules import State
from cocbot.storage import observe as observe_q
from cocbot.storage.db import Database

OTHER = "other"
REMINDER_KINDS = frozenset({"reminder_ack", "escalation_ack", "reminder_respond", "duty_remind"})
REPORT_STATES = frozenset(s.value for s in State)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def one_of(value: str, known: Iterable[str]) -> str:
    return value if value in known else OTHER


class Metrics:
    """One registry per running bot (tests start many in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.kinds: frozenset[str] = frozenset()
        r = self.registry
        self.deliveries = Counter("cocbot_outbox_deliveries", "Delivery attempts by outbox kind and outcome "
                                  "(failed, retried, held, crashed are the failures)", ["kind", "outcome"], registry=r)
        self.reminders_sent = Counter("cocbot_reminders_sent", "Reminders and escalations delivered", ["kind"],
                                      registry=r)
        self.requests = Histogram("cocbot_http_request_duration_seconds", "HTTP requests served, by route",
                                  ["route", "method", "status"], registry=r,
                                  buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
        self.pending = Gauge("cocbot_outbox_pending", "Outbox rows waiting to be delivered", ["kind"], registry=r)
        self.oldest = Gauge("cocbot_outbox_oldest_pending_age_seconds", "Age of the oldest pending row",
                            ["kind"], registry=r)
        self.reminders_due = Gauge("cocbot_reminders_due", "Reminders due now and not yet sent", ["kind"],
                                   registry=r)
        self.reports = Gauge("cocbot_reports", "Reports by triage state", ["state"], registry=r)
        self.received = Gauge("cocbot_reports_received", "Reports received (all stored reports)", registry=r)

    def know_kinds(self, kinds: Iterable[str]) -> None:
        self.kinds = frozenset(kinds)

    def observe_delivery(self, kind: str, outcome: str) -> None:
        kind = one_of(kind, self.kinds)
        self.deliveries.labels(kind, one_of(outcome, OUTCOMES)).inc()
        if outcome == "delivered" and kind in REMINDER_KINDS:
            self.reminders_sent.labels(kind).inc()

    async def refresh(self, db: Database, clock: Clock) -> None:
        """Read the database's figures into the gauges (at scrape time)."""
        now = clock.now()
        async with db.transaction() as session:
            pending = await observe_q.pending_by_kind(session)
            due = await observe_q.due_by_kind(session, REMINDER_KINDS, now)
            states = await observe_q.reports_by_state(session)
        counts: dict[str, float] = dict.fromkeys(self.kinds | {OTHER}, 0.0)
        ages: dict[str, float] = dict(counts)
        for row in pending:
            kind = one_of(row.kind, self.kinds)
            counts[kind] += row.count
            if row.oldest is not None:
                oldest = row.oldest if row.oldest.tzinfo else row.oldest.replace(tzinfo=timezone.utc)
                ages[kind] = max(ages[kind], (now - oldest).total_seconds())
        for kind in counts:
            self.pending.labels(kind).set(counts[kind])
            self.oldest.labels(kind).set(max(ages[kind], 0.0))
        for kind in REMINDER_KINDS:
            self.reminders_due.labels(kind).set(due.get(kind, 0))
        by_state = dict.fromkeys(REPORT_STATES | {OTHER}, 0)
        for state, n in states.items():
            by_state[one_of(state, REPORT_STATES)] += n
        for state, n in by_state.items():
            self.reports.labels(state).set(n)
        self.received.set(sum(states.values()))

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def middleware(self) -> Callable[..., Awaitable[web.StreamResponse]]:
        @web.middleware
        async def timed(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                        ) -> web.StreamResponse:
            started = time.perf_counter()
            status = 500
            try:
                response = await handler(request)
                status = response.status
                return response
            except web.HTTPException as exc:
                status = exc.status
                raise
            finally:
                self.requests.labels(_route(request), one_of(request.method, METHODS),
                                     f"{status // 100}xx").observe(time.perf_counter() - started)

        return timed


def _route(request: web.Request) -> str:
    """The route's template as the code declares it (never the path a client sent, which could be anything)."""
    route = request.match_info.route
    resource = route.resource if route is not None else None
    return resource.canonical if resource is not None else "unmatched"



async def serve(metrics: Metrics, db: Database, clock: Clock) -> web.Response:
    await metrics.refresh(db, clock)
    response = web.Response(body=metrics.render())
    response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
    response.charset = "utf-8"
    return response
