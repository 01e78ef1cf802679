"""The privacy gate: every message about a report passes through here right before it is sent.

The gate resolves an audience to concrete recipients (live channel membership, not the config) and
refuses to send when any recipient is not an allowed reader of that report. Handlers and delivery code
never pick channels for report content themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from collections.abc import Iterable

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messages import Message
from cocbot.bot.messenger import DeliveryError, Messenger, Messengers, Posted
from cocbot.bot.reports.readers.service import committee_people, outside_picked
from cocbot.bot.reports.reporters import reachable
from cocbot.bot.reports.routing import RouteKind, blocked_people
from cocbot.bot.reports.spaces import CommitteeSpace, committee_space, same_people
from cocbot.storage.earlier import Guard
from cocbot.storage.reports import ReportRecord


class PrivacyHold(Exception):
    """Sending would reach someone who must not see the report. Carries counts, never names."""


@dataclass(frozen=True)
class LiveMembers:
    """A conversation's members as the platform listed them during this very delivery step (routing
    fetched them a moment ago, with no other platform call since). Never kept beyond that step: what
    the gate checks must be live membership, fetched for this send."""

    channel: str
    members: frozenset[str]


def blocked_for(report: ReportRecord, config: CommunityConfig) -> frozenset[str]:
    """Everyone who must never see the report, on both platforms (identity map); with readers the reporter
    chose, every other committee member too."""
    return same_people(blocked_people(implicated=report.implicated, excluded=report.excluded,
                                      recused=report.recused, flagged_author=report.flagged_author),
                       config) | outside_picked(report, config)


@dataclass(frozen=True)
class Placement:
    """Where a report's committee reads it, worked out once per outbox row: the committee space of the
    report's platform, the messenger of the platform that space lives on, and who must never see it.

    It depends only on the report's platform and the people it blocks, which no step of one row changes.
    """

    space: CommitteeSpace
    messenger: Messenger
    blocked: frozenset[str]

    @property
    def readers(self) -> frozenset[str]:
        """The committee members who may read the report (and be invited to its private space)."""
        return self.space.members - self.blocked

    def allowed_readers(self, space_kind: str | None) -> frozenset[str]:
        return readers_in(self.space, self.blocked, space_kind)


def readers_in(space: CommitteeSpace, blocked: frozenset[str], space_kind: str | None) -> frozenset[str]:
    """Who may read a report where it lives, given the kind of space it was routed to."""
    if space_kind == RouteKind.ESCALATION:
        return frozenset({space.escalation_contact} - blocked) if space.escalation_contact else frozenset()
    return space.members - blocked


def allowed_readers(report: ReportRecord, config: CommunityConfig) -> frozenset[str]:
    """Who may read this report where it lives: the space is the one for the report's platform (Slack
    committee or Discourse PM), readers are checked across platforms (identity map)."""
    return readers_in(committee_space(report.platform, config), blocked_for(report, config), report.space_kind)


@dataclass
class PrivacyGate:
    """Sends each report's content on the platform of its committee space and checks readers across
    platforms (identity map)."""

    config: CommunityConfig
    messengers: Messengers

    def place(self, report: ReportRecord) -> Placement:
        space = committee_space(report.platform, self.config)
        return Placement(space, self.messengers.on(space.platform), blocked_for(report, self.config))

    def check(self, report: ReportRecord, recipients: frozenset[str], where: Placement | None = None) -> None:
        where = where or self.place(report)
        not_allowed = recipients - where.allowed_readers(report.space_kind)
        if not_allowed:
            blocked = len(not_allowed & where.blocked)
            raise PrivacyHold(
                f"{len(not_allowed)} recipient(s) may not read {report.ref} "
                f"({blocked} implicated, excluded or recused)"
            )

    async def _space_recipients(self, report: ReportRecord, where: Placement,
                                live: LiveMembers | None) -> frozenset[str]:
        if report.space_channel is None:
            raise PrivacyHold(f"{report.ref} has no space yet")
        if report.space_kind == RouteKind.ESCALATION:
            return frozenset({report.space_channel})
        if live is not None and live.channel == report.space_channel:
            members = live.members  # fetched for this send by routing; one platform call less per report
        else:
            members = await where.messenger.channel_members(report.space_channel)
        return members - {await where.messenger.bot_user_id()}

    async def post_to_space(self, report: ReportRecord, message: Message, *, thread: str | None = None,
                            where: Placement | None = None, live: LiveMembers | None = None,
                            key: str | None = None, earlier_since: datetime | None = None) -> Posted:
        """Check who is in the report's space, then post there. `where`: the row's placement when the caller
        has it already. `live`: that space's membership when the caller has just fetched it for this send
        (see LiveMembers); otherwise it is fetched here. `key`/`earlier_since`: see Messenger.post (an
        outbox row's post that a retry must not repeat)."""
        where = where or self.place(report)
        self.check(report, await self._space_recipients(report, where, live), where)
        assert report.space_channel is not None
        once: dict[str, Any] = {} if key is None else {"key": key, "earlier_since": earlier_since}
        return await where.messenger.post(report.space_channel, message, thread=thread, **once)

    async def update_in_space(self, report: ReportRecord, posted: Posted, message: Message) -> None:
        where = self.place(report)
        self.check(report, await self._space_recipients(report, where, None), where)
        await where.messenger.update(posted, message)

    async def invite(self, report: ReportRecord, channel: str, users: frozenset[str],
                     where: Placement | None = None) -> None:
        where = where or self.place(report)
        self.check(report, users, where)
        await where.messenger.invite(channel, users)

    async def post_to_member(self, report: ReportRecord, user: str, message: Message) -> Posted:
        where = self.place(report)
        self.check(report, frozenset({user}), where)
        return await where.messenger.post(user, message)

    async def post_to_reader(self, report: ReportRecord, user: str, message: Message, *, platform: str) -> Posted:
        """The report to one of its readers on `platform`, where they asked for it, under their identity there:
        they must read the report under one of their identities (the identity map) and be blocked under none."""
        ids = same_people({user}, self.config)
        if not ids & allowed_readers(report, self.config) or ids & blocked_for(report, self.config):
            raise PrivacyHold(f"1 recipient may not read {report.ref} on {platform}")
        return await self.messengers.on(platform).post(user, message)

    async def post_to_reporter(self, report: ReportRecord, message: Message, *, key: str | None = None,
                               earlier_since: datetime | None = None) -> Posted:
        # The reporter wrote the report; the gate only makes sure nothing is sent elsewhere by mistake.
        # They are reached on the platform they reported from.
        if not reachable(report.reporter):
            raise DeliveryError("reporter_unreachable", transient=False)
        once: dict[str, Any] = {} if key is None else {"key": key, "earlier_since": earlier_since}
        return await self.messengers.on(report.platform).post(report.reporter, message, **once)

    async def post_without_content(self, channel: str, message: Message, *, platform: str = "slack") -> Posted:
        if message.carries_report_content:
            raise PrivacyHold("report content addressed to a channel outside the report's space")
        return await self.messengers.on(platform).post(channel, message)

    async def update_without_content(self, report: ReportRecord, posted: Posted, message: Message) -> None:
        """Replace a message in the report's space with one that holds nothing of any report (e.g. "moved —
        conflict declared"), on the platform where that space lives."""
        if message.carries_report_content:
            raise PrivacyHold("report content in an update that bypasses the report's space")
        await self.place(report).messenger.update(posted, message)

    async def post_page(self, report: ReportRecord, user: str, message: Message, *, platform: str) -> Posted:
        """A message about a report to someone who need not be one of its readers (a facilitator on duty
        paged about danger): it may hold nothing of the report, and it never reaches anyone the report
        blocks, on either platform."""
        if message.carries_report_content:
            raise PrivacyHold("report content addressed to someone paged outside the report's space")
        if same_people({user}, self.config) & blocked_for(report, self.config):
            raise PrivacyHold(f"1 recipient may not be told about {report.ref} (implicated, excluded or recused)")
        return await self.messengers.on(platform).post(user, message)

def earlier_cases_listable(new: ReportRecord, earlier: Iterable[ReportRecord],
                           config: CommunityConfig) -> tuple[ReportRecord, ...]:
    """The earlier cases that may be named (reference, state, outcome, month) in the new case's space: those
    every reader of the new case may read too. A member excluded from, implicated in or recused from an
    earlier case never learns of it through a later one, and a case nobody may read lists nothing."""
    readers = allowed_readers(new, config)
    if not readers:
        return ()
    # A reader is compared under each of their identities (the committees may work on different platforms).
    identities = [same_people((r,), config) for r in readers]

    def readable(e: ReportRecord) -> bool:
        theirs, blocked = allowed_readers(e, config), blocked_for(e, config)
        return all(ids & theirs and not ids & blocked for ids in identities)

    return tuple(e for e in earlier if e.id != new.id and readable(e))


def listable_from_index(new: ReportRecord, cases: Iterable[tuple[int, str, str | None, Guard]],
                        config: CommunityConfig) -> set[int]:
    """`earlier_cases_listable` from the people index instead of the sealed records: each case as (id, platform,
    space kind, what its index says about the new case's readers). A case whose index is not complete
    (`Guard.indexed` false) is never listed from here; the caller checks it from its record."""
    readers = allowed_readers(new, config)
    if not readers:
        return set()
    identities = [same_people((r,), config) for r in readers]
    committee = committee_people(config)

    def readable(platform: str, kind: str | None, guard: Guard) -> bool:
        # Where the case lives, before anyone is blocked: nobody blocked is among `ids` (checked next).
        base = readers_in(committee_space(platform, config), frozenset(), kind)
        return guard.indexed and all(
            ids & base and not ids & guard.blocked and (not guard.chosen or ids & committee <= guard.readers)
            for ids in identities)

    return {i for i, platform, kind, guard in cases if i != new.id and readable(platform, kind, guard)}


def may_view_earlier(user: str, new: ReportRecord, earlier: ReportRecord, config: CommunityConfig) -> bool:
    """Whether `user` may open `earlier` from the listing in `new`'s space, checked again at the click: they
    read the new case, the earlier one is still listable there, and they may read it themselves."""
    ids = same_people((user,), config)
    return (bool(ids & allowed_readers(new, config)) and bool(ids & allowed_readers(earlier, config))
            and not ids & (blocked_for(new, config) | blocked_for(earlier, config))
            and bool(earlier_cases_listable(new, (earlier,), config)))
