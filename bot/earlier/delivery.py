"""The earlier-cases listing, posted with a new case once it has reached its space (an outbox row of its own,
written with the report, so a listing is never lost and never posted twice)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.earlier import texts
from cocbot.bot.earlier.service import Earlier, earlier_for
from cocbot.bot.i18n import translator
from cocbot.bot.outbox.worker import Deferred, OutboxWorker
from cocbot.bot.reports.delivery import report_of
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.bot.earlier.rows import KIND, REFRESH_KIND
from cocbot.bot.messages import Message
from cocbot.bot.messenger import DeliveryError, Posted
from cocbot.bot.earlier.service import VIEW_KIND
from cocbot.bot.reports.privacy import allowed_readers, may_view_earlier
from cocbot.bot.reports.spaces import same_people
from cocbot.bot.triage.results import ReportView
from cocbot.bot.triage.texts import full_report
from cocbot.storage import holds as holds_q
from cocbot.storage import reports as reports_q
from cocbot.storage import triage as triage_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import ReportRecord


@dataclass
class EarlierDelivery:
    db: Database
    config: CommunityConfig
    gate: PrivacyGate
    clock: Clock

    def register(self, worker: OutboxWorker) -> None:
        worker.register(KIND, self.deliver)
        worker.register(REFRESH_KIND, self.refresh)
        worker.register(VIEW_KIND, self.send_view)

    async def send_view(self, item: ClaimedItem) -> dict[str, Any]:
        """An earlier case for one member, checked again right before it is sent, on the platform where that
        case lives and under the member's identity there."""
        earlier = await report_of(self.db, item)
        user = str(item.payload.get("user") or "")
        async with self.db.transaction() as session:
            new = await reports_q.get_report_by_ref(session, str(item.payload.get("from") or ""))
            hidden = await holds_q.is_hidden(session, earlier.id)
            view = ReportView(earlier, await triage_q.entries_for(session, earlier.id),
                              await triage_q.latest_assessment(session, earlier.id),
                              await triage_q.decisions_for(session, earlier.id),
                              await reports_q.addenda_for(session, earlier.id))
        if new is None or hidden or not may_view_earlier(user, new, earlier, self.config):
            return {"refused": True}
        message = full_report(view.report, self.config, view.entries, view.assessment, view.decisions, view.addenda,
                              translator(self.config.community.language))
        platform = item.payload.get("platform")
        if platform:  # where the member asked, under the identity they asked with
            posted = await self.gate.post_to_reader(earlier, user, message, platform=str(platform))
        else:  # a row written before the platform was recorded: on the earlier case's own platform
            there = sorted(same_people((user,), self.config) & allowed_readers(earlier, self.config))
            posted = await self.gate.post_to_member(earlier, there[0], message)
        return {"channel": posted.channel, "ts": posted.ts}

    async def _read(self, item: ClaimedItem, *, shown: bool = False
                    ) -> tuple[ReportRecord | None, Earlier, list[tuple[str, str]]]:
        """The case (None: still held), what its current readers may all be told of earlier cases and, with
        `shown`, the listings posted in its space so far: one transaction (on PostgreSQL, each one costs
        round trips of its own before its first statement), so the listing follows the very record read."""
        assert item.report_id is not None
        async with self.db.transaction() as session:
            report = await reports_q.get_report(session, item.report_id)
            if report is None:
                raise DeliveryError("report_missing", transient=False)
            if report.delivery_state == "held":
                return None, Earlier(), []
            if not report.message_ts:
                raise Deferred("report not delivered yet", seconds=2.0)
            if report.moving:
                raise Deferred("the case is moving to a new space", seconds=2.0)
            found = await earlier_for(session, report, self.config, self.clock.now())
            posted = ([(c, ts) for c, ts in await triage_q.posted_messages(session, report.id, (KIND, REFRESH_KIND))
                       if c == report.space_channel] if shown else [])
        return report, found, posted

    def _listing(self, report: ReportRecord, found: Earlier) -> tuple[Message | None, int]:
        """The listing for the case's current readers (None: nothing they may all read), and how many lines."""
        if not found:
            return None, 0
        tr = translator(self.config.community.language)  # in the case's committee space
        cases = [texts.case_line(c.ref, c.state, c.outcome, c.month, tr) for c in found.cases]
        bans = [texts.ban_line(b.ref, b.ends_at, tr) for b in found.bans]
        return (texts.earlier_message(report.ref, cases, bans, [c.ref for c in found.cases], tr),
                len(found.cases) + len(found.bans))

    async def deliver(self, item: ClaimedItem) -> dict[str, Any]:
        report, found, _ = await self._read(item)
        if report is None:
            return {"held": True}
        message, listed = self._listing(report, found)
        if message is None:
            return {"none": True}
        posted = await self.gate.post_to_space(report, message, thread=report.message_ts, key=item.key,
                                               earlier_since=item.earlier_since)
        return {"channel": posted.channel, "ts": posted.ts, "listed": listed}

    async def refresh(self, item: ClaimedItem) -> dict[str, Any]:
        """After the case's readers changed: the listing in its space edited to what every current reader may
        read (a case one of them may not read leaves it), or posted when the space has none yet."""
        report, found, shown = await self._read(item, shown=True)
        if report is None:
            return {"held": True}
        message, listed = self._listing(report, found)
        if shown:
            if message is None:
                message = texts.none_any_more(report.ref, translator(self.config.community.language))
            posted = Posted(*shown[-1])
            await self.gate.update_in_space(report, posted, message)
            return {"channel": posted.channel, "ts": posted.ts, "listed": listed, "updated": True}
        if message is None:
            return {"none": True}
        new = await self.gate.post_to_space(report, message, thread=report.message_ts, key=item.key,
                                            earlier_since=item.earlier_since)
        return {"channel": new.channel, "ts": new.ts, "listed": listed}
