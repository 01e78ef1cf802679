"""The outbox kinds for on-duty announcements and reminders.

Each row is re-checked against the schedule when its turn comes: a cancelled or moved shift or call, a
changed facilitator, or a duty that ended while the bot was down is skipped instead of announced late.
Nothing here carries report content, so every send uses the gate's content-free path.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from cocbot.bot.i18n import Translator
from cocbot.bot.duty import notices as duty_notices
from cocbot.bot.duty import times as duty_times
from cocbot.bot.duty import texts as duty_texts
from cocbot.bot.duty import pairs as duty_pairs
from cocbot.bot.duty.guide import send_guide
from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messages import Message
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.storage import duty as duty_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem

log = logging.getLogger("cocbot.duty")


@dataclass
class DutyDeliveries:
    db: Database
    config: CommunityConfig
    gate: PrivacyGate
    clock: Clock

    def register(self, worker: OutboxWorker) -> None:
        worker.register(duty_notices.ANNOUNCE, self.announce)
        worker.register(duty_notices.REMIND, self.remind)
        worker.register(duty_notices.ASSIGNED, self.assigned)
        worker.register(duty_pairs.GUIDE, lambda item: send_guide(self.gate, self.config, item))

    async def _send(self, to: str, message: Message, platform: str = "slack") -> dict[str, Any]:
        posted = await self.gate.post_without_content(to, message, platform=platform)
        return {"channel": posted.channel, "ts": posted.ts}

    async def _language(self, user: str) -> Translator:
        """A facilitator's own messages are in their language."""
        return await self.gate.messengers.locales.translator_for("slack", user, self.config.community.language)

    @staticmethod
    def _skip(item: ClaimedItem, reason: str) -> dict[str, Any]:
        log.info("duty notice %s skipped: %s", item.key, reason)
        return {"skipped": reason}

    async def announce(self, item: ClaimedItem) -> dict[str, Any]:
        p = item.payload
        now = self.clock.now()
        channel = str(p["channel"])
        platform = str(p.get("platform") or "slack")
        # A row for another platform (Discourse topics, duty.discourse_topics) outliving that platform's config.
        if platform == "discourse" and self.config.discourse is None:
            return self._skip(item, f"{platform} is not configured")
        if "handover" in p:
            return await self._send(channel, duty_texts.handover_announcement(str(p.get("from") or ""),
                                                                         str(p["to"]), self.config, platform),
                                    platform)
        async with self.db.transaction() as session:
            if "shift" in p:
                shift = await duty_q.get_shift(session, int(p["shift"]))
                previous = (await duty_q.get_shift(session, shift.handover_from)
                            if shift is not None and shift.handover_from else None)
            else:
                occ = await duty_q.get_occurrence(session, int(p["call"]), duty_times.parse_iso(str(p["slot"])))
        if "shift" in p:
            if shift is None or shift.cancelled:
                return self._skip(item, "shift cancelled")
            if shift.ends_at <= now:
                return self._skip(item, "shift over")
            if previous is not None:
                return await self._send(channel, duty_texts.handover_announcement(
                    previous.facilitator, shift.facilitator, self.config, platform), platform)
            also = await self._also_on_duty(channel, shift.facilitator, now)
            return await self._send(channel, duty_texts.shift_announcement(shift.facilitator, shift.ends_at,
                                                                     self.config, platform, also=also), platform)
        if occ is None or occ.cancelled:
            return self._skip(item, "meeting removed from the calendar")
        if duty_times.parse_iso(str(p["start"])) != occ.starts_at:
            return self._skip(item, "meeting moved")
        if occ.ends_at <= now:
            return self._skip(item, "meeting over")
        return await self._send(channel, duty_texts.call_announcement(occ.call_name, occ.facilitator, occ.ends_at,
                                                                self.config, platform), platform)

    async def remind(self, item: ClaimedItem) -> dict[str, Any]:
        p = item.payload
        now = self.clock.now()
        user = str(p["user"])
        async with self.db.transaction() as session:
            if "shift" in p:
                shift = await duty_q.get_shift(session, int(p["shift"]))
                occ = None
            else:
                shift = None
                occ = await duty_q.get_occurrence(session, int(p["call"]), duty_times.parse_iso(str(p["slot"])))
        if "shift" in p:
            if shift is None or shift.cancelled or shift.facilitator != user:
                return self._skip(item, "shift cancelled or handed over")
            if shift.starts_at <= now:
                return self._skip(item, "shift already started")
            return await self._send(user, duty_texts.shift_reminder(shift.channels, shift.starts_at, shift.ends_at,
                                                                   self.config, await self._language(user)))
        if occ is None or occ.cancelled or occ.facilitator != user:
            return self._skip(item, "meeting removed or facilitator changed")
        if duty_times.parse_iso(str(p["start"])) != occ.starts_at:
            return self._skip(item, "meeting moved")
        if occ.starts_at <= now:
            return self._skip(item, "meeting already started")
        return await self._send(user, duty_texts.call_reminder(occ.call_name, occ.channel, occ.starts_at,
                                                              self.config, await self._language(user)))

    async def assigned(self, item: ClaimedItem) -> dict[str, Any]:
        p = item.payload
        now = self.clock.now()
        user = str(p["user"])
        async with self.db.transaction() as session:
            shift = await duty_q.get_shift(session, int(p["shift"]))
        if shift is None or shift.cancelled or shift.facilitator != user:
            return self._skip(item, "shift cancelled")
        if shift.ends_at <= now:
            return self._skip(item, "shift over")
        return await self._send(user, duty_texts.assigned(str(p["by"]), shift.channels, shift.starts_at,
                                                         shift.ends_at, shift.handover_from is not None, now,
                                                         self.config, await self._language(user)))

    async def _also_on_duty(self, channel: str, facilitator: str, now: Any) -> tuple[str, ...]:
        """The others on duty in this channel now, named in the announcement too (facilitators in pairs)."""
        from datetime import timedelta

        from cocbot.bot.duty import roster

        async with self.db.transaction() as session:
            shifts = [roster.Shift(r.id, r.facilitator, r.channels, r.starts_at, r.ends_at)
                      for r in await duty_q.shifts_between(session, now - timedelta(days=2), now + timedelta(minutes=1))
                      if not r.cancelled]
        return tuple(sorted({e.facilitator for e in roster.on_duty(shifts, channel, now)
                             if e.facilitator and e.facilitator != facilitator}))
