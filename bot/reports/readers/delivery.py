"""The outbox kinds for chosen readers: asking the reporter, and bringing the rest of the committee in."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from cocbot.bot.outbox.worker import Deferred, OutboxWorker
from cocbot.bot.reports.readers import texts
from cocbot.bot.reports.delivery import Deliveries, report_of
from cocbot.bot.reports.readers.service import ASK, WIDENED
from cocbot.storage.outbox import ClaimedItem

log = logging.getLogger("cocbot.delivery")


@dataclass
class ReadersDeliveries:
    deliveries: Deliveries

    def register(self, worker: OutboxWorker) -> None:
        worker.register(ASK, self.ask)
        worker.register(WIDENED, self.widened)

    async def ask(self, item: ClaimedItem) -> dict[str, Any]:
        report = await report_of(self.deliveries.db, item)
        why = str(item.payload.get("why") or "silent")
        if not report.readers:
            return {"skipped": "whole committee"}
        if why == "silent" and report.state != "new":
            return {"skipped": f"state_{report.state}"}
        tr = await self.deliveries.reporter_language(report)
        posted = await self.deliveries.gate.post_to_reporter(report, texts.ask(tr, report.ref, why),
                                                            key=item.key, earlier_since=item.earlier_since)
        return {"channel": posted.channel, "ts": posted.ts}

    async def widened(self, item: ClaimedItem) -> dict[str, Any]:
        """Invite the rest of the committee to the report's private space (the gate checks each of them)."""
        report = await report_of(self.deliveries.db, item)
        if report.moving:
            raise Deferred("report is moving to a new space", seconds=30.0)
        if report.space_kind != "private_space" or report.space_channel is None:
            return {"skipped": report.space_kind or "no space"}
        where = self.deliveries.gate.place(report)
        await self.deliveries.gate.invite(report, report.space_channel, where.readers, where)
        log.info("report %s: the rest of the committee was brought in at the reporter's word", report.ref)
        return {"invited": len(where.readers)}
