"""The on-duty service: applies bot.duty's decisions in one transaction with their outbox rows.

Announcements and reminders are outbox rows with a future due time and a deterministic key, written in
the same transaction as the shift (or by the call materialiser), so each is sent once across restarts
and replicas. Handlers call this; it never sees a platform payload.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.duty import calendar as ical
from cocbot.bot.duty import notices as duty_notices
from cocbot.bot.duty import roster
from cocbot.bot.duty import rules as decisions
from cocbot.bot.duty import times as duty_times
from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.storage import duty as duty_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database

if TYPE_CHECKING:
    from cocbot.bot.duty.home import HomeModel

log = logging.getLogger("cocbot.duty")

LOOKBACK = timedelta(days=2)  # covers any shift or call under way now (max_shift_hours is checked apart)


@dataclass(frozen=True)
class Reply:
    ok: bool
    text: str  # with {u:…}/{c:…}/{t:…} placeholders for the platform to render


@dataclass(frozen=True)
class Upcoming:
    shifts: list[roster.Shift]
    occurrences: list[roster.Occurrence]


@dataclass(frozen=True)
class ImportResult:
    call_id: int
    name: str
    created: bool
    upcoming: list[roster.Occurrence]


def to_shift(r: duty_q.ShiftRecord) -> roster.Shift:
    return roster.Shift(r.id, r.facilitator, r.channels, r.starts_at, r.ends_at)


def to_occurrence(r: duty_q.OccurrenceRecord) -> roster.Occurrence:
    return roster.Occurrence(r.id, r.call_id, r.call_name, r.channel, r.slot, r.starts_at, r.ends_at, r.facilitator)


@dataclass
class DutyService:
    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None] = lambda: None
    # SQLite has one writer per process; this keeps two /onduty commands from racing the overlap check.
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def timezone(self) -> str:
        return roster.duty_timezone(self.config)

    # ------------------------------------------------------------ reading

    async def _shifts(self, session: AsyncSession, start: datetime, end: datetime) -> list[roster.Shift]:
        return [to_shift(r) for r in await duty_q.shifts_between(session, start, end)]

    async def _occurrences(self, session: AsyncSession, start: datetime, end: datetime,
                           channel: str | None = None) -> list[roster.Occurrence]:
        return [to_occurrence(r) for r in await duty_q.occurrences_between(session, start, end, channel=channel)]

    async def upcoming(self, *, days: float | None = None) -> Upcoming:
        now = self.clock.now()
        end = now + timedelta(days=days or self.config.duty.horizon_days)
        async with self.db.transaction() as session:
            return Upcoming(await self._shifts(session, now - LOOKBACK, end),
                            await self._occurrences(session, now - LOOKBACK, end))

    async def status(self, channel: str) -> roster.Status:
        now = self.clock.now()
        up = await self.upcoming()
        return roster.status([*up.shifts, *up.occurrences], channel, now)

    async def active_in_channel(self, channel: str) -> bool:
        async with self.db.transaction() as session:
            return await duty_q.active_in_channel(session, channel, self.clock.now())

    # ------------------------------------------------------------ changing

    async def _apply(self, session: AsyncSession, plan: decisions.Plan, actor: str, now: datetime) -> None:
        for shift_id, at in plan.end_shifts:
            await duty_q.end_shift(session, shift_id, at)
        for shift_id in plan.cancel_shifts:
            await duty_q.cancel_shift(session, shift_id, now)
        for new in plan.new_shifts:
            rec = await duty_q.add_shift(session, facilitator=new.facilitator, channels=new.channels,
                                         starts_at=new.start, ends_at=new.end, created_by=actor, now=now,
                                         handover_from=new.handover_from)
            for notice in duty_notices.shift_notices(to_shift(rec), now, self.config):
                await self._enqueue(session, notice, now)
            told = duty_notices.assigned_notice(to_shift(rec), actor, now)
            if told is not None:
                await self._enqueue(session, told, now)
            await self._first_time(session, new.facilitator, now)
        for call_id, slot, who in plan.assign:
            await duty_q.assign(session, call_id=call_id, slot=slot, facilitator=who, by=actor, now=now)
            await self._first_time(session, who, now)
            occ = await duty_q.get_occurrence(session, call_id, slot)
            if occ is not None:
                for notice in duty_notices.occurrence_notices(to_occurrence(occ), now, self.config):
                    if notice.kind == duty_notices.REMIND:
                        await self._enqueue(session, notice, now)
        if plan.handover is not None:
            channel, old, new_ = plan.handover
            ref = f"call:{plan.assign[0][0]}:{duty_times.iso(plan.assign[0][1])}" if plan.assign else "shift"
            notice = duty_notices.handover_notice(channel, old, new_, now, ref)
            for row in (notice, *duty_notices.topic_notices([notice], self.config)):
                await self._enqueue(session, row, now)

    async def _first_time(self, session: AsyncSession, facilitator: str, now: datetime) -> None:
        """The facilitator guide, once per person ever (the row's key is the record they had it)."""
        if self.config.duty.guide is not None:
            from cocbot.bot.duty import pairs

            await outbox_q.enqueue(session, key=pairs.guide_key(facilitator), kind=pairs.GUIDE, now=now,
                                   payload={"user": facilitator})

    async def _enqueue(self, session: AsyncSession, notice: duty_notices.Notice, now: datetime) -> None:
        await outbox_q.enqueue(session, key=notice.key, kind=notice.kind, now=now, due_at=notice.due_at,
                               payload=dict(notice.payload))

    async def _decide_and_apply(
            self, actor: str, window: tuple[datetime, datetime],
            decide: Callable[[list[roster.Shift], list[roster.Occurrence], datetime], decisions.Decision]) -> Reply:
        async with self._lock:
            now = self.clock.now()
            async with self.db.transaction() as session:
                await duty_q.lock_schedule(session)
                start, end = window
                shifts = await self._shifts(session, min(start, now) - LOOKBACK, max(end, now) + LOOKBACK)
                occurrences = await self._occurrences(session, now - LOOKBACK, now + LOOKBACK)
                decision = decide(shifts, occurrences, now)
                if isinstance(decision, decisions.Refusal):
                    return Reply(False, decision.message)
                await self._apply(session, decision, actor, now)
        self.notify()
        return Reply(True, decision.done)

    async def take(self, actor: str, channels: frozenset[str], duration: timedelta | None) -> Reply:
        now = self.clock.now()
        length = duration or timedelta(hours=self.config.duty.default_shift_hours)
        return await self._decide_and_apply(actor, (now, now + length), lambda s, o, t: decisions.decide_take(
            actor, channels, duration, t, s, self.config))

    async def off(self, actor: str) -> Reply:
        now = self.clock.now()
        return await self._decide_and_apply(actor, (now, now), lambda s, o, t: decisions.decide_off(
            actor, t, s, self.config))

    async def handover(self, actor: str, target: str, channel: str) -> Reply:
        now = self.clock.now()
        return await self._decide_and_apply(actor, (now, now + timedelta(hours=self.config.duty.max_shift_hours)),
                                            lambda s, o, t: decisions.decide_handover(actor, target, channel, t, s, o,
                                                                                 self.config))

    async def schedule(self, actor: str, target: str, channels: frozenset[str], words: Sequence[str],
                       tz_name: str | None) -> Reply:
        now = self.clock.now()
        try:
            start, end = duty_times.parse_window(words, tz_name or self.timezone, now)
        except duty_times.DutyInputError as exc:
            return Reply(False, exc.phrase)
        return await self._decide_and_apply(actor, (start, end), lambda s, o, t: decisions.decide_schedule(
            actor, target, channels, start, end, t, s, self.config))

    async def cancel(self, actor: str, shift_id: int) -> Reply:
        async with self.db.transaction() as session:
            rec = await duty_q.get_shift(session, shift_id)
        if rec is not None and rec.cancelled:
            rec = None
        shift = to_shift(rec) if rec else None
        now = self.clock.now()
        return await self._decide_and_apply(actor, (now, now), lambda s, o, t: decisions.decide_cancel(
            actor, shift, t, self.config))

    # ------------------------------------------------------------ calls

    async def import_calendar(self, data: bytes | str, channel: str, rotation: tuple[str, ...] = ()
                              ) -> list[ImportResult]:
        specs = ical.parse_calendar(data)
        now = self.clock.now()
        results = []
        async with self.db.transaction() as session:
            await duty_q.lock_schedule(session)
            for spec in specs:
                call, created = await duty_q.upsert_call(session, name=spec.name, channel=channel, uid=spec.uid,
                                                         calendar=spec.calendar, rotation=rotation, now=now)
                occ = await self._materialize_call(session, call, now)
                results.append(ImportResult(call.id, call.name, created, occ))
        self.notify()
        return results

    async def assign(self, call_id: int, when: str, user: str, *, by: str = "cli") -> Reply:
        """Give one occurrence (named by its local start time) an explicit facilitator."""
        now = self.clock.now()
        try:
            at = duty_times.parse_when(when, self.timezone, now)
        except duty_times.DutyInputError as exc:
            return Reply(False, str(exc))
        async with self.db.transaction() as session:
            await duty_q.lock_schedule(session)
            call = await duty_q.get_call(session, call_id)
            if call is None:
                return Reply(False, f"There is no call {call_id}; `cocbot calls list` shows them.")
            slots = ical.expand(call.calendar, at - timedelta(minutes=1), at + timedelta(minutes=1),
                                tz_name=self.timezone, default_minutes=self.config.duty.default_call_minutes,
                                with_index=False)
            match = [s for s in slots if s.start == at]
            if not match:
                return Reply(False, f"{call.name} has no meeting starting at {when} ({self.timezone}).")
            await duty_q.assign(session, call_id=call_id, slot=match[0].slot, facilitator=user, by=by, now=now)
            await self._materialize_call(session, call, now)
        self.notify()
        return Reply(True, f"{{u:{user}}} facilitates {call.name} on {{t:{at.isoformat()}}}.")

    async def _materialize_call(self, session: AsyncSession, call: duty_q.CallRecord,
                                now: datetime) -> list[roster.Occurrence]:
        start = now - LOOKBACK
        end = now + timedelta(days=self.config.duty.horizon_days)
        assigned = await duty_q.assignments(session, call.id)
        slots = ical.expand(call.calendar, start, end, tz_name=self.timezone,
                            default_minutes=self.config.duty.default_call_minutes, with_index=bool(call.rotation))
        wanted = [(s.slot, s.start, s.end, ical.facilitator_for(s, call.rotation, assigned)) for s in slots]
        records = await duty_q.replace_occurrences(session, call, wanted, window_start=start)
        occurrences = [to_occurrence(r) for r in records]
        for occ in occurrences:
            for notice in duty_notices.occurrence_notices(occ, now, self.config):
                await self._enqueue(session, notice, now)
        upcoming = [o for o in occurrences if o.end > now]
        # Whoever facilitates a coming meeting (named by `cocbot calls assign`, the rotation or the calendar)
        # gets the guide as a shift would bring it: once per person, whichever came first.
        for facilitator in sorted({o.facilitator for o in upcoming if o.facilitator}):
            await self._first_time(session, facilitator, now)
        return upcoming

    async def materialize(self) -> int:
        """Write the next `horizon_days` of call occurrences and their rows; idempotent, safe on replicas."""
        now = self.clock.now()
        count = 0
        async with self.db.transaction() as session:
            await duty_q.lock_schedule(session)
            for call in await duty_q.list_calls(session):
                try:
                    count += len(await self._materialize_call(session, call, now))
                except Exception as exc:  # one broken calendar must not stop the others
                    log.warning("call %s could not be expanded: %s", call.id, type(exc).__name__)
        self.notify()
        return count

    async def run_refresher(self, every_seconds: float = 3600.0) -> None:
        while True:
            await asyncio.sleep(every_seconds)
            try:
                await self.materialize()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("refreshing call occurrences failed; retrying in %.0fs", every_seconds)

    async def home(self, viewer: str) -> HomeModel:
        """The App Home for `viewer`. Report state is read only for the committee, and never content."""
        from cocbot.bot.duty.home import home

        now = self.clock.now()
        up = await self.upcoming()
        reports = None
        committee = self.config.committee
        if viewer in committee.members or viewer == committee.escalation_contact:
            async with self.db.transaction() as session:
                reports = await duty_q.open_reports(session)
        return home(viewer, [*up.shifts, *up.occurrences], reports, now, self.config)
