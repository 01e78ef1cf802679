"""Earlier cases naming the same person as a new report, and the bans in force on them.

Found through the people index (storage/earlier.py: keyed hashes, one indexed query), then narrowed to what
every reader of the new case may read, from the same index (bot/reports/privacy.py `listable_from_index`,
the rule of `earlier_cases_listable` without unsealing a case)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reports.privacy import (allowed_readers, earlier_cases_listable, listable_from_index,
                                        may_view_earlier)
from cocbot.bot.reports.routing import blocked_people
from cocbot.bot.reports.spaces import identity_links, same_people
from cocbot.bot.triage.results import ReportView, Result, phrase
from cocbot.bot.triage.rules import BANS
from cocbot.storage import earlier as earlier_q
from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.content import SEAL
from cocbot.storage.db import Database
from cocbot.storage.holds import HoldState
from cocbot.storage.reports import ReportRecord

# An earlier case sent to one member who asked for it from a new case's forum PM.
VIEW_KIND = "earlier_view"
# The stored outcomes of a ban, as strings: matching them against the enum members costs more than the rest
# of a listing's check.
BAN_OUTCOMES = frozenset(str(o.value) for o in BANS)
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


def map_digest(config: CommunityConfig) -> str:
    """The identity map a case's index entries were written under: entries written under another map may
    link people differently, so such a case is checked from its sealed record until it is indexed again."""
    return identity_links(config).digest


async def index(session: AsyncSession, report: ReportRecord, config: CommunityConfig, *,
                fresh: bool = False) -> frozenset[str]:
    """Index who the report names and, for a report naming someone, who it keeps out and its chosen readers
    (what the earlier-cases check needs to know without unsealing it)."""
    people, kept_out, readers = indexed_people(report, config)
    if not fresh:  # written again whole: the guards are not told apart from the people by their keys
        await earlier_q.forget_people(session, report.id)
    # One statement with who it names (on the intake path of every report naming someone).
    guards = earlier_q.guard_rows(report.id, kept_out=kept_out, readers=readers, digest=map_digest(config))
    await earlier_q.index_people(session, report.id, people, fresh=True, guards=guards)
    return people


def indexed_people(report: ReportRecord, config: CommunityConfig
                   ) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Who a case names, who else it keeps out, and its chosen readers, each under every identity the identity
    map gives them: with the people named, the rest is everyone `blocked_for` keeps out (bot/reports/privacy)."""
    people = named(report, config)
    blocked = same_people(blocked_people(implicated=report.implicated, excluded=report.excluded,
                                         recused=report.recused, flagged_author=report.flagged_author), config)
    readers = same_people(report.readers, config) if report.readers else frozenset()
    return people, blocked - people, readers


async def reindex(session: AsyncSession, report_id: int, config: CommunityConfig) -> None:
    """After who may read a case changed (a recusal, readers widened): its index entries written again."""
    report = await reports_q.get_report(session, report_id)
    await earlier_q.forget_people(session, report_id)
    if report is not None and not await is_hidden_ended(session, report_id):
        await index(session, report, config, fresh=True)


# The newest other cases naming the same people whose listings are shown again when a case's readers change.
RELIST_LIMIT = 50


async def readers_changed(session: AsyncSession, report_id: int, config: CommunityConfig, why: str,
                          now: datetime) -> None:
    """Who may read a case changed (a recusal, readers widened): its index entries are written again, and the
    listings of the other cases naming the same people are shown again (the case may leave or join them)."""
    from cocbot.bot.earlier.rows import refresh_row
    from cocbot.storage import outbox as outbox_q

    await reindex(session, report_id, config)
    report = await reports_q.get_report(session, report_id)
    if report is None:
        return
    others = await earlier_q.reports_naming(session, named(report, config), escrow=False, other_than=report_id)
    await outbox_q.enqueue_many(session, [refresh_row(i, why) for i in others[-RELIST_LIMIT:]], now=now)


async def is_hidden_ended(session: AsyncSession, report_id: int) -> bool:
    """A withdrawn or expired held report keeps no index entries."""
    from cocbot.storage.holds import get_hold

    hold = await get_hold(session, report_id)
    return hold is not None and hold.state in (HoldState.WITHDRAWN, HoldState.EXPIRED)


async def earlier_for(session: AsyncSession, report: ReportRecord, config: CommunityConfig,
                      now: datetime) -> Earlier:
    """Read from the people index (plain columns and keyed hashes); a case indexed before its guards were (or
    under another identity map) is checked from its sealed record."""
    people = named(report, config)
    if not people:
        return Earlier()
    readers = allowed_readers(report, config)
    if not readers:
        return Earlier()
    found = await earlier_q.cases_naming(session, people, other_than=report.id, limit=MAX_LISTED * 3,
                                         asked=same_people(readers, config), digest=map_digest(config), now=now)
    if not found:
        return Earlier()
    ok = listable_from_index(report, [(c.id, c.platform, c.space_kind, c.guard) for c in found], config)
    unindexed = {c.id for c in found if not c.guard.indexed}
    if unindexed:
        records = (await reports_q.get_reports(session, unindexed)).values()
        ok |= {e.id for e in earlier_cases_listable(report, records, config)}
    listable = {c.id: c for c in found if c.id in ok}
    shown = sorted(listable, reverse=True)[:MAX_LISTED]
    if not shown:
        return Earlier()
    outcomes = {i: o for i in shown if (o := listable[i].outcome) is not None}
    # A ban on this person was decided on a case that named them: those cases are the ones to look at. Their
    # bans in force came with the cases; only theirs are unsealed.
    decided = sorted(((b, i) for i, o in outcomes.items() if o.outcome in BAN_OUTCOMES for b in listable[i].bans),
                     key=lambda found: found[0].id)
    bans = tuple(BanInForce(listable[i].ref, b.ends_at) for b, i in decided
                 if same_people(SEAL.unseal(b.subjects_sealed), config) & people)
    cases = tuple(
        EarlierCase(listable[i].ref, listable[i].state, o.outcome if (o := outcomes.get(i)) else None,
                    o.at if o else listable[i].created_at)
        for i in sorted(shown))
    return Earlier(cases, bans)


@dataclass
class EarlierService:
    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None] = field(default=lambda: None)

    async def send_view(self, new_ref: str, earlier_ref: str, user: str, platform: str = "discourse") -> Result:
        """The forum's "earlier R-0012": the same checks and audit as `view`, then the earlier case is sent to
        that member alone, as a direct message through the privacy gate (an outbox row), on the `platform` they
        asked from, wherever the earlier case was filed."""
        found = await self.view(new_ref, earlier_ref, user)
        if isinstance(found, Result):
            return found
        from cocbot.bot.earlier.texts import SENT_TO_YOU
        from cocbot.storage import outbox as outbox_q

        now = self.clock.now()
        async with self.db.transaction() as session:
            await outbox_q.enqueue(session, key=f"earlier:view:{found.report.id}:{user}:{now.timestamp()}",
                                   kind=VIEW_KIND, report_id=found.report.id, now=now,
                                   payload={"user": user, "from": new_ref, "platform": platform})
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
