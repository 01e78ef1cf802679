"""Who a ban covers and where: plain decisions, no platform and no storage calls."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reports.spaces import same_people
from cocbot.storage.bans import EnforcedBan, Places

# Where an alert says the person was, for the places that are not one channel or category.
WORKSPACE = "workspace"
FORUM = "forum"
# Discourse's suspensions and silences need an end; a permanent ban is one that ends far in the future.
PERMANENT_UNTIL = "3000-01-01"


def people_of(ban: EnforcedBan, config: CommunityConfig) -> frozenset[str]:
    """The banned people under every id they have: Slack ids and forum usernames (identity map), lowercased
    usernames as the forum compares them."""
    found = same_people(ban.ban.subjects, config)
    return frozenset({*found, *(p.lower() for p in found if not _slack_id(p))})


def _slack_id(person: str) -> bool:
    return person[:1] in ("U", "W") and person.isalnum() and person.upper() == person


def covers(ban: EnforcedBan, person: str, config: CommunityConfig) -> bool:
    return person in people_of(ban, config) or person.lower() in people_of(ban, config)


def covers_channel(places: Places, channel: str) -> bool:
    return places.workspace or channel in places.channels


def covers_category(places: Places, category: int | None) -> bool:
    return places.forum or (category is not None and category in places.categories)


def slack_people(ban: EnforcedBan, config: CommunityConfig) -> tuple[str, ...]:
    return tuple(sorted(p for p in people_of(ban, config) if _slack_id(p)))


def forum_people(ban: EnforcedBan, config: CommunityConfig) -> tuple[str, ...]:
    """The forum usernames of the banned: as named on the forum, or linked to their Slack ids."""
    identities = config.discourse.identities if config.discourse is not None else {}
    named = {p.lower() for p in ban.ban.subjects if not _slack_id(p)}
    linked = {identities[p].lower() for p in ban.ban.subjects if p in identities}
    return tuple(sorted(named | linked))


def matching(bans: Iterable[EnforcedBan], person: str, config: CommunityConfig) -> list[EnforcedBan]:
    return [b for b in bans if covers(b, person, config)]


def until_text(ends_at: datetime | None) -> str:
    return ends_at.strftime("%Y-%m-%d") if ends_at is not None else "permanent"
