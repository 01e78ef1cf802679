"""The cast: a story's roles (people, channels, the committee) given ids, and how output names them.

For the story itself the ids are made up from the roles; in `cocbot scenarios check` the committee roles
are played by a real community's committee, escalation contact, chair and channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cocbot.bot.config.community import CommunityConfig, ConfigError, parse_config
from cocbot.handlers.slack.testing.fake_api import FakeSlack
from cocbot.scenarios.simulator.format import LoadedScenario, ScenarioError
from cocbot.scenarios.simulator.schema import Scenario


def _slug(role: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", role.upper())


@dataclass
class Cast:
    """Roles → ids. Several roles may share an id when a real community gives one person two hats."""

    people: dict[str, str]
    channels: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)  # id → how to name them in output
    channel_names: dict[str, str] = field(default_factory=dict)  # role → the channel's name in Slack
    created: dict[str, str] = field(default_factory=dict)  # id → name of channels cocbot created

    def user(self, role: str) -> str:
        return self.people[role]

    def channel(self, role: str) -> str:
        return self.channels[role]

    def name(self, user_id: str) -> str:
        return self.labels.get(user_id, user_id)

    def short_name(self, user_id: str) -> str:
        """The name without the hats: "alice" for "alice (committee, chair)"."""
        return self.name(user_id).split(" (")[0]

    def channel_name(self, channel_id: str | None) -> str:
        if channel_id is None:
            return "-"
        for role, cid in self.channels.items():
            if cid == channel_id:
                return "#" + self.channel_names.get(role, role)
        if channel_id.startswith("D"):
            return "DM"
        if channel_id in self.created:
            return f"#{self.created[channel_id]} (private space)"
        return channel_id

    @classmethod
    def for_story(cls, scenario: Scenario) -> Cast:
        c = scenario.community
        roles = _roles(scenario)
        people = {r: "U" + _slug(r) for r in roles}
        channels = {r: "C" + _slug(r) for r in c.channels}
        labels = {uid: _label(scenario, r) for r, uid in people.items()}
        names = {r: spec.name or r.replace("_", "-") for r, spec in c.channels.items()}
        return cls(people, channels, labels, names)

    @classmethod
    def onto_config(cls, scenario: Scenario, config: CommunityConfig) -> Cast:
        """Recast a story onto a real community: its committee, escalation contact, chair, channel."""
        story = cls.for_story(scenario)
        c = scenario.community
        real = config.committee
        people = dict(story.people)
        labels: dict[str, str] = {}
        for role, member in zip(c.committee.members, real.members, strict=False):
            people[role] = member
        if real.escalation_contact:
            people[c.committee.escalation_contact] = real.escalation_contact
        if c.committee.chair and real.chair:
            people[c.committee.chair] = real.chair
        for role, facilitator in zip(c.facilitators, config.duty.facilitators, strict=False):
            if role not in c.committee.members:
                people[role] = facilitator
        channels = dict(story.channels)
        if real.channel:
            channels[c.committee.channel] = real.channel
        for role, uid in people.items():
            labels[uid] = (labels[uid] + "/" if uid in labels else "") + _label(scenario, role) + (
                f" = {uid}" if uid != story.people.get(role) else "")
        for i, member in enumerate(real.members, start=1):
            labels.setdefault(member, f"committee member {i} = {member}")
        return cls(people, channels, labels, story.channel_names)


def _roles(scenario: Scenario) -> list[str]:
    c = scenario.community
    roles = list(c.people) + list(c.committee.members) + [c.committee.escalation_contact] + list(c.facilitators)
    if c.committee.chair:
        roles.append(c.committee.chair)
    for ch in c.channels.values():
        roles += ch.members
    return list(dict.fromkeys(roles))


def _label(scenario: Scenario, role: str) -> str:
    c = scenario.community
    hats = []
    if role in c.committee.members:
        hats.append("committee")
    if role == c.committee.chair:
        hats.append("chair")
    if role == c.committee.escalation_contact:
        hats.append("escalation contact")
    if role in c.facilitators:
        hats.append("facilitator")
    described = c.people.get(role)
    if described:
        hats.append(described)
    return f"{role} ({', '.join(hats)})" if hats else role


def _substitute(cast: Cast, value: Any) -> Any:
    """"@role" and "#channel" in a story's config section → the ids the cast gives them."""
    if isinstance(value, str):
        if value.startswith("@") and value[1:] in cast.people:
            return cast.user(value[1:])
        if value.startswith("#") and value[1:] in cast.channels:
            return cast.channel(value[1:])
        return value
    if isinstance(value, list):
        return [_substitute(cast, v) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(cast, v) for k, v in value.items()}
    return value


def story_config(loaded: LoadedScenario, cast: Cast) -> CommunityConfig:
    """The community config a story describes, with the cast's ids."""
    c = loaded.scenario.community
    committee: dict[str, Any] = {
        "channel": cast.channel(c.committee.channel),
        "members": [cast.user(m) for m in c.committee.members],
        "escalation_contact": cast.user(c.committee.escalation_contact),
    }
    if c.committee.chair:
        committee["chair"] = cast.user(c.committee.chair)
    data: dict[str, Any] = {"committee": committee, **_substitute(cast, dict(c.config))}
    data["community"] = {"name": c.name, **(data.get("community") or {})}
    if c.facilitators:
        duty = dict(data.get("duty") or {})
        duty.setdefault("facilitators", [cast.user(f) for f in c.facilitators])
        data["duty"] = duty
    try:
        return parse_config(data, f"{loaded.source}: community")
    except ConfigError as exc:
        raise ScenarioError(loaded.source, [f"community.config: {p}" for p in exc.problems]) from None


def populate(fake: FakeSlack, scenario: Scenario, cast: Cast, real_config: CommunityConfig | None = None,
             also_in_committee_channel: tuple[str, ...] = ()) -> None:
    """The story's people and channels in the fake workspace."""
    c = scenario.community
    for role, uid in cast.people.items():
        if uid not in fake.users:
            fake.add_user(uid, role)
    committee_id = cast.channel(c.committee.channel)
    story_committee = {cast.people.get(role) for role in c.committee.members}
    for role, spec in c.channels.items():
        members = {cast.user(m) for m in spec.members}
        if spec.bot:
            members.add(fake.bot_user_id)
        if real_config is not None and role == c.committee.channel:
            # A real committee channel holds the real committee, plus whoever the story deliberately
            # put there who is not on its committee. Story committee roles your smaller committee has
            # no one for are ordinary people, so not in the channel.
            real = set(real_config.committee.members)
            members = {m for m in members if m in real or m == fake.bot_user_id or m not in story_committee}
            members |= real | set(also_in_committee_channel)
        for uid in members:
            if uid not in fake.users:
                fake.add_user(uid, cast.name(uid))
        fake.add_channel(cast.channel(role), members, name=spec.name or role.replace("_", "-"),
                         private=spec.private or cast.channel(role) == committee_id)
