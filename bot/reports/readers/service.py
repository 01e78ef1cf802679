"""Choose who hears it: a reporter may let only some committee members see their report.

Routing, the privacy gate, reminders, escalation and danger pages then treat those members as the committee
for that report: everyone else on the committee (and the escalation contact, unless chosen) is kept out the
way an excluded member is. When none of them can take it, or none acknowledges it by the deadline, the
reporter is asked before anyone else is brought in (bot/reports/readers/delivery.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.i18n import Translator, english, translator
from cocbot.bot.reports.readers import texts
from cocbot.bot.reports.spaces import committee_space, same_people
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database

if TYPE_CHECKING:
    from cocbot.bot.reports.intake import ReportDraft
    from cocbot.storage.reports import ReportRecord

ASK = "readers_ask"  # ask the reporter whether the whole committee may see it
WIDENED = "readers_widened"  # the reporter said yes: bring the rest of the committee in
WIDEN_ACTION = "readers_widen"
KEEP_ACTION = "readers_keep"


def committee_people(config: CommunityConfig) -> frozenset[str]:
    """Everyone who reads reports for the committee, on either platform."""
    people = set(config.committee.members) | {config.committee.escalation_contact or "",
                                              config.committee.chair or ""}
    if config.discourse is not None:
        d = config.discourse
        people |= set(d.committee) | {d.escalation_contact or "", d.chair or ""}
    return same_people(people - {""}, config)


def outside_picked(report: ReportRecord, config: CommunityConfig) -> frozenset[str]:
    """The committee people a report with chosen readers keeps out (none when the reporter chose nobody)."""
    if not report.readers:
        return frozenset()
    return committee_people(config) - same_people(report.readers, config)


def readers_errors(draft: ReportDraft, config: CommunityConfig, tr: Translator | None = None) -> dict[str, str]:
    if not draft.readers:
        return {}
    tr = tr or english()
    space = committee_space(draft.platform, config)
    members = same_people(space.members, config)
    if any(p not in members for p in draft.readers):
        return {"readers": texts.only_committee(tr)}
    kept_out = same_people((*draft.excluded, *draft.implicated), config)
    if all(p in kept_out for p in draft.readers):
        return {"readers": texts.everyone_chosen_is_kept_out(tr)}
    return {}


async def schedule_ask(session: AsyncSession, report: ReportRecord, now: datetime, config: CommunityConfig) -> None:
    """With chosen readers, ask the reporter at the acknowledgement deadline if nobody has acknowledged."""
    if not report.readers:
        return
    from cocbot.bot.reminders import deadlines

    calendar = deadlines.calendar_from_policy(config.policy)
    deadline = deadlines.acknowledge_deadline(now, config.policy, calendar)
    await outbox_q.enqueue(session, key=f"report:{report.id}:{ASK}:silent", kind=ASK, report_id=report.id, now=now,
                           payload={"why": "silent"}, due_at=deadline)


@dataclass(frozen=True)
class Answer:
    ok: bool
    message: str


@dataclass
class ReadersService:
    """The reporter's answer: let the whole committee see it, or keep it with the people they chose."""

    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None] = lambda: None

    async def widen(self, ref: str, user: str, tr: Translator | None = None) -> Answer:
        """`tr`: the reporter's language (the edge knows it); the community's by default."""
        tr = tr or translator(self.config.community.language)
        now = self.clock.now()
        async with self.db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
            if report is None or report.reporter not in same_people({user}, self.config):
                return Answer(False, texts.only_the_reporter(tr))
            if not report.readers:
                return Answer(True, texts.already_whole(tr, ref))
            await reports_q.set_readers(session, report.id, ())
            from cocbot.bot.earlier import service as earlier  # it checks readers through this module

            await earlier.readers_changed(session, report.id, self.config, "widened", now)
            if report.delivery_state == "held":
                # Never shown to anyone: route it again, now to the whole committee.
                await reports_q.update_report(session, report.id, delivery_state="pending", space_kind=None)
                await outbox_q.enqueue(session, key=f"report:{report.id}:deliver:widened", kind="deliver_report",
                                       report_id=report.id, now=now)
            else:
                await outbox_q.enqueue(session, key=f"report:{report.id}:{WIDENED}", kind=WIDENED,
                                       report_id=report.id, now=now)
        self.notify()
        return Answer(True, texts.widened(tr, ref))

    async def keep(self, ref: str, user: str, tr: Translator | None = None) -> Answer:
        tr = tr or translator(self.config.community.language)
        async with self.db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
        if report is None or report.reporter not in same_people({user}, self.config):
            return Answer(False, texts.only_the_reporter(tr))
        return Answer(True, texts.kept(tr, ref))
