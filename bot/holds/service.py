"""What a reporter does with their held report: send it now, withdraw it, see it in their App Home."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.holds import hooks, texts
from cocbot.bot.i18n import Translator, translator
from cocbot.bot.reports.spaces import same_people
from cocbot.bot.triage.results import Result
from cocbot.storage import holds as holds_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.holds import HoldState


@dataclass(frozen=True)
class HeldReport:
    ref: str
    expires_at: datetime


@dataclass
class HoldService:
    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None] = field(default=lambda: None)

    async def release(self, ref: str, user: str, tr: Translator | None = None) -> Result:
        """`tr`: the reporter's language (the edge knows it); the community's by default."""
        return await self._settle(ref, user, tr, release=True)

    async def withdraw(self, ref: str, user: str, tr: Translator | None = None) -> Result:
        return await self._settle(ref, user, tr, release=False)

    async def _settle(self, ref: str, user: str, tr: Translator | None, *, release: bool) -> Result:
        tr, now = tr or translator(self.config.community.language), self.clock.now()
        async with self.db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
            if report is None or not same_people((user,), self.config) & {report.reporter}:
                return Result(False, texts.not_yours(tr))
            if release:
                done = await hooks.release(session, report, now, self.config, by_match=False)
            else:
                done = await hooks.end(session, report.id, now, state=HoldState.WITHDRAWN)
                if done:
                    await outbox_q.enqueue(session, key=f"report:{report.id}:hold:withdrawn", kind=hooks.WITHDRAWN,
                                           report_id=report.id, now=now)
        if not done:
            return Result(False, texts.not_held(ref, tr))
        self.notify()
        return Result(True, texts.done_release(ref, tr) if release else texts.done_withdraw(ref, tr))

    async def held_by(self, user: str) -> list[HeldReport]:
        """The reports `user` holds (for their App Home)."""
        me = same_people((user,), self.config)
        async with self.db.transaction() as session:
            ids = await holds_q.held_report_ids(session)
            reports = await reports_q.get_reports(session, set(ids))
            out = []
            for report_id in ids:
                report = reports.get(report_id)
                if report is None or report.reporter not in me:
                    continue
                hold = await holds_q.get_hold(session, report_id)
                if hold is not None:
                    out.append(HeldReport(report.ref, hold.expires_at))
        return out
