"""Deadlines and reminders: the hooks other domain code calls inside its own transaction.

Reminders are outbox rows with a future due time, so they share the outbox's durability, privacy gate
and exactly-once claiming. The functions below are the contract used by intake and triage; they only
write outbox rows (in the caller's transaction) and never talk to a platform.

Keys carry the instant the plan was made from (submission, acknowledgement or reopening), so a plan made
again after a reopen gets fresh rows instead of colliding with the cancelled ones.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.reminders import deadlines
from cocbot.bot.config.community import CommunityConfig
from cocbot.storage import duty as duty_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.reports import ReportRecord

log = logging.getLogger("cocbot.reminders")

ACK_KINDS: tuple[str, ...] = ("reminder_ack", "escalation_ack")
RESPOND_KINDS: tuple[str, ...] = ("reminder_respond",)

# "Is an on-duty shift or call active in channel C at time T?" — asked in the caller's transaction.
EventPredicate = Callable[[AsyncSession, str, datetime], Awaitable[bool]]


async def no_events(session: AsyncSession, channel: str, when: datetime) -> bool:
    return False


async def duty_event_predicate(session: AsyncSession, channel: str, when: datetime) -> bool:
    """Event mode: an on-duty shift or call is active in the channel (storage/duty.py)."""
    return bool(await duty_q.active_in_channel(session, channel, when))


def _stamp(when: datetime) -> int:
    return int(when.timestamp())


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat()


async def schedule_ack(session: AsyncSession, report_id: int, start: datetime, config: CommunityConfig, *,
                       event_mode: bool = False, also: Sequence[outbox_q.NewItem] = ()) -> deadlines.AckPlan:
    """Enqueue the reminders before the acknowledgement deadline and the first escalation at it, after the
    rows in `also` (the caller's own, written by the same statement)."""
    calendar = deadlines.calendar_from_policy(config.policy)
    plan = deadlines.ack_plan(start, config.policy, calendar, event_mode=event_mode)
    stamp = _stamp(start)
    common = {"deadline": _iso(plan.deadline), "start": _iso(start), "event": event_mode}
    rows = [*also]
    rows += [outbox_q.NewItem(key=f"report:{report_id}:reminder_ack:{stamp}:{n}", kind="reminder_ack",
                              report_id=report_id, payload={**common, "n": n}, due_at=at)
             for n, at in enumerate(plan.reminders)]
    # The escalation row fans out to one row per recipient when it fires and schedules the next round.
    rows.append(outbox_q.NewItem(key=f"report:{report_id}:escalation_ack:{stamp}:0", kind="escalation_ack",
                                 report_id=report_id, payload={**common, "round": 0}, due_at=plan.deadline))
    # One statement for all of them: this runs inside every report's intake transaction.
    await outbox_q.enqueue_many(session, rows, now=start)
    return plan


async def schedule_respond(session: AsyncSession, report_id: int, acknowledged: datetime,
                           config: CommunityConfig) -> datetime:
    calendar = deadlines.calendar_from_policy(config.policy)
    deadline = deadlines.respond_deadline(acknowledged, config.policy, calendar)
    at = deadlines.respond_reminder_time(acknowledged, config.policy, calendar)
    await outbox_q.enqueue(session, key=f"report:{report_id}:reminder_respond:{_stamp(acknowledged)}",
                           kind="reminder_respond", report_id=report_id,
                           payload={"deadline": _iso(deadline), "start": _iso(acknowledged)},
                           now=acknowledged, due_at=at)
    return deadline


def _failed_statement_aborts_transaction(session: AsyncSession) -> bool:
    """PostgreSQL refuses every later statement of a transaction in which one failed; SQLite does not.

    On SQLite a failed read leaves the transaction usable, so the savepoint (two more statements inside
    every report's intake) buys nothing there.
    """
    return session.bind is None or session.bind.dialect.name != "sqlite"


async def on_report_stored(session: AsyncSession, report: ReportRecord, now: datetime,
                           config: CommunityConfig, *, is_event: EventPredicate = duty_event_predicate,
                           also: Sequence[outbox_q.NewItem] = ()) -> None:
    """Schedule the acknowledgement reminders for a newly stored report. `also`: the caller's own rows for
    the report (its delivery, say), written first by the same statement: one INSERT per report's intake."""
    event_mode = False
    channel = report.where_channel or report.flagged_channel
    if channel:
        try:
            if _failed_statement_aborts_transaction(session):
                # A savepoint, so a failing question cannot abort the transaction that stores the report.
                async with session.begin_nested():
                    event_mode = await is_event(session, channel, now)
            else:
                event_mode = await is_event(session, channel, now)
        except Exception:
            log.exception("could not tell whether %s is in event mode; using the normal target", report.ref)
    if event_mode:
        await reports_q.update_report(session, report.id, event_mode=True)
    await schedule_ack(session, report.id, now, config, event_mode=event_mode, also=also)


async def on_acknowledged(session: AsyncSession, report_id: int, now: datetime, config: CommunityConfig) -> None:
    """Cancel pending acknowledgement reminders at once; schedule the response-deadline reminder."""
    await outbox_q.cancel(session, report_id=report_id, kinds=ACK_KINDS, now=now)
    # A repeated acknowledgement replaces the plan rather than adding a second reminder.
    await outbox_q.cancel(session, report_id=report_id, kinds=RESPOND_KINDS, now=now)
    await schedule_respond(session, report_id, now, config)


async def on_closed(session: AsyncSession, report_id: int, now: datetime) -> None:
    """Cancel every pending reminder for the report."""
    await outbox_q.cancel(session, report_id=report_id, kinds=ACK_KINDS + RESPOND_KINDS, now=now)


async def on_reopened(session: AsyncSession, report_id: int, now: datetime, config: CommunityConfig) -> None:
    """Schedule what a reopened report needs again, counted from the reopening.

    A report that goes back to `new` needs acknowledging again; one that is still acknowledged needs a
    response again.
    """
    await outbox_q.cancel(session, report_id=report_id, kinds=ACK_KINDS + RESPOND_KINDS, now=now)
    report = await reports_q.get_report(session, report_id)
    if report is None:
        return
    if report.state == "new":
        await schedule_ack(session, report_id, now, config)
    else:
        await schedule_respond(session, report_id, now, config)
