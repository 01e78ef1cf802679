"""The triage service's shared core: the checks every triage step faces (the clicker's permission, where the
case is, the state machine) and the effects every action writes in its transaction (state, audit entry,
outbox rows). The read-only views are in bot/triage/reading.py, the actions in bot/triage/service.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.reports.readers.service import outside_picked
from cocbot.bot.i18n import N_
from cocbot.bot.i18n.phrases import english_of
from cocbot.bot.reports.reporters import reachable
from cocbot.bot.committees import access
from cocbot.bot.transparency import statistics
from cocbot.bot.triage import rules as triage
from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.db import Database
from cocbot.bot.triage.results import DecisionRecord, ReportRecord, Result

ALREADY_APPROVED = N_("This announcement was already approved; it is posted once.")
UNKNOWN_REPORT = N_("That report could not be found. Nothing was changed.")


class Refused(Exception):
    """Raised inside a transaction so a refused click rolls back and changes nothing."""

    def __init__(self, template: str, errors: dict[str, str] | None = None, **args: Any) -> None:
        super().__init__(template)
        self.template = template
        self.errors = errors or {}
        self.values = args  # named placeholders (not Exception.args)

    @classmethod
    def of(cls, refusal: triage.Refusal) -> Refused:
        return cls(refusal.template or refusal.message, **refusal.args)

    def result(self) -> Result:
        return Result(False, english_of(self.template, self.values), self.errors, template=self.template,
                      args=self.values)


@dataclass
class TriageCore:
    """What every triage step shares; TriageService (bot/triage/service.py) is the one to construct."""

    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None] = field(default=lambda: None)
    # When each member added later joined (bot/committees/membership.py, at start-up).
    joined: dict[str, datetime] = field(default_factory=dict)

    # ---- checks ----

    def _permission(self, report: ReportRecord, user: str) -> triage.Refusal | None:
        committee = self.config.committee
        return triage.permission(user, ref=report.ref, members=committee.members,
                                 escalation_contact=committee.escalation_contact, space_kind=report.space_kind,
                                 implicated=report.implicated, recused=report.recused,
                                 excluded=(*report.excluded, *outside_picked(report, self.config)),
                                 flagged_author=report.flagged_author) or access.refusal(
            report, user, self.joined, committee.new_members_see)

    def _check(self, report: ReportRecord, user: str, channel: str | None) -> None:
        refusal = self._permission(report, user)
        if refusal is not None:
            raise Refused.of(refusal)
        if report.moving:
            raise Refused(N_("%(ref)s is moving to a new private space because a conflict was declared. "
                              "Try again in a minute, there."), ref=report.ref)
        if report.message_ts is None:
            raise Refused(N_("%(ref)s has not reached the committee yet. Nothing was changed."), ref=report.ref)
        # A click on a message the case has left (it moved after a recusal) is not acted on.
        if channel and report.space_kind != "escalation" and channel != report.space_channel:
            raise Refused(N_("%(ref)s has moved to another private space; please act on it there."),
                           ref=report.ref)

    def _plan(self, action: triage.Action, report: ReportRecord) -> triage.Transition:
        planned = triage.plan(action, report.state, report.ref)
        if isinstance(planned, triage.Refusal):
            raise Refused.of(planned)
        return planned

    def _eligible(self, report: ReportRecord, user: str) -> bool:
        return self._permission(report, user) is None

    async def _locked(self, session: AsyncSession, ref: str) -> ReportRecord:
        if not await triage_q.lock_report_by_ref(session, ref):
            raise Refused(UNKNOWN_REPORT)
        report = await reports_q.get_report_by_ref(session, ref)
        if report is None:
            raise Refused(UNKNOWN_REPORT)
        return report

    async def _locked_id(self, session: AsyncSession, report_id: int | None) -> ReportRecord:
        if report_id is None or not await triage_q.lock_report(session, report_id):
            raise Refused(UNKNOWN_REPORT)
        report = await reports_q.get_report(session, report_id)
        if report is None:
            raise Refused(UNKNOWN_REPORT)
        return report

    # ---- shared effects ----

    async def _move_state(self, session: AsyncSession, report: ReportRecord, step: triage.Transition,
                          **values: Any) -> None:
        if not step.changes and not values:
            return
        ok = await triage_q.transition(session, report.id, before=step.before.value, after=step.after.value,
                                       **values)
        if not ok:  # the row is locked, so this means storage and memory disagree: refuse, change nothing
            raise Refused(f"{report.ref} changed while you clicked; please look at it again.")

    async def _refresh(self, session: AsyncSession, report: ReportRecord, now: datetime) -> None:
        await outbox_q.enqueue(session, key=f"report:{report.id}:refresh:{report.version}", kind="triage_refresh",
                               report_id=report.id, now=now)
        # Refresh again just after the next deadline, so the message says "overdue" without anyone clicking.
        from cocbot.bot.reminders import deadlines

        fresh = await reports_q.get_report(session, report.id)
        if fresh is None:
            return
        await statistics.refresh(session, [report.id], self.config)
        due = deadlines.current_deadline(fresh.state, created_at=fresh.created_at,
                                         acknowledged_at=fresh.acknowledged_at, reopened_at=fresh.reopened_at,
                                         policy=self.config.policy,
                                         calendar=deadlines.calendar_from_policy(self.config.policy))
        if due is not None and due[1] > now:
            at = due[1] + timedelta(minutes=1)
            await outbox_q.enqueue(session, key=f"report:{report.id}:refresh_due:{int(at.timestamp())}",
                                   kind="triage_refresh", report_id=report.id, now=now, due_at=at)

    async def _thread(self, session: AsyncSession, report: ReportRecord, post: str, ref_id: int,
                      now: datetime) -> None:
        await outbox_q.enqueue(session, key=f"report:{report.id}:thread:{post}:{ref_id}", kind="triage_thread",
                               report_id=report.id, payload={"post": post, "id": ref_id}, now=now)

    async def _tell_reporter(self, session: AsyncSession, report: ReportRecord, notice: triage.Notice, key: str,
                             now: datetime, ref_id: int | None = None) -> None:
        role = triage.reporter_role(report.reporter, report.witnesses, report.reporter_role)
        if not triage.tells_reporter(notice, role) or not reachable(report.reporter):
            return
        await outbox_q.enqueue(session, key=key, kind="triage_tell_reporter", report_id=report.id,
                               payload={"notice": notice.value, "id": ref_id}, now=now)

    async def _audit(self, session: AsyncSession, report: ReportRecord, actor: str | None, action: str,
                     now: datetime, **detail: Any) -> int:
        return await triage_q.append_audit(session, report_id=report.id, actor=actor, action=action, now=now,
                                           detail=detail)

    async def _run(self, work: Callable[[AsyncSession], Any]) -> Result:
        try:
            async with self.db.transaction() as session:
                result = await work(session)
        except Refused as refused:
            return refused.result()
        self.notify()
        return result

    def _check_announcement(self, report: ReportRecord, decision: DecisionRecord, user: str) -> None:
        self._check(report, user, None)
        self._plan(triage.Action.APPROVE_ANNOUNCEMENT, report)
        if decision.announcement_state == "approved":
            raise Refused(ALREADY_APPROVED)
        if decision.announcement_state != "pending":
            raise Refused(N_("This decision has no announcement to approve."))
        if decision.actor == user:
            raise Refused(N_("A second committee member must approve the announcement you drafted."))
