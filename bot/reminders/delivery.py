"""The reminder outbox kinds: what happens when a reminder row falls due.

Every handler re-reads the report when its turn comes and skips (returning a result that says so) if
the reminder no longer applies — acknowledged, closed, held, or the row itself was cancelled while it
was being claimed. So an acknowledgement racing a reminder is safe: the worker may have claimed the row
already, but the report's state is read again immediately before anything is posted.

Recipients are chosen from `allowed_readers` (the privacy gate's own rule), never the reporter, and
every send still goes through the gate, which re-checks live membership.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cocbot.bot.i18n import Translator, translator
from cocbot.bot.reminders import deadlines
from cocbot.bot.reminders import texts as reminder_texts
from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messenger import DeliveryError, Posted
from cocbot.bot.outbox.worker import Deferred, OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate, allowed_readers
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import ReportRecord

log = logging.getLogger("cocbot.reminders")
operator_log = logging.getLogger("cocbot.operator")

# States in which a response reminder no longer applies; any other state past `new` still owes one.
_RESPONDED = {"decided", "closed"}


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


@dataclass
class ReminderDelivery:
    db: Database
    config: CommunityConfig
    gate: PrivacyGate
    clock: Clock

    def __post_init__(self) -> None:
        self.calendar = deadlines.calendar_from_policy(self.config.policy)

    def _committee(self) -> Translator:
        """Reminders and escalations are read by committee members: the committee's language."""
        return translator(self.config.community.language)

    def register(self, worker: OutboxWorker) -> None:
        worker.register("reminder_ack", self.reminder_ack)
        worker.register("escalation_ack", self.escalation_ack)
        worker.register("reminder_respond", self.reminder_respond)

    # ---- shared checks ----
    async def _fresh(self, item: ClaimedItem) -> tuple[ReportRecord | None, str | None]:
        """The report as it is now, or why this row should not be sent any more."""
        assert item.report_id is not None
        async with self.db.transaction() as session:
            report = await reports_q.get_report(session, item.report_id)
            status = await outbox_q.item_status(session, item.key)
        if report is None:
            return None, "report_missing"
        if status is None or status[0] != "pending":
            return report, "cancelled"
        if report.delivery_state == "held":
            # Nobody may receive the report; the operator already knows. Reminders would go nowhere.
            return report, "held"
        if getattr(report, "moving", False):
            # A recusal is moving the case to a new space; remind there once it has arrived.
            raise Deferred("report is moving to a new space", seconds=30.0)
        return report, None

    @staticmethod
    def _ack_skip(report: ReportRecord) -> str | None:
        return None if report.state == "new" else f"state_{report.state}"

    @staticmethod
    def _respond_skip(report: ReportRecord) -> str | None:
        if report.state == "new" or report.state in _RESPONDED:
            return f"state_{report.state}"
        return None

    async def _permalink(self, report: ReportRecord) -> str | None:
        if not (report.space_channel and report.message_ts) or report.space_kind == "escalation":
            # An escalation-contact report lives in a DM addressed by user id, which has no permalink;
            # the reminder lands in that same DM anyway.
            return None
        try:
            return await self.gate.place(report).messenger.permalink(report.space_channel, report.message_ts)
        except DeliveryError:
            # A link is a convenience; the reference alone still finds the report.
            return None

    def _skipped(self, item: ClaimedItem, reason: str) -> dict[str, Any]:
        log.info("reminder %s skipped: %s", item.key, reason)
        return {"skipped": reason}

    def _eligible_dm_recipients(self, report: ReportRecord) -> list[str]:
        # With the config: the readers of the report's own space, on its platform, across identities.
        readers = allowed_readers(report, self.config)
        chair = self.config.committee.chair
        ordered = ([chair] if chair else []) + list(self.config.committee.members) + sorted(readers)
        return [u for u in dict.fromkeys(ordered) if u in readers and u != report.reporter]

    # ---- reminder_ack: into the report's space while unacknowledged ----
    async def reminder_ack(self, item: ClaimedItem) -> dict[str, Any]:
        report, why = await self._fresh(item)
        if report is None or why:
            return self._skipped(item, why or "report_missing")
        if (why := self._ack_skip(report)) is not None:
            return self._skipped(item, why)
        if not report.message_ts:
            if self.clock.now() >= _at(item.payload["deadline"]):
                # Still undelivered at the deadline: the escalation DMs (which need no space) take over.
                return self._skipped(item, "not_delivered")
            raise Deferred("report not delivered yet", seconds=60.0)
        link = await self._permalink(report)
        # Read again right before posting: an acknowledgement may have landed while we fetched the link.
        report, why = await self._fresh(item)
        if report is None or why or (why := self._ack_skip(report)) is not None:
            return self._skipped(item, why or "report_missing")
        now = self.clock.now()
        message = reminder_texts.ack_reminder(report.ref, report.created_at, _at(item.payload["deadline"]), now,
                                              self.calendar, link, event_mode=bool(item.payload.get("event")),
                                              tr=self._committee())
        return _posted(await self.gate.post_to_space(report, message))

    # ---- escalation_ack: at the deadline, then every escalation_repeat_hours ----
    async def escalation_ack(self, item: ClaimedItem) -> dict[str, Any]:
        if "user" in item.payload:
            return await self._escalate_to(item)
        return await self._fan_out(item)

    async def _fan_out(self, item: ClaimedItem) -> dict[str, Any]:
        report, why = await self._fresh(item)
        if report is None or why:
            return self._skipped(item, why or "report_missing")
        if (why := self._ack_skip(report)) is not None:
            return self._skipped(item, why)
        now = self.clock.now()
        deadline = _at(item.payload["deadline"])
        repeat = timedelta(hours=self.config.policy.escalation_repeat_hours)
        # After downtime only the round due now is sent: one escalation, not one per missed day.
        round_ = max(int(item.payload.get("round", 0)), deadlines.escalation_round(deadline, now, repeat))
        recipients = self._eligible_dm_recipients(report)
        base = item.key.rsplit(":", 1)[0]
        next_at = deadlines.escalation_time(deadline, round_ + 1, repeat)
        async with self.db.transaction() as session:
            for user in recipients:
                await outbox_q.enqueue(session, key=f"{base}:{round_}:{user}", kind="escalation_ack",
                                       report_id=report.id, payload={**item.payload, "round": round_, "user": user},
                                       now=now)
            await outbox_q.enqueue(session, key=f"{base}:{round_ + 1}", kind="escalation_ack", report_id=report.id,
                                   payload={**item.payload, "round": round_ + 1}, now=now, due_at=next_at)
        if not recipients:
            operator_log.warning("report %s missed its acknowledgement deadline and nobody eligible can be "
                                 "reminded by DM", report.ref)
        return {"round": round_, "recipients": len(recipients), "next_at": next_at.isoformat()}

    async def _escalate_to(self, item: ClaimedItem) -> dict[str, Any]:
        user = str(item.payload["user"])
        report, why = await self._fresh(item)
        if report is None or why:
            return self._skipped(item, why or "report_missing")
        if (why := self._ack_skip(report)) is not None:
            return self._skipped(item, why)
        if user not in self._eligible_dm_recipients(report):
            # Recused or excluded since the fan-out: they get nothing, not even the reference.
            return self._skipped(item, "not_eligible")
        link = await self._permalink(report)
        report, why = await self._fresh(item)
        if report is None or why or (why := self._ack_skip(report)) is not None:
            return self._skipped(item, why or "report_missing")
        message = reminder_texts.ack_escalation(report.ref, report.created_at, _at(item.payload["deadline"]),
                                                self.clock.now(), self.calendar, link,
                                                round_=int(item.payload.get("round", 0)), tr=self._committee())
        return _posted(await self.gate.post_to_member(report, user, message))

    # ---- reminder_respond: before the response deadline, to the owner or the space ----
    async def reminder_respond(self, item: ClaimedItem) -> dict[str, Any]:
        report, why = await self._fresh(item)
        if report is None or why:
            return self._skipped(item, why or "report_missing")
        if (why := self._respond_skip(report)) is not None:
            return self._skipped(item, why)
        owner = getattr(report, "owner", None)
        to_owner = bool(owner) and owner in self._eligible_dm_recipients(report)
        if not to_owner and not report.message_ts:
            if self.clock.now() >= _at(item.payload["deadline"]):
                return self._skipped(item, "not_delivered")
            raise Deferred("report not delivered yet", seconds=60.0)
        link = await self._permalink(report)
        report, why = await self._fresh(item)
        if report is None or why or (why := self._respond_skip(report)) is not None:
            return self._skipped(item, why or "report_missing")
        message = reminder_texts.respond_reminder(report.ref, _at(item.payload["start"]),
                                                  _at(item.payload["deadline"]), self.clock.now(), self.calendar,
                                                  link, to_owner=to_owner, tr=self._committee())
        if to_owner:
            return _posted(await self.gate.post_to_member(report, str(owner), message))
        return _posted(await self.gate.post_to_space(report, message))


def _posted(posted: Posted) -> dict[str, Any]:
    return {"channel": posted.channel, "ts": posted.ts}
