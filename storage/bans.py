"""Where a ban applies and what cocbot did to enforce it.

A ban itself stays a `triage_bans` row (who, the free-text scope as a note, until when). This table adds
the real places it covers (Slack channels and/or the whole workspace, forum categories and/or the whole
forum), the enforcement cocbot applied (a forum suspension or silence, to lift when the ban ends) and when
its end was handled. The places, and everything naming people, are sealed under the content keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Text, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from cocbot.storage.content import SEAL
from cocbot.storage.models import Report
from cocbot.storage.queries import rowcount
from cocbot.storage.triage import BanRecord, TriageBan, _ban
from cocbot.storage.types import UTCDateTime


class BanPlaces(SQLModel, table=True):
    __tablename__ = "ban_places"

    id: int | None = Field(default=None, primary_key=True)
    ban_id: int = Field(foreign_key="triage_bans.id", unique=True, index=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    # {"channels": [...], "workspace": bool, "categories": [...], "forum": bool}
    places_sealed: str = Field(sa_column=Column(Text, nullable=False))
    # What cocbot applied on the forum, to lift at the end: {"action": "suspend", "users": [...]}.
    applied_sealed: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Set once, by whichever replica handles the end first.
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


@dataclass(frozen=True)
class Places:
    channels: tuple[str, ...] = ()
    workspace: bool = False
    categories: tuple[int, ...] = ()
    forum: bool = False

    @property
    def empty(self) -> bool:
        return not (self.channels or self.workspace or self.categories or self.forum)

    def as_json(self) -> dict[str, Any]:
        return {"channels": list(self.channels), "workspace": self.workspace,
                "categories": list(self.categories), "forum": self.forum}

    @classmethod
    def from_json(cls, data: Any) -> Places:
        data = data if isinstance(data, dict) else {}
        return cls(tuple(str(c) for c in data.get("channels") or ()), bool(data.get("workspace")),
                   tuple(int(c) for c in data.get("categories") or ()), bool(data.get("forum")))


@dataclass(frozen=True)
class EnforcedBan:
    """A ban with its places and its case's reference: what the enforcement code works from."""

    ban: BanRecord
    ref: str
    places: Places
    applied: dict[str, Any] = field(default_factory=dict)
    ended_at: datetime | None = None


async def add_places(session: AsyncSession, *, ban_id: int, report_id: int, places: Places) -> None:
    session.add(BanPlaces(ban_id=ban_id, report_id=report_id, places_sealed=SEAL.seal(places.as_json())))
    await session.flush()


def _enforced(ban: TriageBan, ref: Any, places: BanPlaces | None) -> EnforcedBan:
    if places is None:
        return EnforcedBan(_ban(ban), str(ref), Places())
    return EnforcedBan(_ban(ban), str(ref), Places.from_json(SEAL.unseal(places.places_sealed)),
                       SEAL.unseal(places.applied_sealed) or {}, places.ended_at)


def _joined() -> Any:
    return (select(TriageBan, col(Report.ref), BanPlaces)
            .join(Report, col(Report.id) == col(TriageBan.report_id))
            .outerjoin(BanPlaces, col(BanPlaces.ban_id) == col(TriageBan.id)))


async def get(session: AsyncSession, ban_id: int) -> EnforcedBan | None:
    row = (await session.execute(_joined().where(col(TriageBan.id) == ban_id))).first()
    return None if row is None else _enforced(*row)


async def in_force(session: AsyncSession, now: datetime) -> list[EnforcedBan]:
    """Every ban in force at `now` with its places (subjects are sealed, so matching is done by the caller)."""
    rows = (await session.execute(
        _joined().where((col(TriageBan.ends_at).is_(None)) | (col(TriageBan.ends_at) > now))
        .order_by(col(TriageBan.id)))).all()
    return [_enforced(*row) for row in rows]


async def mark_applied(session: AsyncSession, ban_id: int, applied: dict[str, Any]) -> None:
    await session.execute(update(BanPlaces).where(col(BanPlaces.ban_id) == ban_id)
                          .values(applied_sealed=SEAL.seal(applied)))


async def claim_end(session: AsyncSession, ban_id: int, now: datetime) -> bool:
    """Record that the ban's end is being handled; True for the first caller only."""
    result = await session.execute(update(BanPlaces).where(col(BanPlaces.ban_id) == ban_id,
                                                           col(BanPlaces.ended_at).is_(None))
                                   .values(ended_at=now))
    return bool(rowcount(result))


async def purge_ended_bans(session: AsyncSession, ended_before: datetime) -> int:
    """Delete the records of bans that ended before `ended_before` (permanent bans never end); returns how
    many bans were deleted. Bans hold people: kept while in force plus the retention period only."""
    ids = (await session.execute(select(col(TriageBan.id)).where(col(TriageBan.ends_at).is_not(None),
                                                                 col(TriageBan.ends_at) < ended_before))
           ).scalars().all()
    if not ids:
        return 0
    await session.execute(delete(BanPlaces).where(col(BanPlaces.ban_id).in_(ids)))
    result = await session.execute(delete(TriageBan).where(col(TriageBan.id).in_(ids)))
    return int(rowcount(result) or 0)
