"""The community's YAML config, validated once at start-up into frozen models.

Only `committee.channel`, `committee.members` and `committee.escalation_contact` are required (or, for a
community that lives only on Discourse, a `discourse` section naming the committee's forum usernames);
every other key has a default that suits a small community.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator,
)
from pydantic import field_serializer

from cocbot.bot.config.discourse import DiscourseConfig
from cocbot.bot.config.durations import parse_duration
from cocbot.bot.config.safety import Safety
from cocbot.bot.config.localized import LocalizedText
from cocbot.bot.config.discourse import _username as discourse_username
from cocbot.bot.config.discourse import normalise_username

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class ConfigError(Exception):
    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))

    def render(self) -> str:
        return "\n".join([f"cocbot cannot start; the community config {self.path} has problems:"]
                         + [f"  - {p}" for p in self.problems])


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_user(value: str) -> str:
    if not USER_ID.match(value):
        raise ValueError(f"{value!r} is not a Slack user id (like U0123ABCD)")
    return value


class Committee(_Frozen):
    """Who handles reports and where. On Slack (the default) people are Slack user ids and `channel` is the
    committee's private channel; a Discourse-only community has no `committee` section and this is built
    from `discourse.committee` (forum usernames, a private message per report instead of a channel)."""

    # Declared first so the validators below can read it.
    platform: Literal["slack", "discourse"] = "slack"
    # Required on Slack; validate_default makes a missing one an error there rather than a silent None.
    channel: str | None = Field(default=None, validate_default=True, description="the committee's private channel id")
    members: tuple[str, ...]
    escalation_contact: str | None = Field(default=None, validate_default=True)
    chair: str | None = None
    # What a member added later may read: "open" cases only (someone has to handle them), or "all" cases,
    # including those closed before they joined.
    new_members_see: Literal["open", "all"] = "open"

    @field_validator("channel")
    @classmethod
    def _channel(cls, v: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("platform", "slack") == "slack":
            if v is None:
                raise ValueError("required: the committee's private channel id (like C0123ABCD)")
            if not CHANNEL_ID.match(v):
                raise ValueError(f"{v!r} is not a Slack channel id (like C0123ABCD)")
        return v

    @field_validator("members")
    @classmethod
    def _members(cls, v: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if not v:
            raise ValueError("list at least one committee member")
        v = tuple(_person(m, info) for m in v)
        if len(set(v)) != len(v):
            raise ValueError("a committee member is listed twice")
        return v

    @field_validator("escalation_contact")
    @classmethod
    def _escalation(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None and info.data.get("platform", "slack") == "slack":
            raise ValueError("required: who receives a report when every committee member is implicated "
                             "(a Slack user id)")
        return None if v is None else _person(v, info)

    @field_validator("chair")
    @classmethod
    def _chair(cls, v: str | None, info: ValidationInfo) -> str | None:
        return None if v is None else _person(v, info)

    @model_validator(mode="after")
    def _chair_is_a_member(self) -> Committee:
        # The chair reads reports and receives escalations, so the privacy gate must know them as a member.
        if self.chair is not None and self.chair not in self.members:
            raise ValueError(f"chair {self.chair} must also be listed in committee.members")
        return self


def _person(value: str, info: ValidationInfo) -> str:
    return _person_on(info.data.get("platform", "slack"), value)


def _person_on(platform: str, value: str) -> str:
    return discourse_username(value) if platform == "discourse" else _check_user(value)


def _spoken(value: str) -> str:
    from cocbot.bot.i18n.catalogs import LANGUAGES, negotiate

    lang = negotiate(value)
    if lang == "en" and not value.lower().replace("-", "_").startswith("en"):
        raise ValueError(f"{value!r}: cocbot speaks {', '.join(LANGUAGES)} (or a regional variant of one)")
    return lang


class Community(_Frozen):
    name: str = "our community"
    code_of_conduct_url: str | None = None
    # What the committee reads in its space (en, es, fr, pt_BR, de; a regional code picks the closest).
    # Members read their own language (Slack or forum profile, or the form page's).
    language: str = "en"

    @field_validator("language")
    @classmethod
    def _language(cls, v: str) -> str:
        return _spoken(v)


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


class CommunityConfig(_Frozen):
    committee: Committee
    community: Community = Community()
    reporting: Reporting = Reporting()
    policy: Policy = Policy()
    delivery: Delivery = Delivery()
    triage: Triage = Triage()
    duty: Duty = Duty()
    # Optional: absent means cocbot does not talk to Discourse at all.
    discourse: DiscourseConfig | None = None
    bans: Bans = Bans()
    talk: Talk = Talk()
    retention: Retention = Retention()
    # Emergency contacts and paging when someone may be in immediate danger.
    safety: Safety = Safety()
    transparency: Transparency = Transparency()
    holds: Holds = Holds()

    @model_validator(mode="before")
    @classmethod
    def _discourse_only(cls, data: Any) -> Any:
        """No `committee` section but a `discourse` one: the community lives on the forum only. The committee
        is then the forum's (`discourse.committee`), and reports go to private messages on Discourse."""
        if not isinstance(data, dict) or "committee" in data:
            return data
        forum = data.get("discourse")
        if not isinstance(forum, dict):
            raise ValueError("committee: add the committee section (Slack: channel, members, "
                             "escalation_contact) or, for a community on Discourse only, a discourse section")
        if forum.get("committee_space", "discourse") != "discourse":
            raise ValueError("discourse.committee_space is slack, but there is no committee section for Slack")
        if not forum.get("committee"):
            raise ValueError("discourse.committee: list the committee's forum usernames (there is no Slack "
                             "committee section, so the committee works on Discourse)")
        data = dict(data)
        data["discourse"] = {**forum, "committee_space": "discourse"}
        duty = data.get("duty")
        if isinstance(duty, dict) and isinstance(duty.get("facilitators"), list):
            data["duty"] = {**duty, "facilitators": [normalise_username(str(f)) for f in duty["facilitators"]]}
        data["committee"] = {"platform": "discourse", "members": forum.get("committee"),
                             "escalation_contact": forum.get("escalation_contact"),
                             "chair": forum.get("chair"),
                             "new_members_see": forum.get("new_members_see", "open")}
        return data

    @property
    def uses_slack(self) -> bool:
        """False for a community that lives only on Discourse (no Slack token is needed then)."""
        return self.committee.platform == "slack"

    @model_validator(mode="after")
    def _tz(self) -> CommunityConfig:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(self.policy.timezone)
        except Exception as exc:  # ZoneInfoNotFoundError or ValueError for odd strings
            raise ValueError(f"policy.timezone {self.policy.timezone!r} is not a known time zone") from exc
        if self.duty.discourse_topics and self.discourse is None:
            raise ValueError("duty.discourse_topics needs a discourse section (how to reach the forum)")
        for person in self.duty.facilitators:
            try:
                _person_on(self.committee.platform, person)
            except ValueError as exc:
                raise ValueError(f"duty.facilitators: {exc}") from None
        if not self.uses_slack:
            slack_only = [key for key, value in (("triage.announcement_channel", self.triage.announcement_channel),
                                                 ("duty.announce_channel", self.duty.announce_channel)) if value]
            if slack_only:
                raise ValueError(f"{slack_only[0]} names a Slack channel, but this community has no Slack "
                                 "committee section (cocbot runs on Discourse only)")
        return self

    @model_validator(mode="after")
    def _bans_platforms(self) -> CommunityConfig:
        if self.bans.removes and not self.uses_slack:
            raise ValueError("bans.enforce: remove takes people out of Slack channels, but this community has no "
                             "Slack committee section")
        if self.bans.forum_action and self.discourse is None:
            raise ValueError(f"bans.enforce: {self.bans.forum_action} acts on the forum, but there is no discourse "
                             "section")
        return self


def parse_config(data: Any, source: Path | str = "<config>") -> CommunityConfig:
    if not isinstance(data, dict):
        raise ConfigError(source, ["the file must be a YAML mapping with a 'committee' section"])
    try:
        return CommunityConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check the spelling against cocbot.example.yml)"
            # Checks across sections name their keys themselves.
            problems.append(f"{where}: {msg}" if where else msg)
        raise ConfigError(source, problems) from None


def read_yaml(path: Path) -> Any:
    """A YAML file's data; a file that cannot be read or parsed raises ValueError saying why, in words."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read the file: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"not valid YAML: {exc}") from None


def load_config(path: Path | str) -> CommunityConfig:
    path = Path(path)
    try:
        data = read_yaml(path)
    except ValueError as exc:
        raise ConfigError(path, [str(exc)]) from None
    return parse_config(data, path)
