"""How reports are handled: what a report may hold, the committee's deadlines and working hours, delivery
retries and triage (categories, details on demand, announcements)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from cocbot.bot.config.durations import parse_duration
from cocbot.bot.config.fields import CHANNEL_ID, Frozen as _Frozen
from cocbot.bot.config.localized import LocalizedText


class Reporting(_Frozen):
    # Slack section text holds 3000 characters; longer accounts are split across blocks when posted.
    max_description_chars: int = Field(default=4000, ge=100, le=12000)
    max_people: int = Field(default=20, ge=1, le=100)
    private_space_prefix: str = Field(default="coc", pattern=r"^[a-z0-9][a-z0-9_-]{0,20}$")


WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WORKING_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def duration_hours(text: object) -> float:
    """'24h', '7d', '90m', '1w' (or a bare number of hours) → hours."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    return parse_duration(str(text)).total_seconds() / 3600


class Policy(_Frozen):
    acknowledge_within_hours: float = Field(default=24, gt=0)
    respond_within_days: float = Field(default=7, gt=0)
    timezone: str = "UTC"
    # When the committee works: a deadline falling outside these moves to the end of the next working day.
    working_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    working_hours: str = "09:00-17:00"
    holidays_country: str | None = None
    holidays_subdivision: str | None = None
    # Reminders into the report's space while it is unacknowledged, counted from submission.
    ack_reminder_hours: tuple[float, ...] = (4, 12)
    # After the acknowledgement deadline: escalate to the chair and members, then repeat this often.
    escalation_repeat_hours: float = Field(default=24, gt=0)
    # How long before the response deadline the owner (or the space) is reminded to update the reporter.
    respond_reminder_before_hours: float = Field(default=24, gt=0)
    # A report filed in a channel during an on-duty shift or call: the shorter action target.
    event_acknowledge_within_hours: float = Field(default=12, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _durations(cls, data: Any) -> Any:
        """Accept the readable spellings `acknowledge_within: 24h`, `respond_within: 7d` and
        `event_acknowledge_within: 12h` alongside the numeric *_hours / *_days keys."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key, target, per in (("acknowledge_within", "acknowledge_within_hours", 1.0),
                                 ("respond_within", "respond_within_days", 24.0),
                                 ("event_acknowledge_within", "event_acknowledge_within_hours", 1.0)):
            if key in data:
                if target in data:
                    raise ValueError(f"give either {key} or {target}, not both")
                data[target] = duration_hours(data.pop(key)) / per
        return data

    @field_validator("working_days")
    @classmethod
    def _days(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        days = tuple(d.strip().lower()[:3] for d in v)
        if not days:
            raise ValueError("list at least one working day")
        unknown = [d for d in days if d not in WEEKDAYS]
        if unknown:
            raise ValueError(f"unknown day {unknown[0]!r}; use mon, tue, wed, thu, fri, sat, sun")
        return tuple(dict.fromkeys(days))

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, v: str) -> str:
        v = v.replace(" ", "")
        m = _WORKING_HOURS.match(v)
        if not m or (int(m.group(3)) == 24 and m.group(4) != "00"):
            raise ValueError(f"{v!r} is not a range like 09:00-17:00")
        if (int(m.group(1)), int(m.group(2))) >= (int(m.group(3)), int(m.group(4))):
            raise ValueError(f"{v!r}: the working day must end after it starts")
        return v

    @field_validator("ack_reminder_hours")
    @classmethod
    def _reminders(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if any(h <= 0 for h in v):
            raise ValueError("reminder times are hours after submission and must be above 0")
        return tuple(sorted(set(v)))

    @model_validator(mode="after")
    def _holidays(self) -> Policy:
        if self.holidays_subdivision and not self.holidays_country:
            raise ValueError("holidays_subdivision needs holidays_country")
        if self.holidays_country:
            import holidays

            try:
                holidays.country_holidays(self.holidays_country, subdiv=self.holidays_subdivision)
            except NotImplementedError as exc:
                raise ValueError(f"holiday calendar: {exc}") from None
        return self


class Delivery(_Frozen):
    max_backoff_seconds: float = Field(default=300, gt=0)
    lease_seconds: float = Field(default=15, gt=0)  # renewed every quarter while a row is worked on


DEFAULT_CATEGORIES: tuple[str, ...] = (
    "Harassment or intimidation",
    "Discrimination or exclusionary behaviour",
    "Personal attacks or insults",
    "Unwelcome sexual attention",
    "Threats or violence",
    "Sharing private information (doxxing)",
    "Disruption of community spaces",
    "Other",
)


class Triage(_Frozen):
    # Details on demand: the space's message shows only reference, category, state and deadline; members
    # open the report with "View report" (each view is recorded in the audit log).
    details_on_demand: bool = False
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    # Default channel for approved public announcements (the decider can pick another).
    announcement_channel: str | None = None
    # Fills "<contact us somehow>" in the announcement template. One text, or one per language
    # ({en: ..., es: ...}: the announcement's language picks).
    contact: LocalizedText = "reply to this message or contact the Code of Conduct committee"

    @field_validator("categories")
    @classmethod
    def _categories(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(c.strip() for c in v if c.strip())
        if not cleaned:
            raise ValueError("list at least one category")
        if any(len(c) > 60 for c in cleaned):
            raise ValueError("keep each category under 60 characters")
        return tuple(dict.fromkeys(cleaned))

    @field_validator("announcement_channel")
    @classmethod
    def _channel(cls, v: str | None) -> str | None:
        if v is not None and not CHANNEL_ID.match(v):
            raise ValueError(f"{v!r} is not a Slack channel id (like C0123ABCD)")
        return v
