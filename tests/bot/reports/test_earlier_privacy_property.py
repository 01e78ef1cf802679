"""The privacy property for earlier-case listings, over random histories: random committees (on Slack and the
forum, linked by the identity map), several earlier cases with random implicated, excluded and recused
people and spaces. A listed earlier case is always readable by every reader of the new case's space, under
every identity they have; nobody is ever shown a listing of a case they are blocked from."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from hypothesis import event, given, settings
from hypothesis import strategies as st

from cocbot.bot.config.community import parse_config
from cocbot.bot.earlier.service import indexed_people, map_digest
from cocbot.bot.reports.privacy import (allowed_readers, blocked_for, earlier_cases_listable, listable_from_index,
                                        may_view_earlier)
from cocbot.bot.reports.spaces import same_people
from cocbot.storage import earlier as earlier_q
from cocbot.storage.content import SEAL
from cocbot.storage.reports import ReportRecord
from tests.handlers.discourse.conftest import discourse_section

SLACK = [f"UP{i}" for i in range(6)]
FORUM = [f"p{i}" for i in range(6)]
KINDS = ["committee_channel", "private_space", "escalation", None]


def record(n: int, platform: str, kind: str | None, implicated: tuple[str, ...], excluded: tuple[str, ...],
           recused: tuple[str, ...], readers: tuple[str, ...] = ()) -> ReportRecord:
    return ReportRecord(
        id=n, ref=f"R-{n:04d}", platform=platform, source="command",
        created_at=datetime(2026, 3, n % 28 + 1, tzinfo=timezone.utc), anonymity="confidential",
        reporter="UREPORTER", description="", when="", where_channel=None, where_text="", implicated=implicated,
        implicated_other="", witnesses=(), excluded=excluded, ongoing="unsure", danger=False, flagged_channel=None,
        flagged_ts=None, flagged_author=None, flagged_permalink=None, snapshot="", state="new",
        delivery_state="delivered", space_kind=kind, space_channel="C1", space_invited=True, message_ts="1.0",
        recused=recused, readers=readers)


@st.composite
def histories(draw: st.DrawFn) -> tuple:
    members = draw(st.lists(st.sampled_from(SLACK), min_size=1, max_size=5, unique=True))
    forum_committee = draw(st.lists(st.sampled_from(FORUM), min_size=1, max_size=5, unique=True))
    escalation = draw(st.sampled_from(SLACK))
    links = draw(st.lists(st.integers(0, 5), max_size=6, unique=True))
    committee_space = draw(st.sampled_from(["slack", "discourse"]))
    config = parse_config({
        "committee": {"channel": "CCOMMITTEE", "members": members, "escalation_contact": escalation},
        "discourse": {**discourse_section("https://forum.example.org"),
                      "committee": forum_committee, "committee_space": committee_space,
                      "identities": {SLACK[i]: FORUM[i] for i in links}},
    })
    everyone = SLACK + FORUM + ["UGUEST"]

    def case(n: int) -> ReportRecord:
        return record(n, draw(st.sampled_from(["slack", "discourse"])), draw(st.sampled_from(KINDS)),
                      tuple(draw(st.lists(st.sampled_from(everyone), max_size=3, unique=True))),
                      tuple(draw(st.lists(st.sampled_from(everyone), max_size=3, unique=True))),
                      tuple(draw(st.lists(st.sampled_from(everyone), max_size=2, unique=True))),
                      # Chosen readers (none for most cases: the whole committee reads them).
                      tuple(draw(st.one_of(st.just([]), st.lists(st.sampled_from(SLACK + FORUM), max_size=3,
                                                                 unique=True)))))

    earlier = [case(n) for n in range(1, draw(st.integers(1, 6)) + 1)]
    new = replace(case(99), space_kind=draw(st.sampled_from(KINDS[:3])))
    return config, earlier, new


def identities(person: str, config) -> set[str]:  # type: ignore[no-untyped-def]
    linked = config.discourse.identities
    found = {person}
    for slack, forum in linked.items():
        if person in (slack, forum):
            found |= {slack, forum}
    return found


@settings(max_examples=400, deadline=None)
@given(histories())
def test_a_listed_earlier_case_is_readable_by_every_reader_of_the_new_space(history: tuple) -> None:
    config, earlier, new = history
    listed = earlier_cases_listable(new, earlier, config)
    event("something listed" if listed else "nothing listed")
    readers = allowed_readers(new, config)
    for case in listed:
        blocked = set(blocked_for(case, config))
        theirs = allowed_readers(case, config)
        for reader in readers:
            ids = identities(reader, config)
            assert not ids & blocked, (reader, case.ref)
            assert ids & theirs, (reader, case.ref)
            assert may_view_earlier(reader, new, case, config)
    # Whoever is blocked from a case can never open it from the listing, listed or not.
    for case in earlier:
        for person in set(case.implicated) | set(case.excluded) | set(case.recused):
            assert not may_view_earlier(person, new, case, config)


def test_a_member_excluded_from_an_earlier_case_hides_it_from_the_whole_space() -> None:
    config = parse_config({"committee": {"channel": "CCOMMITTEE", "members": ["UA1", "UB1", "UC1"],
                                         "escalation_contact": "UE1"}})
    earlier = record(12, "slack", "committee_channel", ("UM1",), ("UB1",), ())
    new = record(42, "slack", "committee_channel", ("UM1",), (), ())
    assert earlier_cases_listable(new, [earlier], config) == ()
    # In a private space without that member, it is listed.
    new_without_b = replace(new, space_kind="private_space", excluded=("UB1",))
    assert earlier_cases_listable(new_without_b, [earlier], config) == (earlier,)


def index_keys(case: ReportRecord, config, digest: str) -> set[str]:  # type: ignore[no-untyped-def]
    """The keys the people index holds for a case, as intake writes them."""
    people, kept_out, readers = indexed_people(case, config)
    keys = {SEAL.person_keys(p)[0] for p in people}
    return keys | {r["person_key"] for r in earlier_q.guard_rows(case.id, kept_out=kept_out, readers=readers,
                                                                  digest=digest)}


@settings(max_examples=400, deadline=None)
@given(histories())
def test_the_listing_read_from_the_index_is_the_listing_read_from_the_records(history: tuple) -> None:
    """The earlier-cases check reads who may not (and who alone may) read each case from the keyed index
    instead of unsealing it: over random histories it lists exactly what the sealed records would."""
    config, earlier, new = history
    digest = map_digest(config)
    meaning = earlier_q.guard_meaning(same_people(allowed_readers(new, config), config), digest)
    cases = [(e.id, e.platform, e.space_kind, earlier_q.guard_of(index_keys(e, config, digest), meaning))
             for e in earlier]
    expected = {e.id for e in earlier_cases_listable(new, earlier, config)}
    event("something listed" if expected else "nothing listed")
    assert listable_from_index(new, cases, config) == expected
    # Indexed under another identity map, a case is never listed from the index (its record decides).
    stale = [(e.id, e.platform, e.space_kind, earlier_q.guard_of(index_keys(e, config, "another map"), meaning))
             for e in earlier]
    assert listable_from_index(new, stale, config) == set()
