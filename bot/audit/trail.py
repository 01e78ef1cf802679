"""Recording what happens to a case beyond the committee's clicks: the report being filed, the reporter's
additions, reminders and escalations sent, committee changes, exports and purges.

Entries hold an action, a time, who (a committee member, or nobody for cocbot and the reporter: an
anonymous reporter stays anonymous here too) and non-content facts. They are only ever appended; the purge
may blank who (storage/audit.py), nothing else changes or deletes one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import Clock
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.storage import audit as audit_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem

# The outbox kinds whose delivery is a step of the case, and the action each records.
SENT = {"reminder_ack": "reminder_sent", "reminder_respond": "reminder_sent", "escalation_ack": "escalation_sent"}


async def record(session: AsyncSession, *, report_id: int, action: str, now: datetime, actor: str | None = None,
                 **detail: Any) -> int:
    """Append one entry to the case's trail, in the caller's transaction (a purge records itself with
    action="purge" before it blanks the actors)."""
    return await audit_q.append(session, report_id=report_id, action=action, now=now, actor=actor, detail=detail)


async def record_purges(session: AsyncSession, report_ids: list[int], now: datetime) -> None:
    """The purge's own entry in each purged case's trail, for a whole batch at once."""
    await audit_q.append_many(session, report_ids, action="purge", now=now)


def record_deliveries(worker: OutboxWorker, db: Database, clock: Clock) -> None:
    """Record each reminder and escalation once it reached someone (not the skipped ones)."""
    async def sent(item: ClaimedItem, result: dict[str, Any]) -> None:
        if item.report_id is None or "skipped" in result:
            return
        if item.kind == "escalation_ack" and "user" not in item.payload:
            return  # the fan-out only schedules the DMs; each DM is recorded when it is sent
        async with db.transaction() as session:
            await record(session, report_id=item.report_id, action=SENT[item.kind], now=clock.now(),
                         kind=item.kind)

    for kind in SENT:
        worker.after(kind, sent)
