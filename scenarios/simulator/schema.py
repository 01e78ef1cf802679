"""The scenario format's schema: what a story may say, as strict models (unknown keys are errors).

A story names people and channels by role ("alice", "general"); the cast gives them ids when it is
replayed. The format is documented in scenarios/README.md; format.py parses files against this schema
and reports every problem with the file and the step.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cocbot.bot.config.durations import parse_duration

ROLE = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
# Fields of a stored report that a story may check (storage.reports.ReportRecord).
STORED_FIELDS = ("ref", "source", "anonymity", "reporter", "description", "when", "where_channel", "where_text",
                 "implicated", "implicated_other", "witnesses", "excluded", "recused", "ongoing", "danger",
                 "flagged_channel", "flagged_author", "snapshot", "state", "delivery_state", "space_kind")
PEOPLE_FIELDS = ("reporter", "implicated", "witnesses", "excluded", "recused", "flagged_author")
CHANNEL_FIELDS = ("where_channel", "flagged_channel")
ACTIONS = ("slash", "shortcut", "submit", "click", "home", "advance", "advance_to", "join", "leave", "restart",
           "fail", "expect")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- community ----

class ChannelSpec(_Strict):
    members: tuple[str, ...] = ()
    private: bool = False
    # Whether cocbot has been invited. A real bot is only where it was invited; stories say so explicitly
    # when they model a committee that forgot to invite it.
    bot: bool = True
    name: str | None = None


class CommitteeSpec(_Strict):
    members: tuple[str, ...] = Field(min_length=1)
    escalation_contact: str
    chair: str | None = None
    channel: str = "committee"


class CommunitySpec(_Strict):
    name: str = "our community"
    people: dict[str, str] = Field(default_factory=dict, description="role → who they are, for the demo")
    committee: CommitteeSpec
    facilitators: tuple[str, ...] = ()
    channels: dict[str, ChannelSpec] = Field(default_factory=dict)
    # Further sections of the community config (policy, reporting, …); "@role" and "#channel" strings
    # are replaced by the ids the runner gives those roles.
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("config")
    @classmethod
    def _no_committee(cls, v: dict[str, Any]) -> dict[str, Any]:
        if "committee" in v:
            raise ValueError("put the committee under community.committee, not community.config")
        return v


# ---- steps ----

class SlashStep(_Strict):
    by: str
    in_: str = Field(default="dm", alias="in")
    command: str = "/report"
    text: str = ""

    @field_validator("command")
    @classmethod
    def _slash(cls, v: str) -> str:
        if not v.startswith("/"):
            raise ValueError(f"a slash command starts with '/', got {v!r}")
        return v


class ShortcutStep(_Strict):
    """Someone uses the "Report message" shortcut on a message."""

    by: str
    in_: str = Field(alias="in")
    author: str | None = None
    text: str


class SubmitStep(_Strict):
    """Submit the modal that is open for `by`, filling input blocks by their block ids."""

    by: str
    values: dict[str, Any] = Field(default_factory=dict)
    # Block id → a part of the inline error the modal must show. Without it, errors fail the step.
    expect_errors: dict[str, str] | None = None

    @field_validator("values")
    @classmethod
    def _values(cls, v: dict[str, Any]) -> dict[str, Any]:
        for key, value in v.items():
            if isinstance(value, list):
                if not all(isinstance(x, str) for x in value):
                    raise ValueError(f"{key}: a list of names (people or channels) expected")
            elif value is not None and not isinstance(value, (str, int, float, bool)):
                raise ValueError(f"{key}: a text, a choice or a list of names expected")
        return v


class ClickStep(_Strict):
    """Click a button the person can see, found by its action_id (newest message first)."""

    by: str
    action_id: str
    # Where to look: the report's message in its space, the person's DMs, or anywhere they can see.
    # (Not `on:` — YAML reads a bare `on` as true.)
    in_: str = Field(default="any", alias="in")
    report: int | None = None
    # Only when the person cannot see such a button (e.g. a forged click): the value to send.
    value: str | None = None

    @field_validator("in_")
    @classmethod
    def _in(cls, v: str) -> str:
        if v not in ("any", "report", "dm"):
            raise ValueError(f"one of any, report, dm — got {v!r}")
        return v


class HomeStep(_Strict):
    """Someone opens cocbot's App Home tab."""

    by: str


class Membership(_Strict):
    channel: str
    people: tuple[str, ...] = Field(min_length=1)


class FailStep(_Strict):
    """Make the fake Slack fail the next `times` calls of a Web API method."""

    method: str
    times: int = Field(default=1, ge=1, le=100)
    status: int = 500
    error: str = "internal_error"
    retry_after: int | None = None


class Needle(_Strict):
    text: str
    via: str | None = None  # modal, dm, channel, ephemeral, response


class StoredExpect(_Strict):
    report: int = 1
    fields: dict[str, Any]


class Expect(_Strict):
    # person → texts they saw (at least once) / must never have seen
    saw: dict[str, tuple[str | Needle, ...]] = Field(default_factory=dict)
    never_saw: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # text → exactly the people who saw it
    who_saw: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # people who saw nothing at all from cocbot
    saw_nothing: tuple[str, ...] = ()
    reports: int | None = None
    stored: tuple[StoredExpect, ...] = ()
    # outbox kind → how many were sent (done) / are still scheduled (pending) / were cancelled
    sent: dict[str, int] = Field(default_factory=dict)
    scheduled: dict[str, int] = Field(default_factory=dict)
    cancelled: dict[str, int] = Field(default_factory=dict)

    @field_validator("stored", mode="before")
    @classmethod
    def _stored(cls, v: Any) -> Any:
        # `stored: {1: {space_kind: …}}` or a list of `{report: 1, space_kind: …}`
        if isinstance(v, dict):
            v = [{"report": k, **(val or {})} for k, val in v.items()]
        if isinstance(v, list):
            out = []
            for item in v:
                if isinstance(item, dict) and "fields" not in item:
                    item = {"report": item.get("report", 1),
                            "fields": {k: val for k, val in item.items() if k != "report"}}
                out.append(item)
            return out
        return v

    @field_validator("stored")
    @classmethod
    def _fields(cls, v: tuple[StoredExpect, ...]) -> tuple[StoredExpect, ...]:
        for item in v:
            unknown = sorted(set(item.fields) - set(STORED_FIELDS))
            if unknown:
                raise ValueError(f"report {item.report}: unknown field(s) {', '.join(unknown)}; "
                                 f"known: {', '.join(STORED_FIELDS)}")
        return v


def step_duration(value: Any) -> timedelta:
    """An `advance:` as written in a story: seconds, `{hours: 4}` or a duration like 4h or 1d 2h."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=float(value))
    if isinstance(value, dict):
        try:
            return timedelta(**{k: float(v) for k, v in value.items()})
        except TypeError:
            raise ValueError("use days, hours, minutes or seconds, e.g. {hours: 4}") from None
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a duration; write e.g. 4h, 1d 2h, 30m or {{hours: 4}}")


def _with_time_zone(v: datetime | None) -> datetime | None:
    if v is not None and v.tzinfo is None:
        raise ValueError("give a time zone, e.g. 2026-03-06T18:00:00Z")
    return v


class Step(_Strict):
    note: str | None = None
    slash: SlashStep | None = None
    shortcut: ShortcutStep | None = None
    submit: SubmitStep | None = None
    click: ClickStep | None = None
    home: HomeStep | None = None
    advance: timedelta | None = None
    advance_to: datetime | None = None
    join: Membership | None = None
    leave: Membership | None = None
    restart: bool | None = None
    fail: FailStep | None = None
    expect: Expect | None = None

    @field_validator("advance", mode="before")
    @classmethod
    def _advance(cls, v: Any) -> Any:
        if v is None:
            return v
        delta = step_duration(v)
        if delta <= timedelta(0):
            raise ValueError("time only moves forward; give a positive duration")
        return delta

    _aware = field_validator("advance_to")(_with_time_zone)

    @model_validator(mode="before")
    @classmethod
    def _one_action(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"a step is a mapping with one of: {', '.join(ACTIONS)}")
        given = [k for k in data if k in ACTIONS]
        unknown = [k for k in data if k not in ACTIONS and k != "note"]
        if unknown:
            raise ValueError(f"unknown step kind {', '.join(map(repr, unknown))}; use one of: {', '.join(ACTIONS)}")
        if len(given) != 1:
            raise ValueError(f"a step has exactly one action, found {len(given)}"
                             + (f" ({', '.join(given)})" if given else f"; use one of: {', '.join(ACTIONS)}"))
        return data

    @property
    def kind(self) -> str:
        for name in ACTIONS:
            if getattr(self, name) is not None:
                return name
        raise AssertionError("validated steps have an action")

    @property
    def action(self) -> Any:
        return getattr(self, self.kind)


class Scenario(_Strict):
    title: str
    seed: str = Field(description="which seed the situation comes from, in a sentence")
    story: str = ""
    start: datetime | None = None
    community: CommunitySpec
    steps: tuple[Step, ...] = Field(min_length=1)
    expect: Expect | None = None

    _aware = field_validator("start")(_with_time_zone)
