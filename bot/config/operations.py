"""The sections for what happens around reports: on-duty facilitators and calls, bans, talk-first
conversations, retention, the published figures and held reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import Field, field_serializer, field_validator, model_validator

from cocbot.bot.config.durations import parse_duration
from cocbot.bot.config.fields import CHANNEL_ID, Frozen as _Frozen
from cocbot.bot.config.fields import spoken as _spoken


class DutyGuide(_Frozen):
    """The community's facilitator guide: a short text and, optionally, a link to the whole guide."""

    text: str = Field(min_length=1, max_length=2000)
    link: str | None = Field(default=None, pattern=r"^https://\S+$")


class Duty(_Frozen):
    """On-duty facilitators. Committee members may always act as facilitators too."""

    facilitators: tuple[str, ...] = ()
    # Reading and showing shift times; None means policy.timezone.
    timezone: str | None = None
    default_shift_hours: float = Field(default=2, gt=0, le=168)
    max_shift_hours: float = Field(default=72, gt=0, le=24 * 31)
    reminder_minutes: float = Field(default=15, ge=0, le=24 * 60)
    # Announcements and reminders for calls are written this far ahead (and refreshed periodically).
    horizon_days: int = Field(default=14, ge=1, le=90)
    # A call without an end time in its calendar is assumed to last this long.
    default_call_minutes: int = Field(default=60, ge=5, le=24 * 60)
    # Where shifts covering every channel are announced; None: they are not announced in a channel.
    announce_channel: str | None = None
    # Discourse topics that also get call/shift announcements (needs the discourse section): Slack channel
    # id → topic id, "*" for every announcement. Empty (the default): announcements stay in Slack.
    discourse_topics: dict[str, int] = Field(default_factory=dict)
    # How many facilitators may be on duty in one channel or call at once (pairs by default).
    max_on_duty: int = Field(default=2, ge=1, le=10)
    # Sent by direct message to each person the first time they are on duty.
    guide: DutyGuide | None = None
    # The language of channel announcements; None: community.language.
    language: str | None = None

    @field_validator("language")
    @classmethod
    def _language(cls, v: str | None) -> str | None:
        return None if v is None else _spoken(v)

    @field_validator("facilitators")
    @classmethod
    def _facilitators(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        # Slack ids or forum usernames, depending on where the committee works: checked by CommunityConfig.
        return tuple(dict.fromkeys(v))

    @model_validator(mode="after")
    def _lengths(self) -> Duty:
        if self.default_shift_hours > self.max_shift_hours:
            raise ValueError("default_shift_hours is longer than max_shift_hours")
        return self

    @field_validator("discourse_topics")
    @classmethod
    def _topics(cls, v: dict[str, int]) -> dict[str, int]:
        for channel, topic in v.items():
            if channel != "*" and not CHANNEL_ID.match(channel):
                raise ValueError(f"{channel!r} is not a Slack channel id (like C0123ABCD) or \"*\"")
            if topic <= 0:
                raise ValueError(f"{topic!r} is not a Discourse topic id (a positive number)")
        return v

    @field_validator("announce_channel")
    @classmethod
    def _announce(cls, v: str | None) -> str | None:
        if v is not None and not CHANNEL_ID.match(v):
            raise ValueError(f"{v!r} is not a Slack channel id (like C0123ABCD)")
        return v

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(v)
        except Exception as exc:
            raise ValueError(f"{v!r} is not a known time zone (like Europe/Berlin)") from exc
        return v


class Bans(_Frozen):
    """What cocbot does when a banned person is where their ban applies. `alert` (default): the case's
    committee space is told. `remove`: also removes them from Slack channels in scope (conversations.kick)
    and DMs them a neutral notice. `suspend` / `silence`: also suspends or silences them on the forum until
    the ban ends (needs an admin API key). A list combines one Slack and one forum action."""

    enforce: tuple[Literal["alert", "remove", "suspend", "silence"], ...] = ("alert",)

    @field_validator("enforce", mode="before")
    @classmethod
    def _one_or_more(cls, v: Any) -> Any:
        return (v,) if isinstance(v, str) else v

    @field_validator("enforce")
    @classmethod
    def _compatible(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if "suspend" in v and "silence" in v:
            raise ValueError("choose suspend or silence for the forum, not both")
        return tuple(dict.fromkeys(v)) or ("alert",)

    @property
    def removes(self) -> bool:
        return "remove" in self.enforce

    @property
    def forum_action(self) -> str | None:
        return next((a for a in self.enforce if a in ("suspend", "silence")), None)


class Talk(_Frozen):
    """`/talk`: a private conversation with a facilitator before (or instead of) a report."""

    # Unanswered this long, counted in working hours (policy), the member is told and may choose someone else.
    answer_within: str = "2h"

    @field_validator("answer_within")
    @classmethod
    def _answer_within(cls, v: str) -> str:
        if parse_duration(v).total_seconds() <= 0:
            raise ValueError(f"{v!r} must be longer than zero")
        return v


def _retention_period(value: object, *, never: bool = False) -> timedelta | None:
    """`730d`, `12h`, `30s` (tests) → a timedelta; `never` → None where that is allowed."""
    if isinstance(value, timedelta):
        return value
    if value is None and never:
        return None
    text = str(value).strip().lower()
    if never and text == "never":
        return None
    try:
        period = parse_duration(text)
    except ValueError as exc:
        raise ValueError(f"{exc}{' (or never)' if never else ''}") from None
    if period <= timedelta(0):
        raise ValueError(f"{value!r} must be longer than zero")
    return period


class Retention(_Frozen):
    """How long cocbot keeps what it stored before the purge deletes it (bot/retention/)."""

    # After a report is closed; None (`never`) keeps closed reports for ever, with a warning at start-up.
    closed_reports: timedelta | None = timedelta(days=730)
    # A flagged message's snapshot waiting for its report to be submitted.
    unsubmitted_drafts: timedelta = timedelta(days=1)
    consultations: timedelta = timedelta(days=30)
    # A ban's record is kept while the ban is in force, then this long.
    ended_bans: timedelta = timedelta(days=365)

    @field_validator("closed_reports", mode="before")
    @classmethod
    def _closed(cls, v: object) -> timedelta | None:
        return _retention_period(v, never=True)

    @field_validator("unsubmitted_drafts", "consultations", "ended_bans", mode="before")
    @classmethod
    def _period(cls, v: object) -> timedelta | None:
        return _retention_period(v)

    @field_serializer("closed_reports", "unsubmitted_drafts", "consultations", "ended_bans")
    def _written(self, v: timedelta | None) -> str:
        """As the config writes it (`730d`, `never`), so a dumped config reads back the same."""
        if v is None:
            return "never"
        seconds = int(v.total_seconds())
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
            if seconds and seconds % size == 0:
                return f"{seconds // size}{unit}"
        return f"{v.total_seconds():g}s"


class Transparency(_Frozen):
    """The published figures: a count from 1 to min_count - 1 would point at people, so it is not shown."""

    min_count: int = Field(default=3, ge=1, le=100)


class Holds(_Frozen):
    """Reports held by their reporter until someone else names the same person."""

    # How long a held report waits for a match before it is deleted (the reporter is told a week before).
    expire_after: str = "365d"
    warn_before: str = "7d"

    @field_validator("expire_after", "warn_before")
    @classmethod
    def _duration(cls, v: str) -> str:
        if parse_duration(v).total_seconds() <= 0:
            raise ValueError("must be longer than zero")
        return v

    @model_validator(mode="after")
    def _order(self) -> Holds:
        if parse_duration(self.warn_before) >= parse_duration(self.expire_after):
            raise ValueError("holds.warn_before must be shorter than holds.expire_after")
        return self
