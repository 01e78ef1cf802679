"""Committee membership as cocbot last saw it in the config, kept as an append-only list of changes.

Each start compares the config's committee with the membership these rows add up to and appends who
joined and who left, with the date. When someone joined decides whether they may read cases that were
closed before (bot/committees). Member ids are people: sealed like every other id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from cocbot.storage.content import SEAL
from cocbot.storage.types import UTCDateTime


class CommitteeChange(SQLModel, table=True):
    __tablename__ = "committee_changes"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    platform: str = Field(max_length=20)
    # joined | left
    change: str = Field(max_length=10)
    member_sealed: str = Field(sa_column=Column(Text, nullable=False))
    # True for the members found on the first start that kept this list: their date is not a joining date.
    founding: bool = False


@dataclass(frozen=True)
class Change:
    at: datetime
    platform: str
    change: str
    member: str
    founding: bool


# pg_advisory_xact_lock key for the membership check ("cocbotcm"): replicas starting together record a change once.
_LOCK = 0x636F63626F74636D


async def lock(session: AsyncSession) -> None:
    """Replicas starting at once take turns (SQLite runs one replica and needs nothing)."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        from sqlalchemy import text

        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})


async def changes(session: AsyncSession, platform: str | None = None) -> list[Change]:
    query: Any = select(CommitteeChange).order_by(col(CommitteeChange.id))
    if platform is not None:
        query = query.where(col(CommitteeChange.platform) == platform)
    rows = (await session.execute(query)).scalars().all()
    return [Change(r.at, r.platform, r.change, SEAL.unseal(r.member_sealed), r.founding) for r in rows]


async def current(session: AsyncSession, platform: str) -> dict[str, Change]:
    """Who is a member now by the stored list, with the change that made them one."""
    members: dict[str, Change] = {}
    for c in await changes(session, platform):
        if c.change == "joined":
            members[c.member] = c
        else:
            members.pop(c.member, None)
    return members


async def record(session: AsyncSession, *, platform: str, member: str, change: str, now: datetime,
                 founding: bool = False) -> None:
    session.add(CommitteeChange(at=now, platform=platform, change=change, member_sealed=SEAL.seal(member),
                                founding=founding))
    await session.flush()


async def open_cases(session: AsyncSession) -> list[tuple[int, str | None, str | None]]:
    """(report id, space kind, space channel) of every case not closed."""
    from cocbot.storage.duty import CLOSED_STATES
    from cocbot.storage.models import Report

    rows = (await session.execute(
        select(col(Report.id), col(Report.space_kind), col(Report.space_channel))
        .where(col(Report.ref).is_not(None), col(Report.state).not_in(CLOSED_STATES))
        .order_by(col(Report.id)))).all()
    return [(int(i or 0), kind, channel) for i, kind, channel in rows]
