"""Triage actions applied to storage: each is one transaction that locks the report, re-reads it, checks
the clicker's permission and the state machine (bot/triage/rules.py), and writes the change, its audit entry,
its outbox rows and its reminder changes together. Platform handlers call these with plain values.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.i18n import N_
from cocbot.bot.i18n.phrases import term
from cocbot.bot.reports.reporters import reachable
from cocbot.bot.reminders import hooks as reminders
from cocbot.bot.bans import hooks as bans_hooks
from cocbot.bot.bans import texts as bans_texts
from cocbot.bot.earlier import service as earlier
from cocbot.bot.triage import rules as triage
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.bans import Places
from cocbot.bot.triage.results import Entry, Result, phrase
from cocbot.bot.triage.core import ALREADY_APPROVED, UNKNOWN_REPORT, Refused
from cocbot.bot.triage.reading import TriageReading

MAX_TEXT = 3000
# What a note, a question or an answer asks for when it is empty.
_WRITE_THE = {"note": N_("Please write the note."), "question": N_("Please write the question."),
              "answer": N_("Please write the answer.")}


class TriageService(TriageReading):
    """Every triage action (the checks and shared effects are in bot/triage/core.py, the read-only views in
    bot/triage/reading.py)."""

    # ---- actions ----

    async def acknowledge(self, ref: str, user: str, channel: str | None) -> Result:
        now = self.clock.now()

        async def work(session: AsyncSession) -> Result:
            report = await self._locked(session, ref)
            self._check(report, user, channel)
            step = self._plan(triage.Action.ACKNOWLEDGE, report)
            await self._move_state(session, report, step, acknowledged_at=now)
            audit_id = await self._audit(session, report, user, "acknowledge", now,
                                         summary=f"{step.before.value} → {step.after.value}")
            # Keyed per report, so two members acknowledging at once still produce one DM.
            await self._tell_reporter(session, report, triage.Notice.ACKNOWLEDGED, f"report:{report.id}:acknowledged",
                                      now)
            await self._thread(session, report, "acknowledged", audit_id, now)
            await self._refresh(session, report, now)
            await reminders.on_acknowledged(session, report.id, now, self.config)
            return phrase(True, N_("You acknowledged %(ref)s. The reporter was told, without your name."),
                          ref=report.ref)

        return await self._run(work)

    async def assign(self, ref: str, user: str, channel: str | None, assignee: str | None = None) -> Result:
        now = self.clock.now()
        target = assignee or user

        async def work(session: AsyncSession) -> Result:
            report = await self._locked(session, ref)
            self._check(report, user, channel)
            step = self._plan(triage.Action.ASSIGN, report)
            if not self._eligible(report, target):
                raise Refused(N_("Only a committee member who may see this report can own it. Nothing was "
                                  "changed."),
                               {"assignee": N_("Choose a committee member who may see this report (not "
                                               "implicated, excluded or recused).")})
            if report.owner == target:
                raise Refused(N_("%(ref)s is already assigned to you.") if target == user else
                               N_("%(ref)s is already assigned to them."),
                               {"assignee": N_("They already own this report.")}, ref=report.ref)
            await self._move_state(session, report, step, owner=target)
            await self._audit(session, report, user, "assign", now, owner=target)
            await self._refresh(session, report, now)
            return phrase(True, N_("%(ref)s is now assigned to you.") if target == user else
                          N_("%(ref)s is now assigned to the member you chose."), ref=report.ref)

        return await self._run(work)

    async def recuse(self, ref: str, user: str, channel: str | None) -> Result:
        now = self.clock.now()

        async def work(session: AsyncSession) -> Result:
            report = await self._locked(session, ref)
            self._check(report, user, channel)
            self._plan(triage.Action.RECUSE, report)
            await reports_q.add_recused(session, report.id, user)
            recusal_id = await triage_q.add_recusal(session, report_id=report.id, member=user, now=now,
                                                    from_channel=report.space_channel)
            await earlier.readers_changed(session, report.id, self.config, f"recusal:{recusal_id}", now)
            values: dict[str, Any] = {"moving": True}
            if report.owner == user:
                values["owner"] = None
            await reports_q.update_report(session, report.id, **values)
            await self._audit(session, report, user, "recuse", now)
            await outbox_q.enqueue(session, key=f"report:{report.id}:move:{recusal_id}", kind="triage_move",
                                   report_id=report.id, now=now,
                                   payload={"from_channel": report.space_channel, "from_ts": report.message_ts})
            return phrase(True, N_("You stepped back from %(ref)s. The case moves to a new private space "
                                   "without you, and you will get no reminders about it."), ref=report.ref)

        return await self._run(work)

    async def assess(self, ref: str, user: str, values: dict[str, str | None], key: str) -> Result:
        now = self.clock.now()
        errors = triage.validate_assessment(values, self.config.triage.categories)
        if errors:
            return phrase(False, N_("Please check the assessment."), errors)

        async def work(session: AsyncSession) -> Result:
            report = await self._locked(session, ref)
            self._check(report, user, None)
            step = self._plan(triage.Action.ASSESS, report)
            assessment_id, created = await triage_q.add_assessment(
                session, report_id=report.id, key=key, actor=user, now=now, risk=str(values["risk"]),
                impact=str(values["impact"]), ongoing=str(values["ongoing"]), unsafe=values["unsafe"] == "yes",
                category=str(values["category"]), reporter_role=str(values["reporter_role"]))
            suggestion = triage.suggested_response(str(values["risk"]), str(values["impact"]))
            if created:
                await self._move_state(session, report, step)
                await reports_q.update_report(session, report.id, category=values["category"],
                                              reporter_role=values["reporter_role"])
                await self._audit(session, report, user, "assess", now,
                                  summary=f"risk {values['risk']} × impact {values['impact']}")
                await self._thread(session, report, "assessment", assessment_id, now)
                await self._refresh(session, report, now)
            return phrase(True, N_("Assessment saved. Suggested response: %(suggestion)s"),
                          suggestion=term(suggestion))

        return await self._run(work)

    def _text_error(self, text: str, what: str) -> Result | None:
        if not text.strip():
            problem = _WRITE_THE[what]
            return phrase(False, problem, {"text": problem})
        if len(text) > MAX_TEXT:
            problem = N_("This is %(count)d characters; the limit is %(limit)d.")
            return phrase(False, problem, {"text": problem}, count=len(text), limit=MAX_TEXT)
        return None

    async def add_note(self, ref: str, user: str, text: str, key: str) -> Result:
        return await self._committee_entry(ref, user, text, key, triage.Action.NOTE, "note",
                                           N_("Note added to the report's thread."))

    async def ask(self, ref: str, user: str, text: str, key: str) -> Result:
        return await self._committee_entry(
            ref, user, text, key, triage.Action.ASK, "question",
            N_("Your question was sent to the reporter. Their answer will appear in the thread."))

    async def _committee_entry(self, ref: str, user: str, text: str, key: str, action: triage.Action, kind: str,
                               done: str) -> Result:
        """A note (kept in the thread) or a question (also relayed to the reporter), stored once per key."""
        now = self.clock.now()
        problem = self._text_error(text, kind)
        if problem:
            return problem

        async def work(session: AsyncSession) -> Result:
            report = await self._locked(session, ref)
            self._check(report, user, None)
            if action == triage.Action.ASK and not reachable(report.reporter):
                raise Refused(N_("%(ref)s came from someone cocbot cannot write to (the public form, or a flag "
                                  "whose flagger is unknown), so no question can be relayed. Nothing was sent."),
                               ref=report.ref)
            step = self._plan(action, report)
            entry_id, created = await triage_q.add_entry(session, report_id=report.id, key=key, kind=kind,
                                                         author=user, text=text.strip(), now=now)
            if created:
                await self._move_state(session, report, step)
                await self._audit(session, report, user, "ask" if action == triage.Action.ASK else "note", now)
                await self._thread(session, report, kind, entry_id, now)
                if action == triage.Action.ASK:
                    await self._tell_reporter(session, report, triage.Notice.QUESTION, f"entry:{entry_id}:relay",
                                              now, entry_id)
                await self._refresh(session, report, now)
            return phrase(True, done)

        return await self._run(work)

    async def question_for_reply(self, question_id: int, user: str) -> Result | Entry:
        """The question a reporter is about to answer, if `user` is that report's reporter."""
        async with self.db.transaction() as session:
            entry = await triage_q.get_entry(session, question_id)
            report = None if entry is None else await reports_q.get_report(session, entry.report_id)
        if entry is None or report is None or entry.kind != "question" or report.reporter != user:
            return phrase(False, N_("Only the person who filed this report can answer its questions."))
        return entry

    async def reply(self, question_id: int, user: str, text: str, key: str) -> Result:
        now = self.clock.now()
        problem = self._text_error(text, "answer")
        if problem:
            return problem

        async def work(session: AsyncSession) -> Result:
            report = await self._locked_id(session, await triage_q.report_id_for_entry(session, question_id))
            question = await triage_q.get_entry(session, question_id)
            if question is None or question.kind != "question" or report.reporter != user:
                raise Refused(N_("Only the person who filed this report can answer its questions."),
                               {"text": N_("Only the person who filed this report can answer its questions.")})
            # The reporter is never recorded as the author: anonymous reports stay anonymous in storage too.
            entry_id, created = await triage_q.add_entry(session, report_id=report.id, key=key, kind="answer",
                                                         author=None, text=text.strip(), now=now,
                                                         question_id=question_id)
            if created:
                await self._audit(session, report, None, "answer", now)
                await self._thread(session, report, "answer", entry_id, now)
            return phrase(True, N_("Thank you. Your answer is stored and on its way to the committee handling "
                                   "%(ref)s."), ref=report.ref)

        return await self._run(work)

    async def decide(self, ref: str, user: str, draft: triage.DecisionDraft, key: str) -> Result:
        now = self.clock.now()

        async def work(session: AsyncSession) -> Result:
            if await triage_q.decision_by_key(session, key) is not None:  # the same modal submitted twice
                return phrase(True, N_("Decision recorded."))
            report = await self._locked(session, ref)
            self._check(report, user, None)
            if draft.outcome == triage.Outcome.WEEK_OFF and draft.ban_until is None:
                decision = replace(draft, ban_until=triage.week_off_end(now))
            else:
                decision = draft
            people = (*report.implicated, *report.witnesses, report.reporter,
                      *((report.flagged_author,) if report.flagged_author else ()))
            errors = triage.validate_decision(decision, now, people_in_report=people, max_chars=MAX_TEXT)
            if errors:
                raise Refused(N_("Please check the decision."), errors,
                               **triage.decision_args(decision, MAX_TEXT))
            step = self._plan(triage.Action.DECIDE, report)
            await self._move_state(session, report, step, decided_at=now)
            decision_id, _ = await triage_q.add_decision(
                session, report_id=report.id, key=key, actor=user, now=now, outcome=decision.outcome.value,
                message=decision.message.strip(), announcement=decision.announcement.strip() or None,
                announce_channel=decision.announce_channel)
            if decision.outcome in triage.BANS:
                ends = decision.ban_until
                if decision.outcome == triage.Outcome.PERMANENT_BAN:
                    ends = None
                ban_id = await triage_q.add_ban(session, report_id=report.id, decision_id=decision_id, now=now,
                                                outcome=decision.outcome.value, subjects=decision.ban_subjects,
                                                scope=decision.ban_scope.strip(), ends_at=ends)
                await bans_hooks.on_ban(session, ban_id=ban_id, report_id=report.id, ends_at=ends, now=now,
                                        config=self.config, places=Places(
                                            decision.ban_channels, decision.ban_workspace,
                                            decision.ban_categories, decision.ban_forum))
            await self._audit(session, report, user, "decide", now, summary=triage.OUTCOME_LABELS[decision.outcome])
            await self._thread(session, report, "decision", decision_id, now)
            await self._tell_reporter(session, report, triage.Notice.DECIDED, f"decision:{decision_id}:reporter",
                                      now, decision_id)
            await self._refresh(session, report, now)
            if decision.announcement.strip():
                return phrase(True, N_("Decision recorded on %(ref)s; the reporter is told by cocbot. The "
                                       "announcement is posted once a second committee member approves it."),
                              ref=report.ref)
            where = bans_texts.confirmed_places(Places(decision.ban_channels, decision.ban_workspace,
                                                       decision.ban_categories, decision.ban_forum)
                                                if decision.outcome in triage.BANS else Places())
            if where:
                return phrase(True, N_("Decision recorded on %(ref)s; the reporter is told by cocbot. The ban "
                                       "applies in: %(places)s."), ref=report.ref, places=where)
            return phrase(True, N_("Decision recorded on %(ref)s; the reporter is told by cocbot."), ref=report.ref)

        return await self._run(work)

    async def approve_announcement(self, decision_id: int, user: str) -> Result:
        now = self.clock.now()

        async def work(session: AsyncSession) -> Result:
            report = await self._locked_id(session, await triage_q.report_id_for_decision(session, decision_id))
            decision = await triage_q.get_decision(session, decision_id)
            if decision is None:
                raise Refused(UNKNOWN_REPORT)
            self._check_announcement(report, decision, user)
            if not await triage_q.approve_announcement(session, decision_id, approver=user, now=now):
                raise Refused(ALREADY_APPROVED)
            await self._audit(session, report, user, "approve_announcement", now)
            await outbox_q.enqueue(session, key=f"decision:{decision_id}:announce", kind="triage_announce",
                                   report_id=report.id, payload={"decision": decision_id}, now=now)
            await self._thread(session, report, "approved", decision_id, now)
            return phrase(True, N_("Approved. cocbot posts the announcement now."))

        return await self._run(work)

    async def close(self, ref: str, user: str, channel: str | None) -> Result:
        return await self._close_or_reopen(ref, user, channel, reopen=False)

    async def reopen(self, ref: str, user: str, channel: str | None) -> Result:
        return await self._close_or_reopen(ref, user, channel, reopen=True)

    async def _close_or_reopen(self, ref: str, user: str, channel: str | None, *, reopen: bool) -> Result:
        now = self.clock.now()
        action, notice, name = ((triage.Action.REOPEN, triage.Notice.REOPENED, "reopen") if reopen
                                else (triage.Action.CLOSE, triage.Notice.CLOSED, "close"))

        async def work(session: AsyncSession) -> Result:
            report = await self._locked(session, ref)
            self._check(report, user, channel)
            step = self._plan(action, report)
            stamp = {"reopened_at": now} if reopen else {"closed_at": now}
            await self._move_state(session, report, step, **stamp)
            audit_id = await self._audit(session, report, user, name, now)
            past = "reopened" if reopen else "closed"
            await self._tell_reporter(session, report, notice, f"report:{report.id}:{past}:{audit_id}", now)
            await self._refresh(session, report, now)
            if reopen:
                await reminders.on_reopened(session, report.id, now, self.config)
                return phrase(True, N_("%(ref)s is open again and in progress."), ref=report.ref)
            await reminders.on_closed(session, report.id, now)
            return phrase(True, N_("%(ref)s is closed."), ref=report.ref)

        return await self._run(work)
