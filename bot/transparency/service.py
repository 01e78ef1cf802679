"""The transparency report on demand: `cocbot transparency`, and a DM (Slack) or private message
(Discourse) to the committee member who asks for it, through the outbox like every message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from collections.abc import Callable

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.i18n import Translator, english, translator
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.bot.transparency import render, texts
from cocbot.bot.transparency.figures import Figures, compute
from cocbot.bot.transparency.statistics import refresh_all
from cocbot.storage import outbox as outbox_q
from cocbot.storage import statistics as statistics_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem


def months(first: date, last: date) -> tuple[str, str]:
    return f"{first:%Y-%m}", f"{last:%Y-%m}"


async def figures(db: Database, config: CommunityConfig, first: date, last: date,
                  tr: Translator | None = None) -> Figures:
    """The live cases' rows are brought up to date first, so the report counts every case."""
    first_month, last_month = months(first, last)
    async with db.transaction() as session:
        await refresh_all(session, config)
        totals = await statistics_q.totals_between(session, first_month, last_month)
    return compute(tr or english(), totals, first_month=first_month, last_month=last_month,
                   min_count=config.transparency.min_count)


def is_committee_member(config: CommunityConfig, user: str, platform: str) -> bool:
    if platform == "discourse":
        forum = config.discourse
        return forum is not None and user.lower() in {m.lower() for m in forum.committee}
    return config.uses_slack and user in config.committee.members


@dataclass
class TransparencyService:
    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None] = field(default=lambda: None)

    async def request(self, user: str, platform: str = "slack", tr: Translator | None = None) -> str:
        """A committee member asked for the report: it is sent to them alone (this year so far). `tr`: the
        asker's language (the edge knows it); the community's by default."""
        tr = tr or translator(self.config.community.language)
        if not is_committee_member(self.config, user, platform):
            return texts.not_on_committee(tr)
        now = self.clock.now()
        async with self.db.transaction() as session:
            # One per member and minute: a double click sends one message.
            await outbox_q.enqueue(session, key=f"transparency:{platform}:{user}:{now:%Y%m%d%H%M}",
                                   kind="transparency_dm", now=now, payload={"user": user, "platform": platform})
        self.notify()
        return texts.on_its_way_forum(tr) if platform == "discourse" else texts.on_its_way(tr)


@dataclass
class TransparencyDeliveries:
    db: Database
    config: CommunityConfig
    gate: PrivacyGate
    clock: Clock

    def register(self, worker: OutboxWorker) -> None:
        worker.register("transparency_dm", self.send)

    async def send(self, item: ClaimedItem) -> dict[str, Any]:
        user, platform = str(item.payload["user"]), str(item.payload.get("platform") or "slack")
        if not is_committee_member(self.config, user, platform):
            return {"skipped": "not_on_committee"}  # removed from the committee since asking
        now: datetime = self.clock.now()
        # Sent to that member alone: in their own language, else the community's.
        tr = await self.gate.messengers.locales.translator_for(platform, user, self.config.community.language)
        found = await figures(self.db, self.config, date(now.year, 1, 1), now.date(), tr)
        message = render.message(tr, found, self.config.community.name)
        posted = await self.gate.post_without_content(user, message, platform=platform)
        return {"channel": posted.channel, "ts": posted.ts}
