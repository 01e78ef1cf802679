"""On-duty shifts, community calls and their occurrences: tables and queries. Every time is UTC.

Call occurrences are materialised from the stored calendar over a rolling horizon (bot/duty_service.py),
so that "who is on duty here now" and "is this channel in event mode" are plain indexed queries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint, bindparam, delete, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Field, SQLModel, col

from cocbot.storage.types import UTCDateTime
from cocbot.storage.types import timestamp_field as _ts

ALL_CHANNELS = "*"


class DutyShift(SQLModel, table=True):
    __tablename__ = "duty_shifts"
    __table_args__ = (Index("ix_duty_shifts_window", "starts_at", "ends_at"),)

    id: int | None = Field(default=None, primary_key=True)
    facilitator: str = Field(max_length=40, index=True)
    starts_at: datetime = _ts()
    ends_at: datetime = _ts()
    created_by: str = Field(max_length=40)
    created_at: datetime = _ts()
    # Set when the shift was cancelled before it started; its announcement is then skipped.
    cancelled_at: datetime | None = _ts(nullable=True)
    # The shift this one took over by /onduty handover (its announcement says so).
    handover_from: int | None = Field(default=None)


class DutyShiftChannel(SQLModel, table=True):
    """One row per channel a shift covers; ALL_CHANNELS for a shift covering every channel."""

    __tablename__ = "duty_shift_channels"

    shift_id: int = Field(primary_key=True, foreign_key="duty_shifts.id")
    channel: str = Field(primary_key=True, max_length=40, index=True)


class DutyCall(SQLModel, table=True):
    __tablename__ = "duty_calls"
    __table_args__ = (UniqueConstraint("channel", "uid", name="uq_duty_calls_channel_uid"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    channel: str = Field(max_length=40, index=True)
    uid: str = Field(max_length=300)
    # The call's own VCALENDAR (its VEVENTs, overrides and VTIMEZONEs), expanded by recurring-ical-events.
    calendar: str = Field(sa_column=Column(Text, nullable=False))
    rotation: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class DutyOccurrence(SQLModel, table=True):
    """One meeting of a call. `slot` is its RECURRENCE-ID (stable when an occurrence is moved)."""

    __tablename__ = "duty_occurrences"
    __table_args__ = (
        UniqueConstraint("call_id", "slot", name="uq_duty_occurrences_slot"),
        Index("ix_duty_occurrences_channel_window", "channel", "starts_at", "ends_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="duty_calls.id", index=True)
    slot: datetime = _ts()
    starts_at: datetime = _ts()
    ends_at: datetime = _ts()
    channel: str = Field(max_length=40)
    facilitator: str | None = Field(default=None, max_length=40)
    # Removed from the calendar by a later import: kept so its rows can be skipped, never shown.
    cancelled: bool = False


class DutyAssignment(SQLModel, table=True):
    """An explicit facilitator for one occurrence; wins over the rotation and survives re-imports."""

    __tablename__ = "duty_assignments"

    call_id: int = Field(primary_key=True, foreign_key="duty_calls.id")
    slot: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    facilitator: str = Field(max_length=40)
    assigned_by: str = Field(max_length=40)
    assigned_at: datetime = _ts()


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class ShiftRecord:
    id: int
    facilitator: str
    channels: frozenset[str]  # empty = every channel
    starts_at: datetime
    ends_at: datetime
    created_by: str
    cancelled: bool
    handover_from: int | None

    @property
    def all_channels(self) -> bool:
        return not self.channels


@dataclass(frozen=True)
class CallRecord:
    id: int
    name: str
    channel: str
    uid: str
    calendar: str
    rotation: tuple[str, ...]


@dataclass(frozen=True)
class OccurrenceRecord:
    id: int
    call_id: int
    call_name: str
    slot: datetime
    starts_at: datetime
    ends_at: datetime
    channel: str
    facilitator: str | None
    cancelled: bool


# ---------------------------------------------------------------- shifts


async def _shift_channels(session: AsyncSession, ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {i: set() for i in ids}
    if not ids:
        return out
    rows = await session.execute(select(col(DutyShiftChannel.shift_id), col(DutyShiftChannel.channel))
                                 .where(col(DutyShiftChannel.shift_id).in_(ids)))
    for sid, ch in rows.all():
        out[sid].add(ch)
    return out


def _shift_record(row: DutyShift, channels: set[str]) -> ShiftRecord:
    assert row.id is not None
    return ShiftRecord(row.id, row.facilitator, frozenset(channels - {ALL_CHANNELS}), row.starts_at,
                       row.ends_at, row.created_by, row.cancelled_at is not None, row.handover_from)


async def _records(session: AsyncSession, rows: list[DutyShift]) -> list[ShiftRecord]:
    chans = await _shift_channels(session, [r.id for r in rows if r.id is not None])
    return [_shift_record(r, chans[r.id]) for r in rows if r.id is not None]


async def lock_schedule(session: AsyncSession) -> None:
    """Serialise schedule changes across replicas (PostgreSQL); the overlap check then sees every shift."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(4242001)"))


async def add_shift(session: AsyncSession, *, facilitator: str, channels: frozenset[str], starts_at: datetime,
                    ends_at: datetime, created_by: str, now: datetime,
                    handover_from: int | None = None) -> ShiftRecord:
    row = DutyShift(facilitator=facilitator, starts_at=starts_at, ends_at=ends_at, created_by=created_by,
                    created_at=now, handover_from=handover_from)
    session.add(row)
    await session.flush()
    assert row.id is not None
    for ch in (channels or {ALL_CHANNELS}):
        session.add(DutyShiftChannel(shift_id=row.id, channel=ch))
    await session.flush()
    return _shift_record(row, set(channels or {ALL_CHANNELS}))


async def get_shift(session: AsyncSession, shift_id: int) -> ShiftRecord | None:
    row = await session.get(DutyShift, shift_id)
    if row is None:
        return None
    return (await _records(session, [row]))[0]


async def shifts_between(session: AsyncSession, start: datetime, end: datetime) -> list[ShiftRecord]:
    """Shifts not cancelled that overlap [start, end)."""
    rows = (await session.execute(
        select(DutyShift).where(col(DutyShift.cancelled_at).is_(None), col(DutyShift.starts_at) < end,
                                col(DutyShift.ends_at) > start).order_by(col(DutyShift.starts_at), col(DutyShift.id))
    )).scalars().all()
    return await _records(session, list(rows))


async def end_shift(session: AsyncSession, shift_id: int, at: datetime) -> None:
    await session.execute(update(DutyShift).where(col(DutyShift.id) == shift_id).values(ends_at=at))


async def cancel_shift(session: AsyncSession, shift_id: int, now: datetime) -> None:
    await session.execute(update(DutyShift).where(col(DutyShift.id) == shift_id).values(cancelled_at=now))


# ---------------------------------------------------------------- calls


def _call_record(row: DutyCall) -> CallRecord:
    assert row.id is not None
    return CallRecord(row.id, row.name, row.channel, row.uid, row.calendar, tuple(json.loads(row.rotation)))


async def upsert_call(session: AsyncSession, *, name: str, channel: str, uid: str, calendar: str,
                      rotation: tuple[str, ...], now: datetime) -> tuple[CallRecord, bool]:
    """Store or replace the call with this calendar UID in this channel; returns (call, created)."""
    row = (await session.execute(
        select(DutyCall).where(col(DutyCall.channel) == channel, col(DutyCall.uid) == uid))).scalar_one_or_none()
    created = row is None
    if row is None:
        row = DutyCall(name=name, channel=channel, uid=uid, calendar=calendar, rotation=json.dumps(list(rotation)),
                       created_at=now, updated_at=now)
        session.add(row)
    else:
        row.name, row.calendar, row.updated_at = name, calendar, now
        row.rotation = json.dumps(list(rotation))
    await session.flush()
    return _call_record(row), created


async def list_calls(session: AsyncSession) -> list[CallRecord]:
    rows = (await session.execute(select(DutyCall).order_by(col(DutyCall.id)))).scalars().all()
    return [_call_record(r) for r in rows]


async def get_call(session: AsyncSession, call_id: int) -> CallRecord | None:
    row = await session.get(DutyCall, call_id)
    return None if row is None else _call_record(row)


async def delete_call(session: AsyncSession, call_id: int) -> None:
    await session.execute(delete(DutyAssignment).where(col(DutyAssignment.call_id) == call_id))
    await session.execute(delete(DutyOccurrence).where(col(DutyOccurrence.call_id) == call_id))
    await session.execute(delete(DutyCall).where(col(DutyCall.id) == call_id))


async def assignments(session: AsyncSession, call_id: int) -> dict[datetime, str]:
    rows = await session.execute(select(col(DutyAssignment.slot), col(DutyAssignment.facilitator))
                                 .where(col(DutyAssignment.call_id) == call_id))
    return {slot: who for slot, who in rows.all()}


async def assign(session: AsyncSession, *, call_id: int, slot: datetime, facilitator: str, by: str,
                 now: datetime) -> None:
    row = await session.get(DutyAssignment, (call_id, slot))
    if row is None:
        session.add(DutyAssignment(call_id=call_id, slot=slot, facilitator=facilitator, assigned_by=by,
                                   assigned_at=now))
    else:
        row.facilitator, row.assigned_by, row.assigned_at = facilitator, by, now
    await session.execute(update(DutyOccurrence).where(col(DutyOccurrence.call_id) == call_id,
                                                       col(DutyOccurrence.slot) == slot)
                          .values(facilitator=facilitator))
    await session.flush()


async def replace_occurrences(session: AsyncSession, call: CallRecord, wanted: list[tuple[datetime, datetime,
                              datetime, str | None]], *, window_start: datetime) -> list[OccurrenceRecord]:
    """Make the stored occurrences from `window_start` on match `wanted` (slot, start, end, facilitator).

    Occurrences no longer in the calendar are marked cancelled rather than deleted, so their pending
    announcements find them and are skipped.
    """
    existing = {r.slot: r for r in (await session.execute(
        select(DutyOccurrence).where(col(DutyOccurrence.call_id) == call.id, col(DutyOccurrence.ends_at) > window_start)
    )).scalars().all()}
    seen: set[datetime] = set()
    for slot, start, end, who in wanted:
        seen.add(slot)
        row = existing.get(slot)
        if row is None:
            session.add(DutyOccurrence(call_id=call.id, slot=slot, starts_at=start, ends_at=end, channel=call.channel,
                                       facilitator=who))
        else:
            row.starts_at, row.ends_at, row.channel, row.facilitator, row.cancelled = (
                start, end, call.channel, who, False)
    for slot, row in existing.items():
        if slot not in seen and row.starts_at >= window_start:
            row.cancelled = True
    await session.flush()
    return await occurrences_between(session, window_start, max((w[2] for w in wanted), default=window_start),
                                     call_id=call.id)


def _occ_record(row: DutyOccurrence, name: str) -> OccurrenceRecord:
    assert row.id is not None
    return OccurrenceRecord(row.id, row.call_id, name, row.slot, row.starts_at, row.ends_at, row.channel,
                            row.facilitator, row.cancelled)


async def occurrences_between(session: AsyncSession, start: datetime, end: datetime, *,
                              call_id: int | None = None, channel: str | None = None,
                              include_cancelled: bool = False) -> list[OccurrenceRecord]:
    stmt = (select(DutyOccurrence, col(DutyCall.name)).join(DutyCall, col(DutyCall.id) == col(DutyOccurrence.call_id))
            .where(col(DutyOccurrence.starts_at) < end, col(DutyOccurrence.ends_at) > start)
            .order_by(col(DutyOccurrence.starts_at), col(DutyOccurrence.id)))
    if call_id is not None:
        stmt = stmt.where(col(DutyOccurrence.call_id) == call_id)
    if channel is not None:
        stmt = stmt.where(col(DutyOccurrence.channel) == channel)
    if not include_cancelled:
        stmt = stmt.where(col(DutyOccurrence.cancelled).is_(False))
    rows = await session.execute(stmt)
    return [_occ_record(r, name) for r, name in rows.all()]


async def get_occurrence(session: AsyncSession, call_id: int, slot: datetime) -> OccurrenceRecord | None:
    row = (await session.execute(
        select(DutyOccurrence, col(DutyCall.name)).join(DutyCall, col(DutyCall.id) == col(DutyOccurrence.call_id))
        .where(col(DutyOccurrence.call_id) == call_id, col(DutyOccurrence.slot) == slot))).one_or_none()
    return None if row is None else _occ_record(row[0], row[1])


# ---------------------------------------------------------------- for other features


async def active_in_channel(session: AsyncSession, channel: str, at: datetime) -> bool:
    """Is a shift for this channel, or a call in this channel, under way at `at`? ("event mode")

    Shifts covering every channel do not count: they are general cover, not an event in this channel.
    """
    # Both questions in one statement, built once: this is asked inside every report's intake transaction.
    return bool((await session.execute(_active_in_channel(), {"b_channel": channel, "b_at": at})).scalar_one())


@cache
def _active_in_channel() -> Any:
    channel: BindParameter[str] = bindparam("b_channel")
    at: BindParameter[datetime] = bindparam("b_at")
    shift = (
        select(col(DutyShift.id))
        .join(DutyShiftChannel, col(DutyShiftChannel.shift_id) == col(DutyShift.id))
        .where(col(DutyShiftChannel.channel) == channel, col(DutyShift.cancelled_at).is_(None),
               col(DutyShift.starts_at) <= at, col(DutyShift.ends_at) > at)
    )
    call = (
        select(col(DutyOccurrence.id))
        .where(col(DutyOccurrence.channel) == channel, col(DutyOccurrence.cancelled).is_(False),
               col(DutyOccurrence.starts_at) <= at, col(DutyOccurrence.ends_at) > at)
    )
    return select(or_(shift.exists(), call.exists()))


# ---------------------------------------------------------------- App Home: report state without content


@dataclass(frozen=True)
class OpenReport:
    """What the App Home may show a committee member about a report: never its content."""

    ref: str
    created_at: datetime
    state: str
    acknowledged_at: datetime | None
    blocked: frozenset[str]
    space_kind: str | None
    reopened_at: datetime | None = None
    # Filed in a channel while a shift or call was under way there (the shorter event target).
    event_mode: bool = False


CLOSED_STATES = ("closed", "resolved", "dismissed", "withdrawn")


async def open_reports(session: AsyncSession) -> list[OpenReport]:
    """Open reports, with who must not see even their reference."""
    from cocbot.storage.content import SEAL
    from cocbot.storage.holds import visible
    from cocbot.storage.models import OPEN_REPORTS_WHERE, Report

    rows = await session.execute(
        select(col(Report.ref), col(Report.created_at), col(Report.state), col(Report.people_sealed),
               col(Report.space_kind),
               col(Report.acknowledged_at), col(Report.reopened_at), col(Report.event_mode))
        # The index's own predicate, literally (CLOSED_STATES): the open few, not a scan of every case.
        .where(col(Report.ref).is_not(None), text(OPEN_REPORTS_WHERE), visible())
        .order_by(col(Report.created_at)))
    out = []
    for ref, created, state, people_sealed, space_kind, acknowledged, reopened, event in rows.all():
        people: dict[str, Any] = SEAL.unseal(people_sealed)
        blocked = {*people.get("implicated", ()), *people.get("excluded", ()), *people.get("recused", ())}
        if people.get("flagged_author"):
            blocked.add(people["flagged_author"])
        out.append(OpenReport(str(ref), created, state, acknowledged, frozenset(blocked), space_kind, reopened,
                              bool(event)))
    return out


__all__ = [
    "ALL_CHANNELS", "CallRecord", "DutyAssignment", "DutyCall", "DutyOccurrence", "DutyShift", "DutyShiftChannel",
    "OccurrenceRecord", "OpenReport", "ShiftRecord", "active_in_channel", "add_shift", "assign", "assignments",
    "cancel_shift", "delete_call", "end_shift", "get_call", "get_occurrence", "get_shift", "list_calls",
    "lock_schedule", "occurrences_between", "open_reports", "replace_occurrences", "shifts_between",
    "upsert_call",
]
