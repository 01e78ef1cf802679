"""Where a report goes. Pure functions: decisions are returned as data and tested as tables."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from collections.abc import Iterable


class RouteKind(StrEnum):
    COMMITTEE_CHANNEL = "committee_channel"
    PRIVATE_SPACE = "private_space"
    ESCALATION = "escalation"
    HELD = "held"


@dataclass(frozen=True)
class Route:
    kind: RouteKind
    channel: str | None
    readers: frozenset[str]
    # Operator-facing explanation. Never content, never names.
    reason: str


def blocked_people(
    *, implicated: Iterable[str], excluded: Iterable[str], recused: Iterable[str] = (),
    flagged_author: str | None = None,
) -> frozenset[str]:
    """Everyone who must never see the report.

    A flagged message's author is blocked even when the reporter removed them from the form, because
    the message itself is in the report.
    """
    blocked = set(implicated) | set(excluded) | set(recused)
    if flagged_author:
        blocked.add(flagged_author)
    return frozenset(blocked)


def decide_route(
    *,
    committee_channel: str | None,
    committee_members: Iterable[str],
    escalation_contact: str | None,
    blocked: frozenset[str],
    channel_members: frozenset[str] | None,
    bot_user: str,
) -> Route:
    """Pick the committee channel, a private space, the escalation contact, or hold the report.

    `committee_channel` is None where the committee has no standing channel (a new private conversation
    per report); `channel_members` is its live membership, or None when there is none or the bot cannot
    see it. Without an escalation contact, a report nobody on the committee may read is held.
    """
    members = frozenset(committee_members)
    eligible = members - blocked
    if not eligible:
        if escalation_contact is None or escalation_contact in blocked:
            return Route(RouteKind.HELD, None, frozenset(),
                         "every committee member and the escalation contact are implicated or excluded")
        return Route(RouteKind.ESCALATION, escalation_contact, frozenset({escalation_contact}),
                     "every committee member is implicated or excluded")
    if channel_members is None:
        return Route(RouteKind.PRIVATE_SPACE, None, eligible, "the bot is not in the committee channel")
    humans = channel_members - {bot_user}
    if not humans:
        return Route(RouteKind.PRIVATE_SPACE, None, eligible, "the committee channel has no members but the bot")
    if humans & blocked:
        return Route(RouteKind.PRIVATE_SPACE, None, eligible,
                     "someone implicated or excluded is in the committee channel")
    if humans - members:
        return Route(RouteKind.PRIVATE_SPACE, None, eligible,
                     "the committee channel holds people who are not on the committee")
    return Route(RouteKind.COMMITTEE_CHANNEL, committee_channel, humans, "committee channel is clear")


def private_space_name(prefix: str, ref: str, attempt: int = 0, suffix: str = "") -> str:
    """Slack channel names: lowercase, no spaces or periods, at most 80 characters."""
    name = f"{prefix}-{ref.lower()}"
    if attempt:
        name += f"-{suffix or attempt}"
    return name[:80]
