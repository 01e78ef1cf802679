"""The privacy gate: every message about a report passes through here right before it is sent.

The gate resolves an audience to concrete recipients (live channel membership, not the config) and
refuses to send when any recipient is not an allowed reader of that report. Handlers and delivery code
never pick channels for report content themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Committee
from bot.messages import Message
from bot.messenger import Messenger, Posted
from bot.routing import RouteKind, blocked_people
from storage.reports import ReportRecord


class PrivacyHold(Exception):
    """Sending would reach someone who must not see the report. Carries counts, never names."""


def blocked_for(report: ReportRecord) -> frozenset[str]:
    return blocked_people(
        implicated=report.implicated,
        excluded=report.excluded,
        recused=report.recused,
        flagged_author=report.flagged_author,
    )


def allowed_readers(report: ReportRecord, committee: Committee) -> frozenset[str]:
    """Who may read this report where it lives, given the kind of space it was routed to."""
    if report.space_kind == RouteKind.ESCALATION:
        base = {committee.escalation_contact}
    else:
        base = set(committee.members)
    return frozenset(base - blocked_for(report))


@dataclass
class PrivacyGate:
    messenger: Messenger
    committee: Committee

    def check(self, report: ReportRecord, recipients: frozenset[str]) -> None:
        not_allowed = recipients - allowed_readers(report, self.committee)
        if not_allowed:
            blocked = len(not_allowed & blocked_for(report))
            raise PrivacyHold(
                f"{len(not_allowed)} recipient(s) may not read {report.ref} "
                f"({blocked} implicated, excluded or recused)"
            )

    async def space_recipients(self, report: ReportRecord) -> frozenset[str]:
        if report.space_channel is None:
            raise PrivacyHold(f"{report.ref} has no space yet")
        if report.space_kind == RouteKind.ESCALATION:
            return frozenset({report.space_channel})
        members = await self.messenger.channel_members(report.space_channel)
        return members - {await self.messenger.bot_user_id()}

    async def post_to_space(self, report: ReportRecord, message: Message, *, thread: str | None = None) -> Posted:
        self.check(report, await self.space_recipients(report))
        assert report.space_channel is not None
        return await self.messenger.post(report.space_channel, message, thread=thread)

    async def update_in_space(self, report: ReportRecord, posted: Posted, message: Message) -> None:
        self.check(report, await self.space_recipients(report))
        await self.messenger.update(posted, message)

    async def invite(self, report: ReportRecord, channel: str, users: frozenset[str]) -> None:
        self.check(report, users)
        await self.messenger.invite(channel, users)

    async def post_to_member(self, report: ReportRecord, user: str, message: Message) -> Posted:
        self.check(report, frozenset({user}))
        return await self.messenger.post(user, message)

    async def post_to_reporter(self, report: ReportRecord, message: Message) -> Posted:
        # The reporter wrote the report; the gate only makes sure nothing is sent elsewhere by mistake.
        return await self.messenger.post(report.reporter, message)

    async def post_without_content(self, channel: str, message: Message) -> Posted:
        if message.carries_report_content:
            raise PrivacyHold("report content addressed to a channel outside the report's space")
        return await self.messenger.post(channel, message)
