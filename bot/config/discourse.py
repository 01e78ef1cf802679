"""The optional `discourse` section of the community config (validated once, frozen).

Kept beside bot/config.py so the Discourse keys live in one place; bot/config.py only adds the field.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Discourse usernames: letters, digits, `_`, `.` and `-` (Unicode letters when the site allows them).
USERNAME = re.compile(r"^[\w.\-]{1,60}$")
SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")

MIN_SECRET_CHARS = 32

# Discourse's post action (flag) types, by the names its admin UI and API use.
FLAG_TYPES: dict[str, int] = {
    "off_topic": 3, "inappropriate": 4, "notify_user": 6, "notify_moderators": 7, "spam": 8, "illegal": 10,
}


def normalise_username(value: str) -> str:
    """Discourse compares usernames case-insensitively; cocbot stores them lower-case, without `@`."""
    return value.strip().lstrip("@").lower()


def _username(value: str) -> str:
    name = normalise_username(value)
    if not USERNAME.match(name):
        raise ValueError(f"{value!r} is not a Discourse username")
    return name


class DiscourseConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(description="the forum, e.g. https://forum.example.org")
    api_key: str = Field(min_length=1)
    api_username: str = Field(description="the bot's own Discourse user (Api-Username)")
    # Signs (and so lets anyone who knows it forge) webhooks and report-form links: long and random.
    webhook_secret: str
    # Where cocbot's own HTTP server is reachable from browsers: report-form links start with it.
    public_url: str
    # Committee members' Discourse usernames (who read Discourse reports when committee_space is discourse).
    committee: tuple[str, ...] = ()
    # Receives a Discourse-routed report by PM when every committee member is implicated or excluded.
    escalation_contact: str | None = None
    # Only for a community on Discourse alone (no Slack committee section): the member who gets escalations
    # first. With a Slack committee, committee.chair is used instead.
    chair: str | None = None
    # Where reports filed on Discourse go: the Slack committee space, or a private message on Discourse.
    committee_space: Literal["slack", "discourse"] = "slack"
    # Flags of these types file a bystander report with the post's author implicated.
    flag_types: tuple[str, ...] = ("inappropriate", "notify_moderators", "illegal")
    form_link_minutes: float = Field(default=30, gt=0, le=24 * 60)
    # How often cocbot pulls its private messages, so a missed webhook is caught within minutes.
    reconcile_seconds: float = Field(default=120, ge=10, le=3600)
    # Each reconciliation also reads this many of the forum's newest posts for pending flags no webhook
    # brought (the bot's account must be a moderator to see them); 0 turns that off.
    flag_scan_posts: int = Field(default=200, ge=0, le=5000)
    # A report form anyone can open (people without an account). Off unless switched on.
    public_form: bool = False
    public_form_per_hour: int = Field(default=5, ge=1, le=1000)
    # Slack user id → Discourse username of the same person: implicated or excluded on one platform means
    # excluded on the other too.
    identities: dict[str, str] = Field(default_factory=dict)
    # Only for a community on Discourse alone: as committee.new_members_see (what a member added later reads).
    new_members_see: Literal["open", "all"] = "open"

    @field_validator("base_url", "public_url")
    @classmethod
    def _url(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError(f"{v!r} is not an http(s) URL")
        return v

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, v: str) -> str:
        if len(v) < MIN_SECRET_CHARS:
            raise ValueError(f"at least {MIN_SECRET_CHARS} characters (it has {len(v)}): a long random secret, "
                             "e.g. from `openssl rand -hex 32`, the same as in Discourse's webhook settings")
        return v

    @field_validator("api_username")
    @classmethod
    def _bot(cls, v: str) -> str:
        return _username(v)

    @field_validator("escalation_contact", "chair")
    @classmethod
    def _escalation(cls, v: str | None) -> str | None:
        return None if v is None else _username(v)

    @field_validator("committee")
    @classmethod
    def _committee(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        names = tuple(_username(m) for m in v)
        if len(set(names)) != len(names):
            raise ValueError("a committee member is listed twice")
        return names

    @field_validator("flag_types")
    @classmethod
    def _flags(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [f for f in v if f not in FLAG_TYPES]
        if unknown:
            raise ValueError(f"unknown flag type {unknown[0]!r}; use {', '.join(FLAG_TYPES)}")
        return tuple(dict.fromkeys(v))

    @field_validator("identities")
    @classmethod
    def _identities(cls, v: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for slack_id, username in v.items():
            if not SLACK_USER.match(str(slack_id)):
                raise ValueError(f"{slack_id!r} is not a Slack user id (like U0123ABCD)")
            out[str(slack_id)] = _username(str(username))
        if len(set(out.values())) != len(out):
            raise ValueError("a Discourse username is linked to two Slack ids")
        return out

    @model_validator(mode="after")
    def _space(self) -> DiscourseConfig:
        if self.committee_space == "discourse" and not self.committee:
            raise ValueError("committee_space is discourse: list the committee's Discourse usernames in committee")
        if self.chair is not None and self.chair not in self.committee:
            raise ValueError(f"chair {self.chair} must also be listed in discourse.committee")
        return self

    def forum_name(self, person: str) -> str | None:
        """How the forum knows someone cocbot recorded in a community that also uses Slack: a Slack id is
        their linked forum username (None when it is not linked: a raw Slack id means nothing on the forum
        and is never shown there); anything else already is a forum username (or a name someone typed)."""
        if person in self.identities:
            return self.identities[person]
        return None if SLACK_USER.match(person) else person

    @property
    def flag_type_ids(self) -> frozenset[int]:
        return frozenset(FLAG_TYPES[f] for f in self.flag_types)
