"""What each outbox kind does when its turn comes. Every send goes through the privacy gate."""

from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.reports import texts
from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messenger import DeliveryError, Messenger, NotInChannel, Posted
from cocbot.bot.outbox.worker import Deferred, Done, OutboxWorker
from cocbot.bot.reports.privacy import LiveMembers, PrivacyGate, PrivacyHold, blocked_for
from cocbot.bot.reports.routing import Route, RouteKind, decide_route, private_space_name
from cocbot.bot.reports.spaces import committee_space
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import ReportRecord

log = logging.getLogger("cocbot.delivery")
operator_log = logging.getLogger("cocbot.operator")

# Platform errors meaning "this conversation can no longer take the report": route elsewhere.
_SPACE_GONE = {"channel_not_found", "is_archived", "not_in_channel", "channel_is_archived"}


@dataclass
class Deliveries:
    db: Database
    config: CommunityConfig
    messenger: Messenger
    gate: PrivacyGate
    clock: Clock
    # A messenger per platform ("slack", "discourse"); `messenger` serves any platform not listed.
    messengers: Mapping[str, Messenger] = field(default_factory=dict)

    def _on(self, platform: str) -> Messenger:
        return self.messengers.get(platform, self.messenger)

    def _readers(self, report: ReportRecord) -> frozenset[str]:
        """The committee members who may be invited to this report's private space."""
        space = committee_space(report.platform, self.config)
        return space.members - blocked_for(report, self.config)

    def register(self, worker: OutboxWorker) -> None:
        # A new report's delivery and confirmation: nothing else touches the report before they run.
        worker.register("deliver_report", self.deliver_report, with_report=True)
        worker.register("confirm_reporter", self.confirm_reporter, with_report=True)
        worker.register("tell_reporter_held", self.tell_reporter_held)
        worker.register("deliver_addendum", self.deliver_addendum)

    async def _report(self, item: ClaimedItem) -> ReportRecord:
        return await report_of(self.db, item)

    async def _update(self, report: ReportRecord, **values: Any) -> ReportRecord:
        async with self.db.transaction() as session:
            fresh = await reports_q.update_and_get_report(session, report.id, **values)
        assert fresh is not None
        return fresh

    async def _choose_route(self, report: ReportRecord, *,
                            avoid_committee_channel: bool) -> tuple[Route, LiveMembers | None]:
        """The route, and the committee channel's live membership when it was fetched to decide it."""
        space = committee_space(report.platform, self.config)
        messenger = self._on(space.platform)
        members: frozenset[str] | None = None
        if not avoid_committee_channel and space.channel is not None:
            try:
                members = await messenger.channel_members(space.channel)
            except NotInChannel:
                members = None
        blocked = blocked_for(report, self.config)
        if space.escalation_contact is None:  # nobody to escalate to on that platform: hold instead
            blocked = blocked | {""}
        route = decide_route(
            committee_channel=space.channel or "",
            committee_members=space.members,
            escalation_contact=space.escalation_contact or "",
            blocked=blocked,
            channel_members=members,
            bot_user=await messenger.bot_user_id(),
        )
        live = LiveMembers(space.channel, members) if members is not None and space.channel is not None else None
        return route, live

    async def _create_space(self, report: ReportRecord, readers: frozenset[str]) -> str:
        prefix = self.config.reporting.private_space_prefix
        messenger = self._on(committee_space(report.platform, self.config).platform)
        # Platforms that must name a private conversation's members when creating it get them here.
        self.gate.check(report, readers)
        for attempt in range(5):
            name = private_space_name(prefix, report.ref, attempt, secrets.token_hex(2) if attempt else "")
            try:
                return await messenger.create_private_space(name, members=readers)
            except DeliveryError as exc:
                if exc.code != "name_taken":
                    raise
        raise DeliveryError("name_taken", transient=True)

    async def _place(self, report: ReportRecord, *, avoid_committee_channel: bool = False) -> ReportRecord:
        """Give the report a space (committee channel, new private space or escalation DM), or hold it."""
        placed, _ = await self._place_live(report, avoid_committee_channel=avoid_committee_channel)
        return placed

    async def _place_live(self, report: ReportRecord, *, avoid_committee_channel: bool = False,
                          save_with_post: bool = False) -> tuple[ReportRecord, LiveMembers | None]:
        """`_place`, plus the committee channel's membership routing fetched (for the gate's check of
        the post that follows at once).

        `save_with_post`: a committee channel or escalation route is not written now but by the caller,
        with the post's ts in the transaction that settles the row (one transaction less per report).
        Nothing is created on the platform for those routes, so a retry after a crash simply routes
        again; a private space is still written before anyone is invited to it.
        """
        route, live = await self._choose_route(report, avoid_committee_channel=avoid_committee_channel)
        log.info("routing %s: %s (%s)", report.ref, route.kind.value, route.reason)
        if route.kind == RouteKind.HELD:
            operator_log.warning("report %s is held: %s. It is stored and nobody has been shown it.",
                                 report.ref, route.reason)
            async with self.db.transaction() as session:
                await reports_q.update_report(session, report.id, delivery_state="held", space_kind="held")
                await outbox_q.enqueue(session, key=f"report:{report.id}:held", kind="tell_reporter_held",
                                       report_id=report.id, now=self.clock.now())
            raise _Held()
        if route.kind == RouteKind.PRIVATE_SPACE:
            channel = await self._create_space(report, route.readers)
            # Persist the space before inviting so a retry never creates a second one.
            return await self._update(report, space_kind=route.kind.value, space_channel=channel,
                                      space_invited=False), None
        if route.kind == RouteKind.ESCALATION:
            operator_log.warning("report %s sent to the escalation contact: %s", report.ref, route.reason)
        if save_with_post:
            return dataclasses.replace(report, space_kind=route.kind.value, space_channel=route.channel,
                                       space_invited=True), live
        return await self._update(report, space_kind=route.kind.value, space_channel=route.channel,
                                  space_invited=True), live

    async def deliver_report(self, item: ClaimedItem) -> dict[str, Any] | Done:
        report = await self._report(item)
        if report.message_ts:  # posted before a crash that kept the row from being settled
            return {"channel": report.space_channel, "ts": report.message_ts}
        if report.delivery_state == "held":
            return {"held": True}
        try:
            live: LiveMembers | None = None
            if report.space_channel is None:
                report, live = await self._place_live(report, save_with_post=True)
            if report.space_kind == RouteKind.PRIVATE_SPACE and not report.space_invited:
                await self.gate.invite(report, report.space_channel or "", self._readers(report))
                report = await self._update(report, space_invited=True)
            if report.flagged_ts and report.flagged_channel and not report.flagged_permalink:
                live = None  # another platform call in between: the gate fetches the members again
                link = await self._on(report.platform).permalink(report.flagged_channel, report.flagged_ts)
                if link:  # with the route, which may not be written yet (save_with_post)
                    report = await self._update(report, flagged_permalink=link, space_kind=report.space_kind,
                                                space_channel=report.space_channel,
                                                space_invited=report.space_invited)
            try:
                # The membership routing fetched a moment ago is this send's live check (no second fetch).
                posted = await self.gate.post_to_space(report, texts.committee_report(report, self.config),
                                                       live=live, key=item.key, earlier_since=item.earlier_since)
            except (PrivacyHold, DeliveryError) as exc:
                moved = await self._move_if_committee_channel(report, exc)
                posted = await self.gate.post_to_space(moved, texts.committee_report(moved, self.config),
                                                       key=item.key, earlier_since=item.earlier_since)
                report = moved
        except _Held:
            return {"held": True}
        state = "escalated" if report.space_kind == RouteKind.ESCALATION else "delivered"
        placed = report

        async def record(session: AsyncSession) -> None:
            # Nothing reads the report after this, so no re-read; committed with the row's `done`. The
            # space is written here too: routing to the committee channel left it to this write.
            await reports_q.update_report(session, placed.id, message_ts=posted.ts, delivery_state=state,
                                          space_kind=placed.space_kind, space_channel=placed.space_channel,
                                          space_invited=placed.space_invited)

        log.info("report %s delivered (%s)", report.ref, report.space_kind)
        return Done({"channel": posted.channel, "ts": posted.ts}, also=record)

    async def _move_if_committee_channel(self, report: ReportRecord, exc: Exception) -> ReportRecord:
        """The committee channel changed between routing and posting: take the report to a private space."""
        if report.space_kind != RouteKind.COMMITTEE_CHANNEL:
            raise exc
        if isinstance(exc, DeliveryError) and exc.code not in _SPACE_GONE:
            raise exc
        operator_log.warning("report %s: the committee channel could not take it (%s); using a private space",
                             report.ref, exc if isinstance(exc, PrivacyHold) else getattr(exc, "code", exc))
        report = await self._update(report, space_kind=None, space_channel=None)
        report = await self._place(report, avoid_committee_channel=True)
        if report.space_kind == RouteKind.PRIVATE_SPACE:
            await self.gate.invite(report, report.space_channel or "", self._readers(report))
            report = await self._update(report, space_invited=True)
        return report

    async def confirm_reporter(self, item: ClaimedItem) -> dict[str, Any]:
        report = await self._report(item)
        posted = await self.gate.post_to_reporter(report, texts.reporter_confirmation(report, self.config),
                                                  key=item.key, earlier_since=item.earlier_since)
        return _posted(posted)

    async def tell_reporter_held(self, item: ClaimedItem) -> dict[str, Any]:
        report = await self._report(item)
        posted = await self.gate.post_to_reporter(report, texts.reporter_held(report, self.config),
                                                  key=item.key, earlier_since=item.earlier_since)
        return _posted(posted)

    async def deliver_addendum(self, item: ClaimedItem) -> dict[str, Any]:
        report = await self._report(item)
        if report.delivery_state == "held":
            return {"held": True}
        if not report.message_ts:
            raise Deferred("report not delivered yet", seconds=2.0)
        if report.moving:  # a recusal is moving the case; post in its new space
            raise Deferred("the case is moving to a new space", seconds=2.0)
        async with self.db.transaction() as session:
            text = await reports_q.get_addendum_text(session, int(item.payload["addendum_id"]))
        if text is None:
            raise DeliveryError("addendum_missing", transient=False)
        posted = await self.gate.post_to_space(report, texts.committee_addendum(
            report, text, details_on_demand=self.config.triage.details_on_demand),
                                               thread=report.message_ts, key=item.key, earlier_since=item.earlier_since)
        return _posted(posted)


class _Held(Exception):
    pass


def _posted(posted: Posted) -> dict[str, Any]:
    return {"channel": posted.channel, "ts": posted.ts}


async def report_of(db: Database, item: ClaimedItem) -> ReportRecord:
    """The report an outbox row is about; a row whose report is gone fails permanently."""
    assert item.report_id is not None
    if item.report is not None:  # read when the row was claimed (OutboxWorker.register(with_report=True))
        return item.report
    async with db.transaction() as session:
        report = await reports_q.get_report(session, item.report_id)
    if report is None:
        raise DeliveryError("report_missing", transient=False)
    return report
