"""The privacy gate on its own, as a table: who is in the room, who must not read the report → sent or held.

The end-to-end property tests drive whole bots; these rows pin the gate's rule itself, one situation per row,
with a recording messenger and no network. Committee: UALICE, UBOB, UCAROL; escalation contact UESCAL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from cocbot.bot.messages import Message
from cocbot.bot.messenger import Messengers, Posted
from cocbot.bot.reports.privacy import LiveMembers, PrivacyGate, PrivacyHold, allowed_readers
from cocbot.bot.reports.routing import RouteKind
from cocbot.storage.reports import ReportRecord
from tests.harness import COMMITTEE_CHANNEL, ESCALATION, make_config

BOT = "UBOT"
A, B, C = "UALICE", "UBOB", "UCAROL"
GUEST = "UGUEST"
SPACE = "CSPACE1"  # a private space made for one report
CONFIG = make_config()
MESSAGE = Message(summary="New report R-0001", carries_report_content=True)


@dataclass
class RecordingMessenger:
    members: dict[str, frozenset[str]]
    platform: str = "slack"
    sent: list[str] = field(default_factory=list)

    async def bot_user_id(self) -> str:
        return BOT

    async def channel_members(self, channel: str) -> frozenset[str]:
        return self.members[channel]

    async def post(self, channel: str, message: Message, *, thread: str | None = None) -> Posted:
        self.sent.append(channel)
        return Posted(channel, "1.0")

    async def create_private_space(self, name: str, *, members: frozenset[str] = frozenset()) -> str:
        raise AssertionError("not part of these rows")

    async def invite(self, channel: str, users: frozenset[str]) -> None:
        raise AssertionError("not part of these rows")

    async def update(self, posted: Posted, message: Message) -> None:
        raise AssertionError("not part of these rows")

    async def permalink(self, channel: str, ts: str) -> str | None:
        raise AssertionError("not part of these rows")


def report(kind: str, channel: str, *, implicated: tuple[str, ...] = (), excluded: tuple[str, ...] = (),
           recused: tuple[str, ...] = (), flagged_author: str | None = None) -> ReportRecord:
    return ReportRecord(
        id=1, ref="R-0001", platform="slack", source="command", created_at=datetime(2026, 3, 2, tzinfo=timezone.utc),
        anonymity="confidential", reporter="UREPORTER", description="SECRET", when="", where_channel=None,
        where_text="", implicated=implicated, implicated_other="", witnesses=(), excluded=excluded, ongoing="",
        danger=False, flagged_channel=None, flagged_ts=None, flagged_author=flagged_author, flagged_permalink=None,
        snapshot="", state="new", delivery_state="routing", space_kind=kind, space_channel=channel,
        space_invited=True, message_ts=None, recused=recused)


def gate(messenger: RecordingMessenger) -> PrivacyGate:
    return PrivacyGate(CONFIG, Messengers(messenger))


COMMITTEE = RouteKind.COMMITTEE_CHANNEL
PRIVATE = RouteKind.PRIVATE_SPACE
ESCALATED = RouteKind.ESCALATION

# (space kind, blocked people, expected allowed readers)
READERS = [
    (COMMITTEE, {}, {A, B, C}),
    (COMMITTEE, {"implicated": (B,)}, {A, C}),
    (COMMITTEE, {"excluded": (A, C)}, {B}),
    (COMMITTEE, {"recused": (C,)}, {A, B}),
    (COMMITTEE, {"flagged_author": A}, {B, C}),
    (COMMITTEE, {"implicated": (A,), "excluded": (B,), "recused": (C,)}, set()),
    (COMMITTEE, {"implicated": (GUEST,)}, {A, B, C}),
    (PRIVATE, {"implicated": (B,)}, {A, C}),
    (ESCALATED, {}, {ESCALATION}),
    (ESCALATED, {"implicated": (A, B, C)}, {ESCALATION}),
    (ESCALATED, {"excluded": (ESCALATION,)}, set()),
]


@pytest.mark.parametrize("kind, blocked, readers", READERS)
def test_allowed_readers(kind: str, blocked: dict, readers: set[str]) -> None:
    space = ESCALATION if kind == ESCALATED else COMMITTEE_CHANNEL
    assert allowed_readers(report(kind, space, **blocked), CONFIG) == readers


# (space kind, space, who is in it now (the bot aside), blocked people, sent?)
POSTS = [
    (COMMITTEE, COMMITTEE_CHANNEL, {A, B, C}, {}, True),
    (COMMITTEE, COMMITTEE_CHANNEL, {A, C}, {}, True),                       # fewer readers is fine
    (COMMITTEE, COMMITTEE_CHANNEL, {A, B, C}, {"implicated": (B,)}, False),  # B would read about themself
    (COMMITTEE, COMMITTEE_CHANNEL, {A, C}, {"implicated": (B,)}, True),      # B left the channel
    (COMMITTEE, COMMITTEE_CHANNEL, {A, B, C}, {"excluded": (C,)}, False),
    (COMMITTEE, COMMITTEE_CHANNEL, {A, B, C}, {"recused": (A,)}, False),
    (COMMITTEE, COMMITTEE_CHANNEL, {A, B, C}, {"flagged_author": A}, False),  # their message is in the report
    (COMMITTEE, COMMITTEE_CHANNEL, {A, B, C, GUEST}, {}, False),             # an outsider in the channel
    (COMMITTEE, COMMITTEE_CHANNEL, {A, B, C, ESCALATION}, {}, False),        # escalation reads only escalations
    (COMMITTEE, COMMITTEE_CHANNEL, {A, B, C}, {"implicated": (GUEST,)}, True),
    (PRIVATE, SPACE, {A, C}, {"implicated": (B,)}, True),
    (PRIVATE, SPACE, {A, B, C}, {"implicated": (B,)}, False),
    (PRIVATE, SPACE, {A, C, GUEST}, {"implicated": (B,)}, False),
    (ESCALATED, ESCALATION, set(), {"implicated": (A, B, C)}, True),          # a DM to the escalation contact
    (ESCALATED, ESCALATION, set(), {"implicated": (ESCALATION,)}, False),
    (ESCALATED, A, set(), {}, False),                                         # a DM to anyone else
]


@pytest.mark.parametrize("kind, space, present, blocked, sent", POSTS)
async def test_post_to_space(kind: str, space: str, present: set[str], blocked: dict, sent: bool) -> None:
    messenger = RecordingMessenger({space: frozenset(present | {BOT})})
    the_report = report(kind, space, **blocked)
    if sent:
        await gate(messenger).post_to_space(the_report, MESSAGE)
        assert messenger.sent == [space]
    else:
        with pytest.raises(PrivacyHold) as held:
            await gate(messenger).post_to_space(the_report, MESSAGE)
        assert messenger.sent == []
        # A hold is logged: it carries counts, never who.
        assert not any(user in str(held.value) for user in (A, B, C, GUEST, ESCALATION))


@pytest.mark.parametrize("kind, space, present, blocked, sent", [row for row in POSTS if row[0] != ESCALATED])
async def test_live_membership_from_routing_decides_like_a_fresh_fetch(
        kind: str, space: str, present: set[str], blocked: dict, sent: bool) -> None:
    # The messenger would answer "nobody else is here": only the live list routing fetched counts.
    messenger = RecordingMessenger({space: frozenset({BOT})})
    live = LiveMembers(space, frozenset(present | {BOT}))
    the_report = report(kind, space, **blocked)
    if sent:
        await gate(messenger).post_to_space(the_report, MESSAGE, live=live)
        assert messenger.sent == [space]
    else:
        with pytest.raises(PrivacyHold):
            await gate(messenger).post_to_space(the_report, MESSAGE, live=live)
        assert messenger.sent == []


# (person, space kind, blocked people, sent?) for a direct message about the report (e.g. a reminder)
MEMBER_DMS = [
    (A, COMMITTEE, {}, True),
    (A, COMMITTEE, {"recused": (A,)}, False),
    (A, COMMITTEE, {"implicated": (A,)}, False),
    (GUEST, COMMITTEE, {}, False),
    (ESCALATION, COMMITTEE, {}, False),
    (ESCALATION, ESCALATED, {"implicated": (A,)}, True),
    (A, ESCALATED, {}, False),
]


@pytest.mark.parametrize("person, kind, blocked, sent", MEMBER_DMS)
async def test_post_to_member(person: str, kind: str, blocked: dict, sent: bool) -> None:
    messenger = RecordingMessenger({})
    space = ESCALATION if kind == ESCALATED else COMMITTEE_CHANNEL
    the_report = report(kind, space, **blocked)
    if sent:
        await gate(messenger).post_to_member(the_report, person, MESSAGE)
        assert messenger.sent == [person]
    else:
        with pytest.raises(PrivacyHold):
            await gate(messenger).post_to_member(the_report, person, MESSAGE)
        assert messenger.sent == []
