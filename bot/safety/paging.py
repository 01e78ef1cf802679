"""Paging when a report says someone may be in immediate danger.

Intake writes the first round in the report's own transaction. Each round is an outbox row that fans out
to one row per person paged (the facilitators on duty where it happened, and the committee members who may
read the report) and writes the next round `safety.page_every` later: one clock, exactly once across
replicas. Rounds go on, round the clock, until someone presses "I'm on it"; at `safety.acknowledge_within`
the escalation contact is paged too. The acknowledgement is itself a row (its key is the record), so two
people answering at once make one acknowledgement.

Nobody implicated, excluded or recused is ever paged: recipients are chosen without them, and every page
still goes through the privacy gate, which checks again across platforms.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty import roster
from cocbot.bot.i18n import Translator, translator
from cocbot.bot.messages import Message
from cocbot.bot.outbox.worker import Done, OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate, blocked_for
from cocbot.bot.reports.reporters import reachable
from cocbot.bot.reports.spaces import committee_space, same_people
from cocbot.bot.safety import texts
from cocbot.storage import duty as duty_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import ReportRecord

log = logging.getLogger("cocbot.safety")

PAGE = "safety_page"  # one round
DM = "safety_dm"  # one message of a round (or of an acknowledgement) to one person
ACKED = "safety_acked"  # the acknowledgement itself
PENDING_KINDS = (PAGE, DM)
# On the forum a page is a private message; "on it" in reply to it is the button.
THREAD = "safety_page"
ON_IT = re.compile(r"\b(?:on it|ack|acknowledged?)\b", re.IGNORECASE)
# Where a shift or call under way now could have started.
_LOOKBACK = timedelta(days=2)
# States in which nobody needs paging any more.
_SETTLED = {"decided", "closed"}


def _iso(at: datetime) -> str:
    return at.isoformat()


def acked_key(report_id: int) -> str:
    return f"report:{report_id}:{ACKED}"


async def on_report_stored(session: AsyncSession, report: ReportRecord, now: datetime,
                           config: CommunityConfig) -> bool:
    """Page at once when the reporter said someone may be in immediate danger. In the intake transaction."""
    if not report.danger:
        return False
    deadline = now + timedelta(minutes=config.safety.acknowledge_within_minutes)
    await outbox_q.enqueue(session, key=f"report:{report.id}:{PAGE}:0", kind=PAGE, report_id=report.id, now=now,
                           payload={"round": 0, "start": _iso(now), "deadline": _iso(deadline)})
    return True


def where(report: ReportRecord) -> str | None:
    return report.where_channel or report.flagged_channel


@dataclass(frozen=True)
class Pagee:
    user: str
    platform: str
    role: str  # "facilitator" | "committee" | "escalation"


def pagees(report: ReportRecord, config: CommunityConfig, on_duty: frozenset[str], *,
           escalate: bool = False) -> list[Pagee]:
    """Who is paged about this report: the facilitators on duty where it happened, the committee members
    who may read it and, once the deadline has passed, the escalation contact. Never anyone it blocks, on
    either platform."""
    blocked = blocked_for(report, config)
    space = committee_space(report.platform, config)
    duty_platform = "slack" if config.uses_slack else "discourse"
    out: dict[tuple[str, str], Pagee] = {}
    chosen: set[str] = set()

    def add(user: str, platform: str, role: str) -> None:
        # The same person on both platforms is paged once (where the committee reads).
        people = same_people({user}, config)
        if people & blocked or people & chosen:
            return
        chosen.update(people)
        out[(platform, user)] = Pagee(user, platform, role)

    for member in sorted(space.members):
        add(member, space.platform, "committee")
    for person in sorted(on_duty):
        add(person, duty_platform, "facilitator")
    if escalate and space.escalation_contact:
        add(space.escalation_contact, space.platform, "escalation")
    if not out and space.escalation_contact:
        # Everyone else is blocked: the escalation contact is the committee for this report from the start.
        add(space.escalation_contact, space.platform, "escalation")
    return list(out.values())


async def facilitators_on_duty(session: AsyncSession, channel: str | None, now: datetime) -> frozenset[str]:
    if not channel:
        return frozenset()
    shifts = [roster.Shift(r.id, r.facilitator, r.channels, r.starts_at, r.ends_at)
              for r in await duty_q.shifts_between(session, now - _LOOKBACK, now + timedelta(minutes=1))]
    calls = [roster.Occurrence(r.id, r.call_id, r.call_name, r.channel, r.slot, r.starts_at, r.ends_at, r.facilitator)
             for r in await duty_q.occurrences_between(session, now - _LOOKBACK, now + timedelta(minutes=1),
                                                       channel=channel)]
    return frozenset(e.facilitator for e in roster.on_duty([*shifts, *calls], channel, now) if e.facilitator)


@dataclass(frozen=True)
class Answer:
    ok: bool
    message: str


@dataclass
class SafetyService:
    """What the edges call: "I'm on it"."""

    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None] = lambda: None

    async def acknowledge(self, ref: str, user: str, tr: Translator | None = None) -> Answer:
        """`tr`: the clicker's language (the edge knows it); the community's by default."""
        tr = tr or translator(self.config.community.language)
        now = self.clock.now()
        async with self.db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
            if report is None or not report.danger:
                return Answer(False, texts.not_paged(tr))
            on_duty = await facilitators_on_duty(session, where(report), now)
            allowed = {p.user for p in pagees(report, self.config, on_duty, escalate=True)}
            if not same_people({user}, self.config) & same_people(allowed, self.config):
                return Answer(False, texts.not_paged(tr))
            created = await outbox_q.enqueue(session, key=acked_key(report.id), kind=ACKED, report_id=report.id,
                                             now=now, payload={"by": user})
            if not created:
                return Answer(True, texts.already_acknowledged(tr, ref))
            await outbox_q.cancel(session, report_id=report.id, kinds=PENDING_KINDS, now=now)
        log.info("danger page for %s acknowledged", ref)
        self.notify()
        return Answer(True, texts.acknowledged_to_pager(tr, ref))


@dataclass
class SafetyDeliveries:
    db: Database
    config: CommunityConfig
    gate: PrivacyGate
    clock: Clock

    def register(self, worker: OutboxWorker) -> None:
        worker.register(PAGE, self.page_round)
        worker.register(DM, self.dm)
        worker.register(ACKED, self.acknowledged)

    async def _state(self, report_id: int) -> tuple[ReportRecord | None, bool, frozenset[str]]:
        now = self.clock.now()
        async with self.db.transaction() as session:
            report = await reports_q.get_report(session, report_id)
            acked = await outbox_q.item_status(session, acked_key(report_id)) is not None
            on_duty = await facilitators_on_duty(session, where(report), now) if report else frozenset()
        return report, acked, on_duty

    async def page_round(self, item: ClaimedItem) -> dict[str, Any] | Done:
        assert item.report_id is not None
        report, acked, on_duty = await self._state(item.report_id)
        if report is None or acked or report.state in _SETTLED:
            return {"skipped": "acknowledged" if acked else "settled"}
        p = item.payload
        now = self.clock.now()
        n = int(p["round"])
        deadline = datetime.fromisoformat(str(p["deadline"]))
        escalate = now >= deadline
        people = pagees(report, self.config, on_duty, escalate=escalate)
        rows = [outbox_q.NewItem(key=f"report:{report.id}:{DM}:{n}:{who.platform}:{who.user}", kind=DM,
                                 report_id=report.id,
                                 payload={"what": "deadline" if who.role == "escalation" and escalate else "page",
                                          "user": who.user, "platform": who.platform, "role": who.role,
                                          "round": n, "deadline": p["deadline"]})
                for who in people]
        every = timedelta(minutes=self.config.safety.page_every_minutes)
        start = datetime.fromisoformat(str(p["start"]))
        # Rounds keep their rhythm; after downtime the next one comes a full interval later, not at once.
        next_at = max(start + every * (n + 1), now + every / 2)
        rows.append(outbox_q.NewItem(key=f"report:{report.id}:{PAGE}:{n + 1}", kind=PAGE, report_id=report.id,
                                     payload={**p, "round": n + 1}, due_at=next_at))
        if not people:
            log.warning("danger page for %s reaches nobody: everyone who could be paged is blocked", report.ref)

        async def write(session: AsyncSession) -> None:
            await outbox_q.enqueue_many(session, rows, now=now)

        return Done({"paged": len(people), "round": n}, write)

    async def _reader(self, platform: str, user: str) -> Translator:
        """Each person paged reads their own language, else the committee's."""
        default = self.config.community.language
        return await self.gate.messengers.locales.translator_for(platform, user, default)

    def _page_message(self, report: ReportRecord, p: dict[str, Any], tr: Translator) -> Message:
        what = str(p["what"])
        if what == "deadline":
            return texts.deadline_passed(tr, report.ref)
        if what == "on_it":
            return texts.someone_on_it(tr, report.ref, str(p["by"]))
        resources = self.config.safety.resources_for(channel=where(report))
        deadline = datetime.fromisoformat(str(p["deadline"]))
        return texts.page(tr, ref=report.ref, channel=where(report), deadline=deadline, round_=int(p["round"]),
                          facilitator=p.get("role") == "facilitator", config=self.config, resources=resources)

    async def dm(self, item: ClaimedItem) -> dict[str, Any]:
        assert item.report_id is not None
        p = item.payload
        report, acked, _ = await self._state(item.report_id)
        if report is None:
            return {"skipped": "report_missing"}
        what = str(p["what"])
        if what in ("page", "deadline") and acked:
            return {"skipped": "acknowledged"}
        if what == "help":
            tr = await self._reader(report.platform, report.reporter)
            posted = await self.gate.post_to_reporter(report, texts.help_is_coming(tr, report.ref))
        else:
            tr = await self._reader(str(p["platform"]), str(p["user"]))
            posted = await self.gate.post_page(report, str(p["user"]), self._page_message(report, p, tr),
                                               platform=str(p["platform"]))
        return {"channel": posted.channel, "ts": posted.ts}

    async def acknowledged(self, item: ClaimedItem) -> dict[str, Any] | Done:
        """Tell everyone else paged that someone is on it, and the reporter that help is coming."""
        assert item.report_id is not None
        report, _, on_duty = await self._state(item.report_id)
        if report is None:
            return {"skipped": "report_missing"}
        by = str(item.payload["by"])
        now = self.clock.now()
        mine = same_people({by}, self.config)
        rows = [outbox_q.NewItem(key=f"report:{report.id}:{DM}:on_it:{who.platform}:{who.user}", kind=DM,
                                 report_id=report.id,
                                 payload={"what": "on_it", "user": who.user, "platform": who.platform, "by": by})
                for who in pagees(report, self.config, on_duty) if who.user not in mine]
        if reachable(report.reporter):
            rows.append(outbox_q.NewItem(key=f"report:{report.id}:{DM}:help", kind=DM, report_id=report.id,
                                         payload={"what": "help"}))

        async def write(session: AsyncSession) -> None:
            await outbox_q.enqueue_many(session, rows, now=now)

        return Done({"told": len(rows)}, write)
