"""The outbox kinds for reports filed on someone's behalf."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cocbot.bot.i18n import translator
from cocbot.bot.messenger import DeliveryError
from cocbot.bot.outbox.worker import Deferred, OutboxWorker
from cocbot.bot.reports.behalf import texts
from cocbot.bot.reports.behalf.service import CONFIRMED, RECEIPT, REVIEW
from cocbot.bot.reports.delivery import Deliveries, report_of
from cocbot.storage.outbox import ClaimedItem


@dataclass
class BehalfDeliveries:
    deliveries: Deliveries

    def register(self, worker: OutboxWorker) -> None:
        worker.register(REVIEW, self.review)
        worker.register(RECEIPT, self.receipt)
        worker.register(CONFIRMED, self.confirmed)

    async def review(self, item: ClaimedItem) -> dict[str, Any]:
        report = await report_of(self.deliveries.db, item)
        tr = await self.deliveries.reporter_language(report)
        posted = await self.deliveries.gate.post_to_reporter(report, texts.review(tr, report),
                                                            key=item.key, earlier_since=item.earlier_since)
        return {"channel": posted.channel, "ts": posted.ts}

    async def receipt(self, item: ClaimedItem) -> dict[str, Any]:
        report = await report_of(self.deliveries.db, item)
        if not report.filed_by:
            return {"skipped": "not filed for someone"}
        d = self.deliveries
        tr = await d.gate.messengers.locales.translator_for(report.platform, report.filed_by,
                                                            d.config.community.language)
        message = texts.receipt(tr, report)
        posted = await self.deliveries.gate.post_without_content(report.filed_by, message, platform=report.platform)
        return {"channel": posted.channel, "ts": posted.ts}

    async def confirmed(self, item: ClaimedItem) -> dict[str, Any]:
        report = await report_of(self.deliveries.db, item)
        if report.message_ts is None:
            if report.delivery_state == "held":
                return {"skipped": "held"}
            raise Deferred("the report has not reached its space yet", seconds=5.0)
        try:
            committee = translator(self.deliveries.config.community.language)
            posted = await self.deliveries.gate.post_to_space(report, texts.confirmed_note(committee, report),
                                                              thread=report.message_ts)
        except DeliveryError:
            raise
        return {"channel": posted.channel, "ts": posted.ts}
