"""Discourse tables and queries: webhook de-duplication, report-form links, reconciliation cursors and
which private-message topics belong to which report.

No report content is stored here; the usernames that tie a person to a report (who a form link or a
reporter's thread belongs to) are sealed like report content (storage/content.py), so they are encrypted
at rest when content keys are set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Text, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from cocbot.storage.content import SEAL
from cocbot.storage.queries import insert_ignoring_duplicates, rowcount, table_of
from cocbot.storage.types import UTCDateTime


def _ts(nullable: bool = False, index: bool = False) -> object:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class DiscourseEventSeen(SQLModel, table=True):
    """What a delivery was about — (event, object id, version) — once handled. Discourse gives each retry
    a new event id, so the id cannot de-duplicate."""

    __tablename__ = "discourse_events_seen"

    key: str = Field(primary_key=True, max_length=120)
    seen_at: datetime = _ts(index=True)  # type: ignore[assignment]


class DiscourseFormToken(SQLModel, table=True):
    """A one-time report-form link. The link carries `id` signed with a key derived from the config;
    this row makes it single-use and binds it to one Discourse user (None for the public form)."""

    __tablename__ = "discourse_form_tokens"

    id: str = Field(primary_key=True, max_length=64)
    username_sealed: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _ts()  # type: ignore[assignment]
    expires_at: datetime = _ts()  # type: ignore[assignment]
    used_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    report_ref: str | None = Field(default=None, max_length=20)


class DiscourseCursor(SQLModel, table=True):
    """How far reconciliation has read, per private-message topic (highest post number handled)."""

    __tablename__ = "discourse_cursors"

    name: str = Field(primary_key=True, max_length=80)
    value: int = 0
    updated_at: datetime = _ts()  # type: ignore[assignment]


class DiscourseThread(SQLModel, table=True):
    """A private-message topic cocbot started: a form link for `username`, a report's confirmation to its
    reporter (replies add information), or a report's committee space."""

    __tablename__ = "discourse_threads"

    topic_id: int = Field(primary_key=True)
    purpose: str = Field(max_length=20)  # form_link | reporter | question
    username_sealed: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    report_id: int | None = Field(default=None, index=True)
    # For a committee question relayed to the reporter: replies in this thread answer it.
    question_id: int | None = None
    created_at: datetime = _ts()  # type: ignore[assignment]


@dataclass(frozen=True)
class FormToken:
    id: str
    username: str | None
    expires_at: datetime
    used_at: datetime | None
    report_ref: str | None


@dataclass(frozen=True)
class Thread:
    topic_id: int
    purpose: str
    username: str | None
    report_id: int | None
    question_id: int | None = None


def _seal(username: str | None) -> str | None:
    return None if username is None else SEAL.seal(username)


async def was_seen(session: AsyncSession, key: str) -> bool:
    return await session.get(DiscourseEventSeen, key) is not None


async def mark_seen(session: AsyncSession, key: str, now: datetime) -> bool:
    """Record a handled delivery; False when it had been recorded already."""
    result = await session.execute(
        insert_ignoring_duplicates(session, table_of(DiscourseEventSeen), {"key": key, "seen_at": now}))
    return bool(rowcount(result))


async def forget_seen_before(session: AsyncSession, before: datetime) -> int:
    """Discourse stops retrying after about 2.5 hours; older keys only grow the table."""
    result = await session.execute(delete(DiscourseEventSeen).where(col(DiscourseEventSeen.seen_at) < before))
    return int(rowcount(result) or 0)


async def forget_tokens_expired_before(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(delete(DiscourseFormToken).where(col(DiscourseFormToken.expires_at) < before))
    return int(rowcount(result) or 0)


async def create_token(session: AsyncSession, *, token_id: str, username: str | None, now: datetime,
                       expires_at: datetime) -> None:
    await session.execute(insert_ignoring_duplicates(session, table_of(DiscourseFormToken), {
        "id": token_id, "username_sealed": _seal(username), "created_at": now, "expires_at": expires_at}))


async def get_token(session: AsyncSession, token_id: str) -> FormToken | None:
    row = await session.get(DiscourseFormToken, token_id)
    if row is None:
        return None
    return FormToken(row.id, SEAL.unseal(row.username_sealed), row.expires_at, row.used_at, row.report_ref)


async def use_token(session: AsyncSession, token_id: str, *, ref: str, now: datetime) -> bool:
    """Spend a link; False when it was spent already (a second tab, a replayed request)."""
    result = await session.execute(
        update(DiscourseFormToken)
        .where(col(DiscourseFormToken.id) == token_id, col(DiscourseFormToken.used_at).is_(None))
        .values(used_at=now, report_ref=ref))
    return bool(rowcount(result))


async def get_cursor(session: AsyncSession, name: str) -> int:
    row = await session.get(DiscourseCursor, name)
    return 0 if row is None else row.value


async def set_cursor(session: AsyncSession, name: str, value: int, now: datetime) -> None:
    row = await session.get(DiscourseCursor, name)
    if row is None:
        await session.execute(insert_ignoring_duplicates(session, table_of(DiscourseCursor), {
            "name": name, "value": value, "updated_at": now}))
    elif value > row.value:
        row.value = value
        row.updated_at = now


async def put_thread(session: AsyncSession, *, topic_id: int, purpose: str, username: str | None,
                     report_id: int | None, now: datetime, question_id: int | None = None) -> None:
    await session.execute(insert_ignoring_duplicates(session, table_of(DiscourseThread), {
        "topic_id": topic_id, "purpose": purpose, "username_sealed": _seal(username), "report_id": report_id,
        "question_id": question_id, "created_at": now}))


async def get_thread(session: AsyncSession, topic_id: int) -> Thread | None:
    row = await session.get(DiscourseThread, topic_id)
    return None if row is None else Thread(row.topic_id, row.purpose, SEAL.unseal(row.username_sealed),
                                           row.report_id, row.question_id)


async def report_id_for_space(session: AsyncSession, channel: str) -> int | None:
    """The report whose committee space is this PM topic (`topic:<id>`), if any."""
    from cocbot.storage.models import Report

    return (await session.execute(
        select(col(Report.id)).where(col(Report.space_channel) == channel).limit(1))).scalar_one_or_none()
