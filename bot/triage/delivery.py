"""The outbox kinds triage writes: refresh the report's message, post in its thread, tell the reporter,
post an approved announcement, and move a case after a recusal. Every send goes through the privacy gate;
routing and space creation are the report delivery's own (Deliveries.settle_space), shared rather than copied.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.i18n import Translator, translator
from cocbot.bot.reports import texts
from cocbot.bot.triage import rules as triage
from cocbot.bot.triage import texts as triage_texts
from cocbot.bot.reports.delivery import Deliveries, report_of
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messages import Message
from cocbot.bot.messenger import DeliveryError, Posted
from cocbot.bot.outbox.worker import Deferred, Done, OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate, PrivacyHold
from cocbot.bot.reports.routing import RouteKind
from cocbot.bot.earlier import rows as earlier_rows
from cocbot.storage import bans as bans_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import ReportRecord

log = logging.getLogger("cocbot.triage")
operator_log = logging.getLogger("cocbot.operator")

# Outbox kinds whose results are the case's messages in its space (not the reporter's DMs).
SPACE_KINDS = ("deliver_report", "deliver_addendum", "triage_thread", "triage_move", "earlier_cases", "earlier_refresh",
               "hold_marker")


@dataclass
class TriageDeliveries:
    deliveries: Deliveries

    @property
    def db(self) -> Database:
        return self.deliveries.db

    @property
    def config(self) -> CommunityConfig:
        return self.deliveries.config

    @property
    def gate(self) -> PrivacyGate:
        return self.deliveries.gate

    def register(self, worker: OutboxWorker) -> None:
        worker.register("triage_refresh", self.refresh)
        worker.register("triage_thread", self.thread)
        worker.register("triage_tell_reporter", self.tell_reporter)
        worker.register("triage_announce", self.announce)
        worker.register("triage_move", self.move)

    async def _report(self, item: ClaimedItem) -> ReportRecord:
        return await report_of(self.db, item)

    async def _space_report(self, item: ClaimedItem) -> ReportRecord:
        """The report, once it can take posts in its space (not while a recusal moves it)."""
        report = await self._report(item)
        if report.moving:
            raise Deferred("the case is moving to a new space", seconds=2.0)
        if report.message_ts is None or report.space_channel is None:
            if report.delivery_state == "held":
                raise DeliveryError("report_held", transient=False)
            raise Deferred("report not delivered yet", seconds=2.0)
        return report

    async def _main_post(self, report: ReportRecord) -> Posted:
        """Where the report's message is: an escalation DM's conversation id comes from its delivery."""
        channel = report.space_channel or ""
        if report.space_kind == RouteKind.ESCALATION:
            async with self.db.transaction() as session:
                for posted_channel, ts in await triage_q.posted_messages(session, report.id, SPACE_KINDS):
                    if ts == report.message_ts:
                        channel = posted_channel
        return Posted(channel, report.message_ts or "")

    async def _outcome(self, report: ReportRecord) -> str | None:
        if report.state not in (triage.State.DECIDED, triage.State.CLOSED):
            return None
        async with self.db.transaction() as session:
            decisions = await triage_q.decisions_for(session, report.id)
        return decisions[-1].outcome if decisions else None

    def _committee(self) -> Translator:
        return translator(self.config.community.language)

    async def message_for(self, report: ReportRecord) -> Message:
        return texts.committee_report(report, self.config, self.deliveries.clock.now(),
                                      outcome=await self._outcome(report))

    async def refresh(self, item: ClaimedItem) -> dict[str, Any]:
        report = await self._space_report(item)
        posted = await self._main_post(report)
        await self.gate.update_in_space(report, posted, await self.message_for(report))
        await self._unless_moved_meanwhile(report, posted)
        return {"channel": posted.channel, "ts": posted.ts, "updated": True}

    async def thread(self, item: ClaimedItem) -> dict[str, Any]:
        report = await self._space_report(item)
        message = await self._thread_message(report, str(item.payload["post"]), int(item.payload["id"]))
        posted = await self.gate.post_to_space(report, message, thread=report.message_ts, key=item.key,
                                               earlier_since=item.earlier_since)
        await self._unless_moved_meanwhile(report, posted)
        return {"channel": posted.channel, "ts": posted.ts}

    async def _unless_moved_meanwhile(self, before: ReportRecord, posted: Posted) -> None:
        """A recusal committed between reading the report and sending: the move may already have collected
        the old space's messages, so this one hides itself rather than stay readable to the recused."""
        async with self.db.transaction() as session:
            now = await reports_q.get_report(session, before.id)
        moved = now is not None and (now.moving or now.recused != before.recused
                                     or now.space_channel != before.space_channel)
        if moved:
            await self.gate.update_without_content(before, posted,
                                                   triage_texts.moved_message(before.ref, tr=self._committee()))

    async def _thread_message(self, report: ReportRecord, post: str, ref_id: int) -> Message:
        config = self.config
        async with self.db.transaction() as session:
            if post in ("note", "question", "answer"):
                entry = await triage_q.get_entry(session, ref_id)
                if entry is None:
                    raise DeliveryError("entry_missing", transient=False)
                if post == "note":
                    return triage_texts.note_post(report, entry, config, tr=self._committee())
                if post == "question":
                    return triage_texts.question_post(report, entry, config, tr=self._committee())
                question = await triage_q.get_entry(session, entry.question_id) if entry.question_id else None
                return triage_texts.answer_post(report, entry, question, config, tr=self._committee())
            if post == "assessment":
                assessment = await triage_q.get_assessment(session, ref_id)
                if assessment is None:
                    raise DeliveryError("assessment_missing", transient=False)
                return triage_texts.assessment_post(report, assessment, tr=self._committee())
            if post in ("decision", "approved"):
                decision = await triage_q.get_decision(session, ref_id)
                if decision is None:
                    raise DeliveryError("decision_missing", transient=False)
                if post == "approved":
                    return triage_texts.announcement_approved_post(report, decision, tr=self._committee())
                bans = [b for b in await triage_q.bans_for(session, report.id) if b.decision_id == decision.id]
                places = {b.id: e.places for b in bans if (e := await bans_q.get(session, b.id)) is not None}
                role = triage.reporter_role(report.reporter, report.witnesses, report.reporter_role)
                return triage_texts.decision_post(report, decision, bans, role, config, tr=self._committee(),
                                                  places=places)
            if post == "acknowledged":
                audit = await triage_q.get_audit(session, ref_id)
                return triage_texts.acknowledged_post(report, audit.actor if audit and audit.actor else "",
                                                      tr=self._committee())
        raise DeliveryError(f"unknown_thread_post_{post}", transient=False)

    async def tell_reporter(self, item: ClaimedItem) -> dict[str, Any]:
        report = await self._report(item)
        notice = triage.Notice(str(item.payload["notice"]))
        ref_id = item.payload.get("id", 0)
        role = triage.reporter_role(report.reporter, report.witnesses, report.reporter_role)
        tr = await self.deliveries.reporter_language(report)
        if notice == triage.Notice.ACKNOWLEDGED:
            message = triage_texts.reporter_acknowledged(report, self.config, tr)
        elif notice == triage.Notice.QUESTION:
            async with self.db.transaction() as session:
                entry = await triage_q.get_entry(session, int(ref_id))
            if entry is None:
                raise DeliveryError("entry_missing", transient=False)
            message = triage_texts.reporter_question(report, entry, tr)
        elif notice == triage.Notice.DECIDED:
            async with self.db.transaction() as session:
                decision = await triage_q.get_decision(session, int(ref_id))
            if decision is None:
                raise DeliveryError("decision_missing", transient=False)
            message = triage_texts.reporter_decided(report, decision, role, self.config, tr)
        elif notice == triage.Notice.CLOSED:
            message = triage_texts.reporter_closed(report, tr)
        else:
            message = triage_texts.reporter_reopened(report, tr)
        posted = await self.gate.post_to_reporter(report, message)
        return {"channel": posted.channel, "ts": posted.ts}

    async def announce(self, item: ClaimedItem) -> dict[str, Any]:
        async with self.db.transaction() as session:
            decision = await triage_q.get_decision(session, int(item.payload["decision"]))
        if decision is None or decision.announcement_state != "approved" or not decision.announcement:
            raise DeliveryError("announcement_not_approved", transient=False)
        if not decision.announce_channel:
            raise DeliveryError("announcement_without_channel", transient=False)
        posted = await self.gate.post_without_content(decision.announce_channel,
                                                      triage_texts.announcement(decision.announcement, translator(
                                                          self.config.duty.language or self.config.community.language)))
        return {"channel": posted.channel, "ts": posted.ts}

    async def move(self, item: ClaimedItem) -> dict[str, Any] | Done:
        """After a recusal: a new private space with the remaining eligible members, the case and its
        history reposted there, and every message of the old space replaced by a content-free note."""
        report = await self._report(item)
        from_channel = item.payload.get("from_channel")
        from_ts = item.payload.get("from_ts")
        # Find the old space's messages before the report's space is replaced.
        async with self.db.transaction() as session:
            posted = await triage_q.posted_messages(session, report.id, SPACE_KINDS)
        old_channel = next((c for c, ts in posted if ts == from_ts), from_channel)
        old_messages = [(c, ts) for c, ts in posted if c == old_channel]
        new_channel = report.space_channel
        where = self.gate.place(report)
        if report.space_channel == from_channel:
            # Forget the old space first, so a retry after a crash never posts there again.
            report = await self.deliveries.update(report, space_kind=None, space_channel=None, message_ts=None,
                                                  space_invited=False)
        placed = await self.deliveries.settle_space(report, where, avoid_committee_channel=True)
        report = placed.report
        if placed.held:
            operator_log.warning("report %s: after a recusal nobody eligible is left; it is held", report.ref)
        elif report.message_ts is None:
            message = await self.message_for(report)
            new_post = await self.gate.post_to_space(report, message, where=where, key=f"{item.key}:report",
                                                     earlier_since=item.earlier_since)
            new_channel = new_post.channel
            report = await self.deliveries.update(report, message_ts=new_post.ts)
            async with self.db.transaction() as session:
                audit = await triage_q.audit_for(session, report.id)
                notes = await triage_q.entries_for(session, report.id)
                await triage_q.append_audit(session, report_id=report.id, actor=None, action="moved",
                                            now=self.deliveries.clock.now())
            history = triage_texts.history_post(report, audit, notes, self.config, tr=self._committee())
            await self.gate.post_to_space(report, history,
                                          where=where, thread=new_post.ts, key=f"{item.key}:history",
                                          earlier_since=item.earlier_since)
        await self._mark_moved(report, old_messages)
        report = await self.deliveries.update(report, moving=False)
        log.info("report %s moved after a recusal (%s)", report.ref, report.space_kind)
        result = {"channel": new_channel, "ts": report.message_ts, "moved_from": old_channel}
        if placed.held:
            return result
        now = self.deliveries.clock.now()

        async def relist(session: AsyncSession) -> None:
            # The listing in the old space was replaced with the rest; the new space's readers get their own.
            await outbox_q.enqueue_many(session, [earlier_rows.refresh_row(report.id, item.key)], now=now)

        return Done(result, relist)

    async def _mark_moved(self, report: ReportRecord, old_messages: list[tuple[str, str]]) -> None:
        message = triage_texts.moved_message(report.ref, tr=self._committee())
        for channel, ts in old_messages:
            try:
                await self.gate.update_without_content(report, Posted(channel, ts), message)
            except DeliveryError as exc:
                if exc.transient:
                    raise
                # A message deleted by hand or a space archived: nothing left there to hide.
                log.info("report %s: an old message could not be marked moved (%s)", report.ref, exc.code)
            except PrivacyHold:
                raise
