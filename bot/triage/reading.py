"""What the triage service shows without changing a case: the checks before a modal opens, the full report
and its trail for one member (each read recorded in the audit log), an announcement awaiting review.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.triage import rules as triage
from cocbot.storage import audit as audit_q
from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.bot.triage.results import Authorized, DecisionRecord, ReportView, Result, phrase
from cocbot.bot.triage.core import UNKNOWN_REPORT, TriageCore, Refused


class TriageReading(TriageCore):
    """Opening modals and read-only views."""

    async def authorize(self, ref: str, user: str, channel: str | None, action: triage.Action) -> Result | Authorized:
        """The same checks a click's action will face, before a modal is opened for it."""
        async with self.db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
            if report is None:
                return phrase(False, UNKNOWN_REPORT)
            try:
                self._check(report, user, channel)
                self._plan(action, report)
            except Refused as refused:
                return refused.result()
            assessment = await triage_q.latest_assessment(session, report.id)
        return Authorized(report, assessment)

    async def view_report(self, ref: str, user: str, channel: str | None) -> Result | ReportView:
        """The full report for one member, recorded in the audit log (who read what, when)."""
        now = self.clock.now()
        view: list[ReportView] = []

        async def work(session: AsyncSession) -> Result:
            report = await self._locked(session, ref)
            self._check(report, user, channel)
            await self._audit(session, report, user, "view", now)
            view.append(ReportView(report, await triage_q.entries_for(session, report.id),
                                   await triage_q.latest_assessment(session, report.id),
                                   await triage_q.decisions_for(session, report.id),
                                   await reports_q.addenda_for(session, report.id)))
            return Result(True)

        result = await self._run(work)
        return view[0] if result.ok else result

    async def history(self, ref: str, user: str, channel: str | None, *, before: int | None = None,
                      after: int | None = None, size: int | None = None) -> Result | audit_q.TrailPage:
        """A page of the case's trail, newest first (see storage.audit.page); each page opened is recorded."""
        async with self.db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
            if report is None:
                return phrase(False, UNKNOWN_REPORT)
            try:
                self._check(report, user, channel)
            except Refused as refused:
                return refused.result()
            await self._audit(session, report, user, "history", self.clock.now())
            return await audit_q.page(session, report.id, size=size, before=before, after=after)

    # ---- actions ----
    async def announcement_for_review(self, decision_id: int, user: str) -> Result | DecisionRecord:
        async with self.db.transaction() as session:
            report_id = await triage_q.report_id_for_decision(session, decision_id)
            report = None if report_id is None else await reports_q.get_report(session, report_id)
            decision = await triage_q.get_decision(session, decision_id)
        if report is None or decision is None:
            return phrase(False, UNKNOWN_REPORT)
        try:
            self._check_announcement(report, decision, user)
        except Refused as refused:
            return refused.result()
        return decision

    async def ref_for_report(self, report_id: int) -> str:
        async with self.db.transaction() as session:
            report = await reports_q.get_report(session, report_id)
        return report.ref if report else "your report"

    # ---- bans (review) ----

    async def active_bans(self) -> list[triage_q.BanRecord]:
        async with self.db.transaction() as session:
            return await triage_q.active_bans(session, self.clock.now())
