"""Which platform a report's committee space lives on, and who is the same person on both platforms.

Pure functions over the config. The privacy gate and delivery use them so that a report filed on one
platform and read on another still never reaches anyone implicated, excluded or recused on either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

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
    links = identity_links(config)
    if links.by_slack:
        for p in tuple(found):
            for pair in (links.by_slack.get(p), links.by_username.get(p.lower())):
                if pair is not None:
                    found.update(pair)
    return frozenset(found)


@dataclass(frozen=True)
class IdentityLinks:
    """The identity map indexed both ways (Slack id as written; forum username, compared lower-case), so who is
    the same person is looked up per person instead of by reading the whole map: a new report asks a dozen
    times, and a community on both platforms links everyone."""

    identities: Mapping[str, str]
    by_slack: dict[str, tuple[str, str]]
    by_username: dict[str, tuple[str, str]]

    @cached_property
    def digest(self) -> str:
        """Names the map (what the people index was written under): the same map, the same digest, always."""
        return hashlib.sha256(repr(sorted(self.identities.items())).encode()).hexdigest()[:16]


# The links of the maps in use, by the identity of the map's dict (the config is frozen: its map never changes).
# Each entry keeps its map, so an id is never taken for another map's while it is here; a handful of configs
# live at a time (tests make many), so the memo is simply emptied when full.
_LINKS: dict[int, IdentityLinks] = {}
_LINKS_KEPT = 64


# A community on Slack alone links nobody.
_UNLINKED = IdentityLinks(MappingProxyType({}), {}, {})


def identity_links(config: CommunityConfig) -> IdentityLinks:
    if config.discourse is None:
        return _UNLINKED
    identities = config.discourse.identities
    links = _LINKS.get(id(identities))
    if links is None or links.identities is not identities:
        pairs = [(slack_id, username) for slack_id, username in identities.items()]
        links = IdentityLinks(identities, {pair[0]: pair for pair in pairs}, {pair[1]: pair for pair in pairs})
        if len(_LINKS) >= _LINKS_KEPT:
            _LINKS.clear()
        _LINKS[id(identities)] = links
    return links
