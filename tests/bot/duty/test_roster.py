"""Who is on duty where: channel cover, what comes next, clashes, who counts as a facilitator."""

from __future__ import annotations

import pytest
from cocbot.bot.duty import roster
from cocbot.bot.duty.roster import Shift

from tests.bot.duty.support import A, B, h, occ, shift
from tests.harness import make_config

ON_DUTY = [
    # (entries, channel, at (hours), expected facilitators)
    ([shift(1, "UFAC1", {A}, 0, 2)], A, 1, ["UFAC1"]),
    ([shift(1, "UFAC1", {A}, 0, 2)], B, 1, []),
    ([shift(1, "UFAC1", {A}, 0, 2)], A, 2, []),  # half-open: over at its end
    ([shift(1, "UFAC1", {A}, 0, 2)], A, 0, ["UFAC1"]),  # on duty from its first instant
    # handover at the boundary: exactly one person at the instant
    ([shift(1, "UFAC1", {A}, 0, 2), shift(2, "UFAC2", {A}, 2, 4)], A, 2, ["UFAC2"]),
    ([shift(1, "UFAC1", {A}, 0, 2), shift(2, "UFAC2", {A}, 2, 4)], A, 1.999, ["UFAC1"]),
    # general cover applies where no channel-specific duty exists
    ([shift(1, "UFAC1", set(), 0, 8)], B, 1, ["UFAC1"]),
    ([shift(1, "UFAC1", set(), 0, 8), shift(2, "UFAC2", {A}, 0, 2)], A, 1, ["UFAC2"]),
    ([shift(1, "UFAC1", set(), 0, 8), shift(2, "UFAC2", {A}, 0, 2)], A, 3, ["UFAC1"]),
    # a call in its channel, alongside that channel's shift
    ([occ(7, A, 1, 2), shift(1, "UFAC1", {A}, 0, 4)], A, 1.5, ["UFAC1", "UFAC2"]),
    ([occ(7, A, 1, 2)], B, 1.5, []),
    ([shift(1, "UFAC1", {A, B}, 0, 2)], B, 1, ["UFAC1"]),
]


@pytest.mark.parametrize("entries,channel,at,expected", ON_DUTY)
def test_on_duty(entries: list, channel: str, at: float, expected: list[str]) -> None:
    assert [e.facilitator for e in roster.on_duty(entries, channel, h(at))] == expected


NEXT = [
    ([shift(1, "UFAC1", {A}, 0, 2), shift(2, "UFAC2", {A}, 2, 4)], A, 1, 2),
    ([shift(1, "UFAC1", {A}, 0, 2), shift(2, "UFAC2", {A}, 2, 4)], A, 2, None),  # 2 is now, not next
    ([shift(1, "UFAC1", set(), 3, 5), shift(2, "UFAC2", {A}, 3, 4)], A, 1, 2),  # own channel beats general
    ([occ(7, A, 5, 6), shift(2, "UFAC2", {A}, 3, 4)], A, 1, 2),
    ([occ(7, A, 5, 6), shift(2, "UFAC2", {B}, 3, 4)], A, 1, 7),
    ([], A, 1, None),
]


@pytest.mark.parametrize("entries,channel,at,expected_id", NEXT)
def test_next_up(entries: list, channel: str, at: float, expected_id: int | None) -> None:
    nxt = roster.next_up(entries, channel, h(at))
    assert (nxt.id if nxt else None) == expected_id


CONFLICTS = [
    # (new channels, start, end, existing, clash ids)
    ({A}, 0, 2, [shift(1, "UFAC1", {A}, 1, 3)], [1]),
    ({A}, 0, 2, [shift(1, "UFAC1", {A}, 2, 3)], []),  # touching is not overlapping
    ({A}, 2, 3, [shift(1, "UFAC1", {A}, 0, 2)], []),
    ({A}, 0, 2, [shift(1, "UFAC1", {B}, 0, 2)], []),
    ({A, B}, 0, 2, [shift(1, "UFAC1", {B}, 1, 3)], [1]),
    (set(), 0, 2, [shift(1, "UFAC1", set(), 1, 3)], [1]),  # two general covers
    (set(), 0, 2, [shift(1, "UFAC1", {A}, 1, 3)], []),  # a channel's own shift may run during general cover
    ({A}, 0, 2, [shift(1, "UFAC1", set(), 0, 8)], []),
]


@pytest.mark.parametrize("channels,start,end,existing,expected", CONFLICTS)
def test_conflicts(channels: set[str], start: float, end: float, existing: list[Shift], expected: list[int]) -> None:
    found = roster.conflicts("UFAC2", frozenset(channels), h(start), h(end), existing)
    assert [s.id for s in found] == expected


def test_a_config_with_only_the_committee_keys_still_loads() -> None:
    config = make_config()
    assert config.duty.facilitators == () and roster.duty_timezone(config) == "UTC"
    assert roster.facilitators(config) == frozenset(config.committee.members)
