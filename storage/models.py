"""Tables. Columns ending in `_sealed` hold content and are only read or written via storage.content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, text
from sqlmodel import Field, SQLModel

from cocbot.storage.types import UTCDateTime


def _ts(index: bool = False, nullable: bool = False) -> object:
    return Field(sa_column=Column(UTCDateTime(), index=index, nullable=nullable))


# Reports still open (storage/duty.py lists them for the App Home). A partial index on exactly this predicate
# reads the open few among years of closed cases; a query uses it only when it spells the predicate the same.
OPEN_REPORTS_WHERE = "state NOT IN ('closed', 'resolved', 'dismissed', 'withdrawn')"


class Report(SQLModel, table=True):
    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_open", "created_at", sqlite_where=text(OPEN_REPORTS_WHERE),
                            postgresql_where=text(OPEN_REPORTS_WHERE)),)

    id: int | None = Field(default=None, primary_key=True)
    ref: str | None = Field(default=None, unique=True, index=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    platform: str = Field(default="slack", max_length=20)
    source: str = Field(max_length=30)
    created_at: datetime = _ts()  # type: ignore[assignment]
    anonymity: str = Field(max_length=20)
    reporter_sealed: str = Field(sa_column=Column(Text, nullable=False))
    content_sealed: str = Field(sa_column=Column(Text, nullable=False))
    people_sealed: str = Field(sa_column=Column(Text, nullable=False))
    where_channel: str | None = Field(default=None, max_length=40)
    ongoing: str = Field(default="unsure", max_length=10)
    danger: bool = False
    flagged_channel: str | None = Field(default=None, max_length=40)
    flagged_ts: str | None = Field(default=None, max_length=40)
    flagged_permalink: str | None = Field(default=None, sa_column=Column(Text))
    state: str = Field(default="new", max_length=20, index=True)
    # pending → delivered | escalated | held; tells an operator where each report stands.
    delivery_state: str = Field(default="pending", max_length=20, index=True)
    space_kind: str | None = Field(default=None, max_length=30)
    space_channel: str | None = Field(default=None, max_length=40)
    space_invited: bool = False
    message_ts: str | None = Field(default=None, max_length=40)
    # Triage (bot/triage.py). `version` is bumped by every triage action so concurrent clicks serialise.
    owner: str | None = Field(default=None, max_length=40)
    acknowledged_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    decided_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    closed_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    reopened_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    reporter_role: str | None = Field(default=None, max_length=12)
    category: str | None = Field(default=None, max_length=60)
    # True while a recusal moves the case to a new space; other deliveries for the report wait.
    moving: bool = False
    version: int = 0
    # Filed in a channel while an on-duty shift or call was under way there: the shorter action target.
    # Decided once at intake so the reminders, the committee's message and the App Home agree.
    event_mode: bool = False


class ReportAddendum(SQLModel, table=True):
    __tablename__ = "report_addenda"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    created_at: datetime = _ts()  # type: ignore[assignment]
    content_sealed: str = Field(sa_column=Column(Text, nullable=False))


class FlagDraft(SQLModel, table=True):
    """The flagged message as it was when the shortcut was used, keyed by the modal's view id.

    Deleted with the report's storing, or once it is too old to be submitted (bot/intake.py)."""

    __tablename__ = "flag_drafts"

    view_id: str = Field(primary_key=True, max_length=40)
    created_at: datetime = _ts(index=True)  # type: ignore[assignment]
    # Where the message is and who wrote it ({"channel", "ts", "author"}): it names the flagged person.
    message_sealed: str = Field(sa_column=Column(Text, nullable=False))
    snapshot_sealed: str = Field(sa_column=Column(Text, nullable=False))


class OutboxItem(SQLModel, table=True):
    """One thing to deliver to a platform; written in the same transaction as its cause."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)
    report_id: int | None = Field(default=None, index=True)
    kind: str = Field(max_length=40)
    # Never report text: ids and references only (content is read from its sealed home at send time).
    # Sealed all the same: who a row writes to or about (a flagger's id, a reporter's DM) is identifying.
    payload_sealed: str = Field(default="v1:{}", sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=12)
    attempts: int = 0
    next_attempt_at: datetime = _ts()  # type: ignore[assignment]
    lease_owner: str | None = Field(default=None, max_length=80)
    lease_until: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
    last_error: str | None = Field(default=None, max_length=200)
    result_sealed: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = _ts()  # type: ignore[assignment]
    done_at: datetime | None = _ts(nullable=True)  # type: ignore[assignment]
