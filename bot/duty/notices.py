"""Announcements and reminders as outbox rows: what to tell whom, and when, for a shift or a call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty.roster import Occurrence, Shift
from cocbot.bot.duty.times import iso as _iso


@dataclass(frozen=True)
class Notice:
    """An outbox row to write: its idempotency key makes writing it again a no-op."""

    key: str
    kind: str
    due_at: datetime
    payload: dict[str, object] = field(default_factory=dict)


ANNOUNCE = "duty_announce"
REMIND = "duty_remind"
ASSIGNED = "duty_assigned"  # a DM to someone put on duty by another person (schedule, handover)


def shift_notices(shift: Shift, now: datetime, config: CommunityConfig) -> list[Notice]:
    """The announcement in each covered channel at the start, and the facilitator's reminder before it."""
    out: list[Notice] = []
    if shift.end <= now:
        return out
    targets = sorted(shift.channels) if shift.channels else (
        [config.duty.announce_channel] if config.duty.announce_channel else [])
    for ch in targets:
        out.append(Notice(f"announce:shift:{shift.id}:{ch}", ANNOUNCE, max(shift.start, now),
                          {"shift": shift.id, "channel": ch}))
    # A shift covering every channel reaches the "*" topic even where no Slack channel announces it.
    general = [] if shift.channels else [Notice(f"announce:shift:{shift.id}:*", ANNOUNCE, max(shift.start, now),
                                                {"shift": shift.id, "channel": "*"})]
    out.extend(topic_notices([*out, *general], config))
    lead = timedelta(minutes=config.duty.reminder_minutes)
    if shift.start > now and lead:
        out.append(Notice(f"remind:shift:{shift.id}:{shift.facilitator}", REMIND, max(shift.start - lead, now),
                          {"shift": shift.id, "user": shift.facilitator}))
    return out


def assigned_notice(shift: Shift, by: str, now: datetime) -> Notice | None:
    """Tell a facilitator at once when someone else puts them on duty."""
    if by == shift.facilitator or shift.end <= now:
        return None
    return Notice(f"assigned:shift:{shift.id}:{shift.facilitator}", ASSIGNED, now,
                  {"shift": shift.id, "user": shift.facilitator, "by": by})


def occurrence_notices(occ: Occurrence, now: datetime, config: CommunityConfig) -> list[Notice]:
    out: list[Notice] = []
    if occ.end <= now:
        return out
    slot = _iso(occ.slot)
    out.append(Notice(f"announce:call:{occ.call_id}:{_iso(occ.start)}", ANNOUNCE, max(occ.start, now),
                      {"call": occ.call_id, "slot": slot, "start": _iso(occ.start), "channel": occ.channel}))
    out.extend(topic_notices(out, config))
    lead = timedelta(minutes=config.duty.reminder_minutes)
    if occ.facilitator and occ.start > now and lead:
        out.append(Notice(f"remind:call:{occ.call_id}:{_iso(occ.start)}:{occ.facilitator}", REMIND,
                          max(occ.start - lead, now),
                          {"call": occ.call_id, "slot": slot, "start": _iso(occ.start), "user": occ.facilitator}))
    return out


def handover_notice(channel: str, old: str, new: str, at: datetime, ref: str) -> Notice:
    return Notice(f"announce:handover:{ref}:{_iso(at)}", ANNOUNCE, at,
                  {"handover": ref, "channel": channel, "from": old, "to": new})


def topic_notices(announcements: list[Notice], config: CommunityConfig) -> list[Notice]:
    """The same announcements for the Discourse topics `duty.discourse_topics` names, one row per topic.

    Keyed per topic rather than per Slack channel, so a shift covering several channels that share a
    topic is announced there once."""
    out: dict[str, Notice] = {}
    mapping = config.duty.discourse_topics
    for notice in announcements:
        if notice.kind != ANNOUNCE or notice.payload.get("platform"):
            continue
        channel = str(notice.payload.get("channel"))
        for topic in sorted({t for c, t in mapping.items() if c in (channel, "*")}):
            base = f"announce:shift:{notice.payload['shift']}" if "shift" in notice.payload else notice.key
            key = f"{base}:topic:{topic}"
            out.setdefault(key, Notice(key, ANNOUNCE, notice.due_at,
                                       {**notice.payload, "channel": f"topic:{topic}", "platform": "discourse"}))
    return list(out.values())

