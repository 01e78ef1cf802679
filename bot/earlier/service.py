"""Earlier cases naming the same person as a new report, and the bans in force on them.

Found through the people index (storage/earlier.py: keyed hashes, one indexed query), then narrowed to what
every reader of the new case may read (bot/reports/privacy.py `earlier_cases_listable`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reports.privacy import earlier_cases_listable, may_view_earlier
from cocbot.bot.reports.spaces import same_people
from cocbot.bot.triage.results import ReportView, Result, phrase
from cocbot.bot.triage.rules import BANS
from cocbot.storage import earlier as earlier_q
from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.db import Database
from cocbot.storage.holds import HoldState
from cocbot.storage.reports import ReportRecord

# An earlier case sent to one member who asked for it from a new case's forum PM.
VIEW_KIND = "earlier_view"
# The most earlier cases one listing names (the newest ones): a pattern is visible long before this.
MAX_LISTED = 10


@dataclass(frozen=True)
class EarlierCase:
    ref: str
    state: str
    outcome: str | None
    month: datetime


@dataclass(frozen=True)
class BanInForce:
    ref: str
    ends_at: datetime | None


@dataclass(frozen=True)
class Earlier:
    cases: tuple[EarlierCase, ...] = ()
    bans: tuple[BanInForce, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.cases or self.bans)


def named(report: ReportRecord, config: CommunityConfig) -> frozenset[str]:
    """Who a report names, under every identity the identity map knows for them."""
    people = list(report.implicated)
    if report.flagged_author:
        people.append(report.flagged_author)
    return same_people(people, config)


async def index(session: AsyncSession, report: ReportRecord, config: CommunityConfig, *,
                fresh: bool = False) -> frozenset[str]:
    people = named(report, config)
    await earlier_q.index_people(session, report.id, people, fresh=fresh)
    return people


async def earlier_for(session: AsyncSession, report: ReportRecord, config: CommunityConfig,
                      now: datetime, found: list[earlier_q.Named] | None = None) -> Earlier:
    """`found`: the reports naming the same people, when the caller has just read them."""
    people = named(report, config)
    if not people:
        return Earlier()
    if found is None:
        found = await earlier_q.reports_naming_people(session, people, other_than=report.id, limit=MAX_LISTED * 3)
    visible = [n.report for n in found if n.hold not in HoldState.HIDDEN]
    listable = {e.id: e for e in earlier_cases_listable(report, visible, config)}
    shown = sorted(listable, reverse=True)[:MAX_LISTED]
    if not shown:
        return Earlier()
    outcomes = await earlier_q.latest_outcomes(session, shown)
    bans: list[triage_q.BanRecord] = []
    if any(o.outcome in BANS for o in outcomes.values()):
        # A ban on this person was decided on a case that named them: those cases are the ones to look at.
        bans = [b for b in await earlier_q.bans_in_force(session, outcomes, now)
                if same_people(b.subjects, config) & people]
    cases = tuple(
        EarlierCase(listable[i].ref, listable[i].state, outcomes[i].outcome if i in outcomes else None,
                    outcomes[i].at if i in outcomes else listable[i].created_at)
        for i in sorted(shown))
    return Earlier(cases, tuple(BanInForce(listable[b.report_id].ref, b.ends_at) for b in bans))


@dataclass
class EarlierService:
    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None] = field(default=lambda: None)

    async def send_view(self, new_ref: str, earlier_ref: str, user: str) -> Result:
        """The forum's "earlier R-0012": the same checks and audit as `view`, then the earlier case is sent to
        that member alone, as a direct message through the privacy gate (an outbox row)."""
        found = await self.view(new_ref, earlier_ref, user)
        if isinstance(found, Result):
            return found
        from cocbot.bot.earlier.texts import SENT_TO_YOU
        from cocbot.storage import outbox as outbox_q

        now = self.clock.now()
        async with self.db.transaction() as session:
            await outbox_q.enqueue(session, key=f"earlier:view:{found.report.id}:{user}:{now.timestamp()}",
                                   kind=VIEW_KIND, report_id=found.report.id, now=now,
                                   payload={"user": user, "from": new_ref})
        self.notify()
        return phrase(True, SENT_TO_YOU, ref=earlier_ref)

    async def view(self, new_ref: str, earlier_ref: str, user: str) -> Result | ReportView:
        """An earlier case opened from a new case's listing: allowed only to a reader of both, while the earlier
        one is still listable there; recorded in the earlier case's history."""
        from cocbot.bot.earlier.texts import REFUSED

        now = self.clock.now()
        async with self.db.transaction() as session:
            new = await reports_q.get_report_by_ref(session, new_ref)
            earlier = await reports_q.get_report_by_ref(session, earlier_ref)
            if new is None or earlier is None or not may_view_earlier(user, new, earlier, self.config):
                return phrase(False, REFUSED)
            from cocbot.storage.holds import is_hidden

            if await is_hidden(session, earlier.id):
                return phrase(False, REFUSED)
            await triage_q.append_audit(session, report_id=earlier.id, actor=user, action="view_earlier", now=now,
                                        detail={"from": new.ref})
            return ReportView(earlier, await triage_q.entries_for(session, earlier.id),
                              await triage_q.latest_assessment(session, earlier.id),
                              await triage_q.decisions_for(session, earlier.id),
                              await reports_q.addenda_for(session, earlier.id))
