"""Who is the same person on both platforms, looked up through the identity map indexed both ways: exactly
what reading the whole map said, for any map and any people, and the same map always has the same digest."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from cocbot.bot.config.community import CommunityConfig, parse_config
from cocbot.bot.earlier.service import map_digest
from cocbot.bot.reports.spaces import identity_links, same_people
from tests.handlers.discourse.conftest import discourse_section

SLACK = ["UALICE", "UBOB", "U11", "W22", "UU1"]
FORUM = ["alice", "bob", "u11", "w22", "uu1", "carol"]


def config(identities: dict[str, str]) -> CommunityConfig:
    return parse_config({
        "committee": {"channel": "CCOMMITTEE", "members": ["UALICE"], "escalation_contact": "UBOB"},
        "discourse": {**discourse_section("https://forum.example.org"), "identities": identities},
    })


def reading_the_whole_map(people: set[str], identities: dict[str, str]) -> frozenset[str]:
    """The rule as it reads: every linked pair of which someone was named (a Slack id as written, a forum
    username in any case)."""
    found = set(people)
    lowered = {p.lower() for p in found}
    for slack_id, username in identities.items():
        if slack_id in found or username in lowered:
            found.update((slack_id, username))
    return frozenset(found)


@settings(max_examples=300, deadline=None)
@given(links=st.lists(st.tuples(st.sampled_from(SLACK), st.sampled_from(FORUM)), max_size=5),
       people=st.sets(st.sampled_from(SLACK + FORUM + ["ALICE", "Bob", "UOTHER", "u11 ", "Uu1"]), max_size=4))
def test_the_same_people_as_reading_the_whole_map(links: list[tuple[str, str]], people: set[str]) -> None:
    identities: dict[str, str] = {}
    for slack_id, username in links:  # a username is linked to one Slack id
        if slack_id not in identities and username not in identities.values():
            identities[slack_id] = username
    cfg = config(identities)
    assert same_people(people, cfg) == reading_the_whole_map(people, cfg.discourse.identities)  # type: ignore[union-attr]


def test_the_digest_names_the_map_as_before() -> None:
    cfg = config({"UALICE": "alice", "UBOB": "bob"})
    before = hashlib.sha256(repr(sorted({"UBOB": "bob", "UALICE": "alice"}.items())).encode()).hexdigest()[:16]
    assert map_digest(cfg) == before == map_digest(config({"UBOB": "bob", "UALICE": "alice"}))
    assert map_digest(cfg) != map_digest(config({"UALICE": "alice"}))
    assert identity_links(cfg) is identity_links(cfg)  # worked out once per map
    slack_only = parse_config({"committee": {"channel": "CCOMMITTEE", "members": ["UALICE"],
                                             "escalation_contact": "UBOB"}})
    assert map_digest(slack_only) == hashlib.sha256(repr([]).encode()).hexdigest()[:16]
    assert same_people({"UALICE"}, slack_only) == {"UALICE"}


def test_a_config_with_another_map_is_never_answered_from_an_earlier_one() -> None:
    first, second = config({"UALICE": "alice"}), config({"UALICE": "carol"})
    assert same_people({"UALICE"}, first) == {"UALICE", "alice"}
    assert same_people({"UALICE"}, second) == {"UALICE", "carol"}
    assert same_people({"alice"}, second) == {"alice"}
