"""The earlier-cases listing, posted with a new case once it has reached its space (an outbox row of its own,
written with the report, so a listing is never lost and never posted twice)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.earlier import texts
from cocbot.bot.earlier.service import earlier_for
from cocbot.bot.i18n import english
from cocbot.bot.outbox.worker import Deferred, OutboxWorker
from cocbot.bot.reports.delivery import report_of
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.bot.earlier.rows import KIND
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem


@dataclass
class EarlierDelivery:
    db: Database
    config: CommunityConfig
    gate: PrivacyGate
    clock: Clock

    def register(self, worker: OutboxWorker) -> None:
        worker.register(KIND, self.deliver)

    async def deliver(self, item: ClaimedItem) -> dict[str, Any]:
        report = await report_of(self.db, item)
        if report.delivery_state == "held":
            return {"held": True}
        if not report.message_ts:
            raise Deferred("report not delivered yet", seconds=2.0)
        if report.moving:
            raise Deferred("the case is moving to a new space", seconds=2.0)
        async with self.db.transaction() as session:
            found = await earlier_for(session, report, self.config, self.clock.now())
        if not found:
            return {"none": True}
        tr = english()
        cases = [texts.case_line(c.ref, c.state, c.outcome, c.month, tr) for c in found.cases]
        bans = [texts.ban_line(b.ref, b.ends_at, tr) for b in found.bans]
        message = texts.earlier_message(report.ref, cases, bans, [c.ref for c in found.cases], tr)
        posted = await self.gate.post_to_space(report, message, thread=report.message_ts, key=item.key,
                                               earlier_since=item.earlier_since)
        return {"channel": posted.channel, "ts": posted.ts, "listed": len(found.cases) + len(found.bans)}
