"""The privacy gate: every message about a report passes through here right before it is sent.

The gate resolves an audience to concrete recipients (live channel membership, not the config) and
refuses to send when any recipient is not an allowed reader of that report. Handlers and delivery code
never pick channels for report content themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

from cocbot.bot.config.community import Committee, CommunityConfig
from cocbot.bot.messages import Message
from cocbot.bot.messenger import DeliveryError, Messenger, Posted
from cocbot.bot.reports.reporters import reachable
from cocbot.bot.reports.routing import RouteKind, blocked_people
from cocbot.bot.reports.spaces import committee_space, same_people
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


def blocked_for(report: ReportRecord, config: CommunityConfig | None = None) -> frozenset[str]:
    """Everyone who must never see the report; with `config`, on both platforms (identity map)."""
    blocked = blocked_people(
        implicated=report.implicated,
        excluded=report.excluded,
        recused=report.recused,
        flagged_author=report.flagged_author,
    )
    return blocked if config is None else same_people(blocked, config)


def allowed_readers(report: ReportRecord, committee: Committee,
                    config: CommunityConfig | None = None) -> frozenset[str]:
    """Who may read this report where it lives, given the kind of space it was routed to.

    With `config`, the space is the one for the report's platform (Slack committee or Discourse PM).
    """
    if config is not None:
        space = committee_space(report.platform, config)
        if report.space_kind == RouteKind.ESCALATION:
            base = {space.escalation_contact} if space.escalation_contact else set()
        else:
            base = set(space.members)
        return frozenset(base - blocked_for(report, config))
    if report.space_kind == RouteKind.ESCALATION:
        base = {committee.escalation_contact}
    else:
        base = set(committee.members)
    return frozenset(base - blocked_for(report))


@dataclass
class PrivacyGate:
    messenger: Messenger
    committee: Committee
    # With the config and a messenger per platform, the gate sends each report's content on the
    # platform of its committee space and checks readers across platforms (identity map).
    config: CommunityConfig | None = None
    messengers: Mapping[str, Messenger] = field(default_factory=dict)

    def _on(self, platform: str) -> Messenger:
        return self.messengers.get(platform, self.messenger)

    def space_messenger(self, report: ReportRecord) -> Messenger:
        if self.config is None:
            return self.messenger
        return self._on(committee_space(report.platform, self.config).platform)

    def check(self, report: ReportRecord, recipients: frozenset[str]) -> None:
        not_allowed = recipients - allowed_readers(report, self.committee, self.config)
        if not_allowed:
            blocked = len(not_allowed & blocked_for(report, self.config))
            raise PrivacyHold(
                f"{len(not_allowed)} recipient(s) may not read {report.ref} "
                f"({blocked} implicated, excluded or recused)"
            )

    async def space_recipients(self, report: ReportRecord, live: LiveMembers | None = None) -> frozenset[str]:
        if report.space_channel is None:
            raise PrivacyHold(f"{report.ref} has no space yet")
        if report.space_kind == RouteKind.ESCALATION:
            return frozenset({report.space_channel})
        messenger = self.space_messenger(report)
        if live is not None and live.channel == report.space_channel:
            members = live.members  # fetched for this send by routing; one platform call less per report
        else:
            members = await messenger.channel_members(report.space_channel)
        return members - {await messenger.bot_user_id()}

    async def post_to_space(self, report: ReportRecord, message: Message, *, thread: str | None = None,
                            live: LiveMembers | None = None, key: str | None = None,
                            earlier_since: datetime | None = None) -> Posted:
        """Check who is in the report's space, then post there. `live`: that space's membership when the
        caller has just fetched it for this send (see LiveMembers); otherwise it is fetched here.
        `key`/`earlier_since`: see Messenger.post (an outbox row's post that a retry must not repeat)."""
        self.check(report, await self.space_recipients(report, live))
        assert report.space_channel is not None
        once = {} if key is None else {"key": key, "earlier_since": earlier_since}
        return await self.space_messenger(report).post(report.space_channel, message, thread=thread, **once)

    async def update_in_space(self, report: ReportRecord, posted: Posted, message: Message) -> None:
        self.check(report, await self.space_recipients(report))
        await self.space_messenger(report).update(posted, message)

    async def invite(self, report: ReportRecord, channel: str, users: frozenset[str]) -> None:
        self.check(report, users)
        await self.space_messenger(report).invite(channel, users)

    async def post_to_member(self, report: ReportRecord, user: str, message: Message) -> Posted:
        self.check(report, frozenset({user}))
        return await self.space_messenger(report).post(user, message)

    async def post_to_reporter(self, report: ReportRecord, message: Message, *, key: str | None = None,
                               earlier_since: datetime | None = None) -> Posted:
        # The reporter wrote the report; the gate only makes sure nothing is sent elsewhere by mistake.
        # They are reached on the platform they reported from.
        if not reachable(report.reporter):
            raise DeliveryError("reporter_unreachable", transient=False)
        once = {} if key is None else {"key": key, "earlier_since": earlier_since}
        return await self._on(report.platform).post(report.reporter, message, **once)

    async def post_without_content(self, channel: str, message: Message, *, platform: str = "slack") -> Posted:
        if message.carries_report_content:
            raise PrivacyHold("report content addressed to a channel outside the report's space")
        return await self._on(platform).post(channel, message)

    async def update_without_content(self, report: ReportRecord, posted: Posted, message: Message) -> None:
        """Replace a message in the report's space with one that holds nothing of any report (e.g. "moved —
        conflict declared"), on the platform where that space lives."""
        if message.carries_report_content:
            raise PrivacyHold("report content in an update that bypasses the report's space")
        await self.space_messenger(report).update(posted, message)
