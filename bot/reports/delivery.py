"""What each outbox kind does when its turn comes. Every send goes through the privacy gate."""

from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.reports import texts
from cocbot.bot.holds import hooks as holds
from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messenger import DeliveryError, NotInChannel, Posted
from cocbot.bot.i18n import Translator, translator
from cocbot.bot.reports.reporters import reachable
from cocbot.bot.outbox.worker import Deferred, Done, OutboxWorker
from cocbot.bot.reports.privacy import LiveMembers, Placement, PrivacyGate, PrivacyHold
from cocbot.bot.reports.routing import Route, RouteKind, decide_route, private_space_name
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import ReportRecord

log = logging.getLogger("cocbot.delivery")
operator_log = logging.getLogger("cocbot.operator")

# Platform errors meaning "this conversation can no longer take the report": route elsewhere.
_SPACE_GONE = {"channel_not_found", "is_archived", "not_in_channel", "channel_is_archived"}


@dataclass(frozen=True)
class Placed:
    """A report whose space is settled for this outbox row, or that is held because nobody may read it."""

    report: ReportRecord
    held: bool = False
    # The committee channel's membership as routing fetched it a moment ago (see LiveMembers).
    live: LiveMembers | None = None


@dataclass
class Deliveries:
    db: Database
    config: CommunityConfig
    gate: PrivacyGate
    clock: Clock

    def register(self, worker: OutboxWorker) -> None:
        # A new report's delivery and confirmation: nothing else touches the report before they run.
        worker.register("deliver_report", self.deliver_report, with_report=True)
        worker.register("confirm_reporter", self.confirm_reporter, with_report=True)
        worker.register("tell_reporter_held", self.tell_reporter_held)
        worker.register("deliver_addendum", self.deliver_addendum)

    async def _report(self, item: ClaimedItem) -> ReportRecord:
        return await report_of(self.db, item)

    async def update(self, report: ReportRecord, **values: Any) -> ReportRecord:
        async with self.db.transaction() as session:
            fresh = await reports_q.update_and_get_report(session, report.id, **values)
        assert fresh is not None
        return fresh

    async def settle_space(self, report: ReportRecord, where: Placement, *, avoid_committee_channel: bool = False,
                           save_with_post: bool = False) -> Placed:
        """Give a report without a space one (committee channel, new private space or escalation DM), or hold
        it; then invite the readers of a private space not yet invited.

        `save_with_post`: a committee channel or escalation route is not written now but by the caller,
        with the post's ts in the transaction that settles the row (one transaction less per report).
        Nothing is created on the platform for those routes, so a retry after a crash simply routes
        again; a private space is still written before anyone is invited to it, and that its readers
        were invited is written with the post (a retry invites them again, which changes nothing).
        """
        live: LiveMembers | None = None
        if report.space_channel is None:
            route, live = await self._choose_route(report, where, avoid_committee_channel=avoid_committee_channel)
            log.info("routing %s: %s (%s)", report.ref, route.kind.value, route.reason)
            if route.kind == RouteKind.HELD:
                await self._hold(report, route)
                return Placed(report, held=True)
            if route.kind == RouteKind.PRIVATE_SPACE:
                channel = await self._create_space(report, where)
                # Persist the space before inviting so a retry never creates a second one.
                report = await self.update(report, space_kind=route.kind.value, space_channel=channel,
                                           space_invited=False)
                live = None
            else:
                if route.kind == RouteKind.ESCALATION:
                    operator_log.warning("report %s sent to the escalation contact: %s", report.ref, route.reason)
                report = dataclasses.replace(report, space_kind=route.kind.value, space_channel=route.channel,
                                             space_invited=True)
                if not save_with_post:
                    report = await self.update(report, space_kind=report.space_kind,
                                               space_channel=report.space_channel, space_invited=True)
        if report.space_kind == RouteKind.PRIVATE_SPACE and not report.space_invited:
            await self.gate.invite(report, report.space_channel or "", where.readers, where)
            if save_with_post:
                # Written with the post's ts, as the route above: inviting again after a crash in between
                # is harmless (those already in the space stay; nobody new is let in).
                report = dataclasses.replace(report, space_invited=True)
            else:
                report = await self.update(report, space_invited=True)
        return Placed(report, live=live)

    async def _choose_route(self, report: ReportRecord, where: Placement, *,
                            avoid_committee_channel: bool) -> tuple[Route, LiveMembers | None]:
        """The route, and the committee channel's live membership when it was fetched to decide it."""
        channel = where.space.channel
        members: frozenset[str] | None = None
        if not avoid_committee_channel and channel is not None:
            try:
                members = await where.messenger.channel_members(channel)
            except NotInChannel:
                members = None
        route = decide_route(
            committee_channel=channel,
            committee_members=where.space.members,
            escalation_contact=where.space.escalation_contact,
            blocked=where.blocked,
            channel_members=members,
            bot_user=await where.messenger.bot_user_id(),
        )
        return route, LiveMembers(channel, members) if members is not None and channel is not None else None

    async def _hold(self, report: ReportRecord, route: Route) -> None:
        operator_log.warning("report %s is held: %s. It is stored and nobody has been shown it.",
                             report.ref, route.reason)
        async with self.db.transaction() as session:
            await reports_q.update_report(session, report.id, delivery_state="held", space_kind="held")
            # With readers the reporter chose, they are asked whether the rest of the committee may see it.
            await outbox_q.enqueue(session, key=f"report:{report.id}:held",
                                   kind="readers_ask" if report.readers else "tell_reporter_held",
                                   report_id=report.id, now=self.clock.now(),
                                   payload={"why": "held"} if report.readers else None)

    async def _create_space(self, report: ReportRecord, where: Placement) -> str:
        prefix = self.config.reporting.private_space_prefix
        # Platforms that must name a private conversation's members when creating it get them here.
        self.gate.check(report, where.readers, where)
        for attempt in range(5):
            name = private_space_name(prefix, report.ref, attempt, secrets.token_hex(2) if attempt else "")
            try:
                return await where.messenger.create_private_space(name, members=where.readers)
            except DeliveryError as exc:
                if exc.code != "name_taken":
                    raise
        raise DeliveryError("name_taken", transient=True)

    async def deliver_report(self, item: ClaimedItem) -> dict[str, Any] | Done:
        report = await self._report(item)
        if report.message_ts:  # posted before a crash that kept the row from being settled
            return {"channel": report.space_channel, "ts": report.message_ts}
        if report.delivery_state == "held":
            return {"held": True}
        where = self.gate.place(report)
        placed = await self.settle_space(report, where, save_with_post=True)
        if placed.held:
            return {"held": True}
        report, live = placed.report, placed.live
        if report.flagged_ts and report.flagged_channel and not report.flagged_permalink:
            live = None  # another platform call in between: the gate fetches the members again
            link = await self.gate.messengers.on(report.platform).permalink(report.flagged_channel, report.flagged_ts)
            if link:  # with the route, which may not be written yet (save_with_post)
                report = await self.update(report, flagged_permalink=link, space_kind=report.space_kind,
                                           space_channel=report.space_channel, space_invited=report.space_invited)
        try:
            # The membership routing fetched a moment ago is this send's live check (no second fetch).
            posted = await self.gate.post_to_space(report, texts.committee_report(report, self.config), where=where,
                                                   live=live, key=item.key, earlier_since=item.earlier_since)
        except (PrivacyHold, DeliveryError) as exc:
            moved = await self._move_if_committee_channel(report, where, exc)
            if moved.held:
                return {"held": True}
            report = moved.report
            posted = await self.gate.post_to_space(report, texts.committee_report(report, self.config), where=where,
                                                   key=item.key, earlier_since=item.earlier_since)
        state = "escalated" if report.space_kind == RouteKind.ESCALATION else "delivered"
        settled = report

        async def record(session: AsyncSession) -> None:
            # Nothing reads the report after this, so no re-read; committed with the row's `done`. The
            # space is written here too: routing to the committee channel left it to this write.
            await reports_q.update_report(session, settled.id, message_ts=posted.ts, delivery_state=state,
                                          space_kind=settled.space_kind, space_channel=settled.space_channel,
                                          space_invited=settled.space_invited)
            await holds.after_delivery(session, settled.id, self.clock.now(), named=holds.names_people(settled))

        log.info("report %s delivered (%s)", report.ref, report.space_kind)
        return Done({"channel": posted.channel, "ts": posted.ts}, also=record)

    async def _move_if_committee_channel(self, report: ReportRecord, where: Placement, exc: Exception) -> Placed:
        """The committee channel changed between routing and posting: take the report to a private space."""
        if report.space_kind != RouteKind.COMMITTEE_CHANNEL:
            raise exc
        if isinstance(exc, DeliveryError) and exc.code not in _SPACE_GONE:
            raise exc
        operator_log.warning("report %s: the committee channel could not take it (%s); using a private space",
                             report.ref, exc if isinstance(exc, PrivacyHold) else getattr(exc, "code", exc))
        report = await self.update(report, space_kind=None, space_channel=None)
        return await self.settle_space(report, where, avoid_committee_channel=True)

    async def reporter_language(self, report: ReportRecord) -> Translator:
        """The reporter reads their own language (their platform profile); the committee reads its own."""
        if not reachable(report.reporter):
            return translator(self.config.community.language)
        return await self.gate.messengers.locales.translator_for(report.platform, report.reporter,
                                                                  self.config.community.language)

    async def confirm_reporter(self, item: ClaimedItem) -> dict[str, Any]:
        report = await self._report(item)
        message = texts.reporter_confirmation(report, self.config, await self.reporter_language(report))
        posted = await self.gate.post_to_reporter(report, message,
                                                  key=item.key, earlier_since=item.earlier_since)
        return _posted(posted)

    async def tell_reporter_held(self, item: ClaimedItem) -> dict[str, Any]:
        report = await self._report(item)
        message = texts.reporter_held(report, self.config, await self.reporter_language(report))
        posted = await self.gate.post_to_reporter(report, message,
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
            report, text, details_on_demand=self.config.triage.details_on_demand,
            tr=translator(self.config.community.language)),
                                               thread=report.message_ts, key=item.key, earlier_since=item.earlier_since)
        return _posted(posted)


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
