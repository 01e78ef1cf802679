"""At start-up: compare the config's committee with the membership stored last time, record who joined and
who left (with the date), and put the change into the open cases.

A member who left is removed from the private spaces cocbot opened for open cases (an outbox row each);
a member who joined is invited to them, through the privacy gate like every invitation. Both are noted
in each open case's audit trail. What a member may do is then decided by the config at every action
(bot/triage/service.py), with the joining dates returned here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reports.routing import RouteKind
from cocbot.bot.earlier import rows as earlier_rows
from cocbot.storage import committees as committees_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage import triage as triage_q
from cocbot.storage.db import Database


@dataclass(frozen=True)
class Sync:
    joined: tuple[str, ...]
    left: tuple[str, ...]
    # member → when they joined, for members who joined after the list was first kept.
    joined_at: dict[str, datetime]


def committee_platform(config: CommunityConfig) -> str:
    return config.committee.platform


async def sync(db: Database, config: CommunityConfig, clock: Clock) -> Sync:
    platform = committee_platform(config)
    members = set(config.committee.members)
    now = clock.now()
    async with db.transaction() as session:
        await committees_q.lock(session)
        first = not await committees_q.changes(session, platform)
        stored = await committees_q.current(session, platform)
        joined = sorted(members - set(stored))
        left = sorted(set(stored) - members)
        for member in joined:
            await committees_q.record(session, platform=platform, member=member, change="joined", now=now,
                                      founding=first)
        for member in left:
            await committees_q.record(session, platform=platform, member=member, change="left", now=now)
        if not first and (joined or left):
            stamp = int(now.timestamp())
            for report_id, space_kind, channel in await committees_q.open_cases(session):
                # Before anyone is invited: the earlier-cases listing shown again for the new committee (a
                # case a new member may not read leaves it; one a departed member blocked may join it).
                await outbox_q.enqueue_many(session, [earlier_rows.refresh_row(report_id, f"committee:{stamp}")],
                                            now=now)
                for member in left:
                    await triage_q.append_audit(session, report_id=report_id, actor=None, action="committee_left",
                                                now=now, detail={"member": member})
                for member in joined:
                    await triage_q.append_audit(session, report_id=report_id, actor=None,
                                                action="committee_joined", now=now, detail={"member": member})
                if space_kind != RouteKind.PRIVATE_SPACE or not channel:
                    continue
                for member in left:
                    await outbox_q.enqueue(session, key=f"report:{report_id}:committee_remove:{member}:{stamp}",
                                           kind="committee_remove", report_id=report_id, now=now,
                                           payload={"member": member, "channel": channel})
                for member in joined:
                    await outbox_q.enqueue(session, key=f"report:{report_id}:committee_invite:{member}:{stamp}",
                                           kind="committee_invite", report_id=report_id, now=now,
                                           payload={"member": member, "channel": channel})
        current = await committees_q.current(session, platform)
    return Sync(tuple(joined), tuple(left),
                {m: c.at for m, c in current.items() if not c.founding})


async def history(db: Database) -> list[committees_q.Change]:
    async with db.transaction() as session:
        return await committees_q.changes(session)
