"""The held report's rows: the reporter's confirmation and notices, the expiry clock, and the committee's
note on a report released by a match. Each re-checks the hold when its turn comes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.holds import hooks, texts
from cocbot.bot.i18n import Translator, translator
from cocbot.bot.reports.reporters import reachable
from cocbot.bot.messages import Message
from cocbot.bot.outbox.worker import Deferred, OutboxWorker
from cocbot.bot.reports.delivery import report_of
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.storage import holds as holds_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database
from cocbot.storage.holds import HoldState
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import ReportRecord


@dataclass
class HoldDelivery:
    db: Database
    config: CommunityConfig
    gate: PrivacyGate
    clock: Clock

    def register(self, worker: OutboxWorker) -> None:
        worker.register(hooks.CONFIRM, self.confirm)
        worker.register(hooks.WARN, self.warn)
        worker.register(hooks.EXPIRE, self.expire)
        worker.register(hooks.RELEASED, self.released)
        worker.register(hooks.WITHDRAWN, self.withdrawn)
        worker.register(hooks.MARKER, self.marker)

    async def _reader(self, report: ReportRecord) -> Translator:
        """The reporter reads their own language (their platform profile), else the community's."""
        default = self.config.community.language
        if not reachable(report.reporter):
            return translator(default)
        return await self.gate.messengers.locales.translator_for(report.platform, report.reporter, default)

    async def _dm(self, report: ReportRecord, item: ClaimedItem, message: Message) -> dict[str, Any]:
        posted = await self.gate.post_to_reporter(report, message, key=item.key, earlier_since=item.earlier_since)
        return {"channel": posted.channel, "ts": posted.ts}

    async def _held(self, report_id: int) -> holds_q.HoldRecord | None:
        async with self.db.transaction() as session:
            hold = await holds_q.get_hold(session, report_id)
        return hold if hold is not None and hold.state == HoldState.HELD else None

    async def confirm(self, item: ClaimedItem) -> dict[str, Any]:
        report = await report_of(self.db, item)
        hold = await self._held(report.id)
        if hold is None:
            return {"settled": True}
        return await self._dm(report, item, texts.held_confirmation(report.ref, hold.expires_at,
                                                                       await self._reader(report)))

    async def warn(self, item: ClaimedItem) -> dict[str, Any]:
        report = await report_of(self.db, item)
        hold = await self._held(report.id)
        if hold is None:
            return {"settled": True}
        return await self._dm(report, item, texts.expiry_warning(report.ref, hold.expires_at,
                                                                    await self._reader(report)))

    async def expire(self, item: ClaimedItem) -> dict[str, Any]:
        now = self.clock.now()
        assert item.report_id is not None
        async with self.db.transaction() as session:
            ended = await hooks.end(session, item.report_id, now, state=HoldState.EXPIRED)
            if ended:
                # Told in a row of its own, so a failing DM never brings the deleted content back.
                await outbox_q.enqueue(session, key=f"report:{item.report_id}:hold:expired", kind=hooks.WITHDRAWN,
                                       report_id=item.report_id, payload={"expired": True}, now=now)
        return {"expired": ended}

    async def released(self, item: ClaimedItem) -> dict[str, Any]:
        report = await report_of(self.db, item)
        tr = await self._reader(report)
        return await self._dm(report, item, texts.released(report.ref, bool(item.payload.get("by_match")), tr))

    async def withdrawn(self, item: ClaimedItem) -> dict[str, Any]:
        report = await report_of(self.db, item)
        tr = await self._reader(report)
        message = texts.expired(report.ref, tr) if item.payload.get("expired") else texts.withdrawn(report.ref, tr)
        return await self._dm(report, item, message)

    async def marker(self, item: ClaimedItem) -> dict[str, Any]:
        report = await report_of(self.db, item)
        if report.delivery_state == "held":
            return {"held": True}
        if not report.message_ts:
            raise Deferred("report not delivered yet", seconds=2.0)
        if report.moving:
            raise Deferred("the case is moving to a new space", seconds=2.0)
        committee = translator(self.config.community.language)
        posted = await self.gate.post_to_space(report, texts.released_by_match_note(report.ref, committee),
                                               thread=report.message_ts, key=item.key,
                                               earlier_since=item.earlier_since)
        return {"channel": posted.channel, "ts": posted.ts}
