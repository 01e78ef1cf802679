"""The outbox kinds of committee changes: take a member who left out of an open case's private space, and
invite a member who joined (the privacy gate clears every invitation)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from cocbot.bot.committees import texts
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.i18n import english
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate, allowed_readers
from cocbot.bot.reports.routing import RouteKind
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import ReportRecord

operator_log = logging.getLogger("cocbot.operator")


@dataclass
class CommitteeDeliveries:
    db: Database
    config: CommunityConfig
    gate: PrivacyGate

    def register(self, worker: OutboxWorker) -> None:
        worker.register("committee_remove", self.remove)
        worker.register("committee_invite", self.invite)

    async def _report(self, item: ClaimedItem) -> ReportRecord | None:
        if item.report_id is None:
            return None
        async with self.db.transaction() as session:
            return await reports_q.get_report(session, item.report_id)

    async def remove(self, item: ClaimedItem) -> dict[str, Any]:
        member = str(item.payload["member"])
        if member in self.config.committee.members:
            return {"skipped": "member_again"}
        report = await self._report(item)
        if report is None:
            return {"skipped": "report_missing"}
        channels = {str(item.payload.get("channel") or "")}
        if report.space_kind == RouteKind.PRIVATE_SPACE and report.space_channel:
            channels.add(report.space_channel)  # the case may have moved to a new space since
        messenger = self.gate.place(report).messenger
        removed = 0
        for channel in sorted(c for c in channels if c):
            if await messenger.remove(channel, member):
                removed += 1
            else:
                operator_log.warning("%s", texts.cannot_remove(english(), report.ref))
        return {"removed": removed}

    async def invite(self, item: ClaimedItem) -> dict[str, Any]:
        member = str(item.payload["member"])
        report = await self._report(item)
        if report is None:
            return {"skipped": "report_missing"}
        if report.state == "closed" or report.space_kind != RouteKind.PRIVATE_SPACE or not report.space_channel:
            return {"skipped": "no_open_space"}
        if member not in allowed_readers(report, self.config):
            # Implicated, excluded or recused: invited nowhere, and told nothing.
            return {"skipped": "not_eligible"}
        await self.gate.invite(report, report.space_channel, frozenset({member}))
        return {"invited": 1}
