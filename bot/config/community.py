"""The community's YAML config, validated once at start-up into frozen models.

Only `committee.channel`, `committee.members` and `committee.escalation_contact` are required (or, for a
community that lives only on Discourse, a `discourse` section naming the committee's forum usernames);
every other key has a default that suits a small community.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from cocbot.bot.config.discourse import DiscourseConfig
from cocbot.bot.config.discourse import _username as discourse_username
from cocbot.bot.config.discourse import normalise_username
from cocbot.bot.config.fields import CHANNEL_ID, USER_ID, Frozen as _Frozen
from cocbot.bot.config.fields import check_user as _check_user
from cocbot.bot.config.fields import spoken as _spoken
from cocbot.bot.config.handling import (
    DEFAULT_CATEGORIES, WEEKDAYS, Delivery, Policy, Reporting, Triage, duration_hours,
)
from cocbot.bot.config.operations import Bans, Duty, DutyGuide, Holds, Retention, Talk, Transparency
from cocbot.bot.config.safety import Safety

# The sections live in their own modules; they are named here too, where the rest of cocbot imports them.
__all__ = [
    "CHANNEL_ID", "DEFAULT_CATEGORIES", "USER_ID", "WEEKDAYS", "Bans", "Committee", "Community", "CommunityConfig",
    "ConfigError", "Delivery", "DiscourseConfig", "Duty", "DutyGuide", "Holds", "Policy", "Reporting", "Retention",
    "Safety", "Talk", "Transparency", "Triage", "duration_hours", "load_config", "parse_config", "read_yaml",
]


class ConfigError(Exception):
    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))

    def render(self) -> str:
        return "\n".join([f"cocbot cannot start; the community config {self.path} has problems:"]
                         + [f"  - {p}" for p in self.problems])


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
