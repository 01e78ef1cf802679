"""What storing a report means for held reports, inside the transaction that stores it: the report's people
are indexed, held reports by someone else naming one of them are released (a match), and a report its
reporter asked to hold is held when nothing matches it yet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.config.durations import parse_duration
from cocbot.bot.earlier import rows as earlier_delivery
from cocbot.bot.earlier.service import index
from cocbot.bot.reminders import hooks as reminders
from cocbot.bot.reports.spaces import same_people
from cocbot.storage import earlier as earlier_q
from cocbot.storage import holds as holds_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage.holds import HoldState
from cocbot.storage.reports import ReportRecord

# Rows about a held report: its confirmation and the expiry clock, cancelled when the hold ends.
CONFIRM, WARN, EXPIRE, RELEASED, WITHDRAWN, MARKER = (
    "hold_confirm", "hold_warn", "hold_expire", "hold_released", "hold_withdrawn", "hold_marker")
CLOCK_KINDS = (WARN, EXPIRE)
# The newest reports naming the same people that a new report is checked against (held ones among them).
MATCH_LIMIT = 200


def wants_hold(hold: bool, report: ReportRecord) -> bool:
    """A hold needs someone to match: a report naming nobody is sent as usual."""
    return hold and bool(report.implicated or report.flagged_author)


async def release(session: AsyncSession, report: ReportRecord, now: datetime, config: CommunityConfig, *,
                  by_match: bool) -> bool:
    """Send a held report to its committee from now on, as if it had just been filed (its routing, the privacy
    gate, reminders counted from now). False when it was no longer held."""
    if not await holds_q.settle(session, report.id, state=HoldState.MATCHED if by_match else HoldState.RELEASED,
                                now=now):
        return False
    await outbox_q.cancel(session, report_id=report.id, kinds=CLOCK_KINDS, now=now)
    items = [outbox_q.NewItem(key=f"report:{report.id}:deliver", kind="deliver_report", report_id=report.id),
             outbox_q.NewItem(key=f"report:{report.id}:hold:released", kind=RELEASED, report_id=report.id,
                              payload={"by_match": by_match})]
    await outbox_q.enqueue_many(session, items, now=now)
    await reminders.on_report_stored(session, report, now, config)
    return True


async def end(session: AsyncSession, report_id: int, now: datetime, *, state: str) -> bool:
    """Withdraw or expire a held report: its content and index entries are deleted, only the reporter is
    kept to tell them. False when it was no longer held."""
    if not await holds_q.settle(session, report_id, state=state, now=now):
        return False
    await outbox_q.cancel(session, report_id=report_id, kinds=CLOCK_KINDS, now=now)
    await holds_q.erase_content(session, report_id)
    await earlier_q.forget_people(session, report_id)
    return True


async def on_report_stored(session: AsyncSession, report: ReportRecord, *, hold: bool, now: datetime,
                           config: CommunityConfig) -> bool:
    """Index, match and hold. Returns True when the new report is held (then nothing else is sent for it but
    the reporter's confirmation, written here); otherwise the caller sends it as usual."""
    people = await index(session, report, config, fresh=True)
    reporter = same_people((report.reporter,), config)
    matched = False
    if people:
        found = await earlier_q.reports_naming_people(session, people, other_than=report.id, limit=MATCH_LIMIT,
                                                      held_only=True)
        for held in (n.report for n in found if n.hold == HoldState.HELD):
            if same_people((held.reporter,), config) & reporter:
                continue  # a second report by the same person is not "someone else"
            matched = await release(session, held, now, config, by_match=True) or matched
    if not wants_hold(hold, report):
        return False
    expires_at = now + parse_duration(config.holds.expire_after)
    await holds_q.add_hold(session, report.id, now=now, expires_at=expires_at)
    if matched:
        # Asked to be held, but someone else has already named the same person: both go now (the caller
        # sends this one as any other report).
        await holds_q.settle(session, report.id, state=HoldState.MATCHED, now=now)
        return False
    warn_at = expires_at - parse_duration(config.holds.warn_before)
    await outbox_q.enqueue_many(session, [
        outbox_q.NewItem(key=f"report:{report.id}:hold:confirm", kind=CONFIRM, report_id=report.id),
        outbox_q.NewItem(key=f"report:{report.id}:hold:warn", kind=WARN, report_id=report.id, due_at=warn_at),
        outbox_q.NewItem(key=f"report:{report.id}:hold:expire", kind=EXPIRE, report_id=report.id, due_at=expires_at),
    ], now=now)
    return True


def names_people(report: ReportRecord) -> bool:
    """Whether a report names anyone: a report naming nobody has no earlier cases and was never held."""
    return bool(report.implicated or report.flagged_author)


async def after_delivery(session: AsyncSession, report_id: int, now: datetime, *, named: bool = True) -> None:
    """Rows written with a report's first post in its space, so they find it there: the earlier-cases
    listing, and the "released by a match" note.

    `named=False` (names_people: the report names nobody): neither can have anything to say (a listing is of
    cases naming the same people, and only a report naming someone is ever held), so nothing is written
    or read: a row per report that would only end as "none" costs a claim, a read and a settle."""
    if not named:
        return
    items = [earlier_delivery.row(report_id)]
    hold = await holds_q.get_hold(session, report_id)
    if hold is not None and hold.by_match:
        items.append(outbox_q.NewItem(key=f"report:{report_id}:hold:marker", kind=MARKER, report_id=report_id))
    await outbox_q.enqueue_many(session, items, now=now)
