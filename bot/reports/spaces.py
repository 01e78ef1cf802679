"""Which platform a report's committee space lives on, and who is the same person on both platforms.

Pure functions over the config. The privacy gate and delivery use them so that a report filed on one
platform and read on another still never reaches anyone implicated, excluded or recused on either.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable

from cocbot.bot.config.community import CommunityConfig


@dataclass(frozen=True)
class CommitteeSpace:
    """Where the committee reads a report: a platform, its standing channel (None: a new private
    conversation per report), the members who may read there and the escalation contact."""

    platform: str
    channel: str | None
    members: frozenset[str]
    escalation_contact: str | None


def committee_space(report_platform: str, config: CommunityConfig) -> CommitteeSpace:
    d = config.discourse
    if d is not None and (not config.uses_slack
                          or (report_platform == "discourse" and d.committee_space == "discourse")):
        return CommitteeSpace("discourse", None, frozenset(d.committee), d.escalation_contact)
    c = config.committee
    return CommitteeSpace("slack", c.channel, frozenset(c.members), c.escalation_contact)


def same_people(people: Iterable[str], config: CommunityConfig) -> frozenset[str]:
    """`people` plus each one's identity on the other platform (through `discourse.identities`)."""
    found = set(people)
    identities = config.discourse.identities if config.discourse is not None else {}
    if identities:
        lowered = {p.lower() for p in found}
        for slack_id, username in identities.items():
            if slack_id in found or username in lowered:
                found.update((slack_id, username))
    return frozenset(found)
