"""Talk-first conversations: tables and queries.

Who takes part (member, helper, the people the member excluded) and every message are sealed under the
content keys: a conversation is as sensitive as a report, and it is deleted after `retention.consultations`
unless it became one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Text, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from cocbot.storage.content import SEAL
from cocbot.storage.queries import insert_ignoring_duplicates, rowcount, table_of
from cocbot.storage.types import timestamp_field as _ts


class TalkConversation(SQLModel, table=True):
    __tablename__ = "talk_conversations"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    platform: str = Field(default="slack", max_length=20)
    created_at: datetime = _ts(index=True)
    # waiting (the helper has not answered yet) → open → ended; `report_ref` once it became a report.
    state: str = Field(default="waiting", max_length=12)
    anonymous: bool = False
    # {"member", "helper", "excluded": [...], "where", "pending_helper", "threads": {role: channel}}
    parties_sealed: str = Field(sa_column=Column(Text, nullable=False))
    # Bumped whenever the helper changes: a due "unanswered" row of an earlier helper is then stale.
    generation: int = 0
    answered_at: datetime | None = _ts(nullable=True)
    report_ref: str | None = Field(default=None, max_length=40)


class TalkMessage(SQLModel, table=True):
    __tablename__ = "talk_messages"

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="talk_conversations.id", index=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    created_at: datetime = _ts()
    role: str = Field(max_length=10)  # member | helper
    text_sealed: str = Field(sa_column=Column(Text, nullable=False))


@dataclass(frozen=True)
class Parties:
    member: str
    helper: str
    excluded: tuple[str, ...] = ()
    where: str | None = None
    # A colleague the helper proposed to hand over to, waiting for the member's consent.
    pending_helper: str | None = None
    # Forum PM topics of each side ("member" / "helper" → "topic:<id>"), once started.
    threads: dict[str, str] = field(default_factory=dict)
    # Everyone who was ever the helper (a handover keeps the earlier one out of later messages).
    past_helpers: tuple[str, ...] = ()
    # The forum's one-time report-form link the member asked for (its token id): the form opens prefilled.
    form_token: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"member": self.member, "helper": self.helper, "excluded": list(self.excluded), "where": self.where,
                "pending_helper": self.pending_helper, "threads": dict(self.threads),
                "past_helpers": list(self.past_helpers), "form_token": self.form_token}

    @staticmethod
    def from_json(data: dict[str, Any]) -> Parties:
        return Parties(str(data["member"]), str(data["helper"]), tuple(data.get("excluded") or ()),
                       data.get("where"), data.get("pending_helper"), dict(data.get("threads") or {}),
                       tuple(data.get("past_helpers") or ()), data.get("form_token"))


@dataclass(frozen=True)
class ConversationRecord:
    id: int
    platform: str
    created_at: datetime
    state: str
    anonymous: bool
    parties: Parties
    generation: int
    answered_at: datetime | None
    report_ref: str | None


@dataclass(frozen=True)
class MessageRecord:
    id: int
    conversation_id: int
    created_at: datetime
    role: str
    text: str


def _record(row: TalkConversation) -> ConversationRecord:
    assert row.id is not None
    return ConversationRecord(row.id, row.platform, row.created_at, row.state, row.anonymous,
                              Parties.from_json(SEAL.unseal(row.parties_sealed)), row.generation, row.answered_at,
                              row.report_ref)


async def create(session: AsyncSession, *, key: str, platform: str, now: datetime, anonymous: bool,
                 parties: Parties) -> tuple[ConversationRecord, bool]:
    """The conversation for `key`, created unless it exists; returns it and whether it is new."""
    values = {"idempotency_key": key, "platform": platform, "created_at": now, "state": "waiting",
              "anonymous": anonymous, "parties_sealed": SEAL.seal(parties.to_json()), "generation": 0}
    added = rowcount(await session.execute(insert_ignoring_duplicates(session, table_of(TalkConversation), values)))
    query = select(TalkConversation).where(col(TalkConversation.idempotency_key) == key)
    row = (await session.execute(query)).scalar_one()
    return _record(row), bool(added)


async def get(session: AsyncSession, conversation_id: int, *, lock: bool = False) -> ConversationRecord | None:
    query = select(TalkConversation).where(col(TalkConversation.id) == conversation_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    return None if row is None else _record(row)


async def save(session: AsyncSession, record: ConversationRecord) -> None:
    await session.execute(update(TalkConversation).where(col(TalkConversation.id) == record.id).values(
        state=record.state, parties_sealed=SEAL.seal(record.parties.to_json()), generation=record.generation,
        answered_at=record.answered_at, report_ref=record.report_ref))


async def add_message(session: AsyncSession, *, conversation_id: int, key: str, role: str, text: str,
                      now: datetime) -> MessageRecord | None:
    """Store a message once per key; None when this key was stored already."""
    values = {"conversation_id": conversation_id, "idempotency_key": key, "created_at": now, "role": role,
              "text_sealed": SEAL.seal(text)}
    added = rowcount(await session.execute(insert_ignoring_duplicates(session, table_of(TalkMessage), values)))
    if not added:
        return None
    row = (await session.execute(select(TalkMessage).where(col(TalkMessage.idempotency_key) == key))).scalar_one()
    assert row.id is not None
    return MessageRecord(row.id, conversation_id, now, role, text)


async def get_message(session: AsyncSession, message_id: int) -> MessageRecord | None:
    row = (await session.execute(select(TalkMessage).where(col(TalkMessage.id) == message_id))).scalar_one_or_none()
    if row is None or row.id is None:
        return None
    return MessageRecord(row.id, row.conversation_id, row.created_at, row.role, SEAL.unseal(row.text_sealed))


async def messages(session: AsyncSession, conversation_id: int) -> list[MessageRecord]:
    rows = (await session.execute(select(TalkMessage).where(col(TalkMessage.conversation_id) == conversation_id)
                                  .order_by(col(TalkMessage.id)))).scalars().all()
    return [MessageRecord(r.id or 0, r.conversation_id, r.created_at, r.role, SEAL.unseal(r.text_sealed))
            for r in rows]


async def find_by_thread(session: AsyncSession, platform: str, channel: str) -> tuple[ConversationRecord, str] | None:
    """The conversation whose forum thread `channel` is, and whose side it is. Threads are sealed, so this
    reads the platform's live conversations (few: they are deleted after the retention period)."""
    rows = (await session.execute(select(TalkConversation).where(
        col(TalkConversation.platform) == platform, col(TalkConversation.state) != "ended"))).scalars().all()
    for row in rows:
        record = _record(row)
        for role, thread in record.parties.threads.items():
            if thread == channel:
                return record, role
    return None


async def find_by_form_token(session: AsyncSession, token_id: str) -> ConversationRecord | None:
    rows = (await session.execute(select(TalkConversation).where(
        col(TalkConversation.platform) == "discourse", col(TalkConversation.report_ref).is_(None)))).scalars().all()
    return next((r for r in map(_record, rows) if r.parties.form_token == token_id), None)


async def purge_consultations(session: AsyncSession, older_than: datetime) -> int:
    """Delete conversations started before `older_than` that never became a report, with their messages;
    returns how many conversations were deleted."""
    old = select(col(TalkConversation.id)).where(col(TalkConversation.created_at) < older_than,
                                                 col(TalkConversation.report_ref).is_(None))
    ids = list((await session.execute(old)).scalars().all())
    if not ids:
        return 0
    await session.execute(delete(TalkMessage).where(col(TalkMessage.conversation_id).in_(ids)))
    return rowcount(await session.execute(delete(TalkConversation).where(col(TalkConversation.id).in_(ids))))
