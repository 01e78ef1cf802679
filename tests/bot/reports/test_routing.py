"""Routing decisions as a table: where a report goes for each committee situation."""

from __future__ import annotations

import pytest

from cocbot.bot.reports.routing import RouteKind, blocked_people, decide_route, private_space_name

C = "CCOMMITTEE"
MEMBERS = ("UA", "UB", "UC")
BOT = "UBOT"
ESC = "UESC"


@pytest.mark.parametrize(
    "blocked, channel_members, kind, readers",
    [
        # committee channel clear → post there
        (set(), {"UA", "UB", "UC", BOT}, RouteKind.COMMITTEE_CHANNEL, {"UA", "UB", "UC"}),
        (set(), {"UA", "UB", BOT}, RouteKind.COMMITTEE_CHANNEL, {"UA", "UB"}),
        # implicated member in the channel → private space with the others
        ({"UA"}, {"UA", "UB", "UC", BOT}, RouteKind.PRIVATE_SPACE, {"UB", "UC"}),
        # implicated person not on the committee but present in the channel
        ({"UX"}, {"UA", "UB", "UX", BOT}, RouteKind.PRIVATE_SPACE, {"UA", "UB", "UC"}),
        # a non-committee member in the channel → private space even if nobody is implicated
        (set(), {"UA", "UB", "UC", "UGUEST", BOT}, RouteKind.PRIVATE_SPACE, {"UA", "UB", "UC"}),
        # bot not in the channel → private space
        (set(), None, RouteKind.PRIVATE_SPACE, {"UA", "UB", "UC"}),
        # implicated member who already left the channel: the channel is clear, readers exclude them
        ({"UC"}, {"UA", "UB", BOT}, RouteKind.COMMITTEE_CHANNEL, {"UA", "UB"}),
        # nobody but the bot in the channel
        (set(), {BOT}, RouteKind.PRIVATE_SPACE, {"UA", "UB", "UC"}),
        # every member blocked → escalation contact
        ({"UA", "UB", "UC"}, {"UA", "UB", "UC", BOT}, RouteKind.ESCALATION, {ESC}),
        # escalation contact blocked too → held
        ({"UA", "UB", "UC", ESC}, {"UA", BOT}, RouteKind.HELD, set()),
    ],
)
def test_decide_route(blocked: set[str], channel_members: set[str] | None, kind: RouteKind, readers: set[str]) -> None:
    route = decide_route(
        committee_channel=C, committee_members=MEMBERS, escalation_contact=ESC, blocked=frozenset(blocked),
        channel_members=None if channel_members is None else frozenset(channel_members), bot_user=BOT,
    )
    assert route.kind == kind
    assert set(route.readers) == readers
    assert not (route.readers & blocked)
    assert route.channel == (C if kind == RouteKind.COMMITTEE_CHANNEL
                             else ESC if kind == RouteKind.ESCALATION else None)


def test_without_an_escalation_contact_a_report_nobody_may_read_is_held() -> None:
    route = decide_route(committee_channel=None, committee_members=MEMBERS, escalation_contact=None,
                         blocked=frozenset(MEMBERS), channel_members=None, bot_user=BOT)
    assert route.kind == RouteKind.HELD and route.readers == frozenset() and route.channel is None


def test_flagged_author_is_blocked_even_if_removed_from_the_form() -> None:
    assert blocked_people(implicated=(), excluded=("UB",), flagged_author="UA") == {"UA", "UB"}


def test_blocked_includes_recused() -> None:
    assert blocked_people(implicated=("UX",), excluded=(), recused=("UC",)) == {"UX", "UC"}


@pytest.mark.parametrize("ref, attempt, name", [("R-0042", 0, "coc-r-0042"), ("R-0042", 1, "coc-r-0042-ab12")])
def test_private_space_names_are_valid_slack_names(ref: str, attempt: int, name: str) -> None:
    assert private_space_name("coc", ref, attempt, "ab12") == name
