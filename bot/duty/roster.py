"""Who is on duty where: shifts, call occurrences and who may manage them. Pure functions over plain values.

Intervals are half-open, [start, end): at a handover instant the person taking over is on duty and the
person handing over is not, so there is never a moment with nobody (or two people) at the boundary.
Times are aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from collections.abc import Iterable, Sequence

from cocbot.bot.config.community import CommunityConfig

# ---------------------------------------------------------------- who may do what


def facilitators(config: CommunityConfig) -> frozenset[str]:
    return frozenset(config.duty.facilitators) | frozenset(config.committee.members)


def is_facilitator(user: str, config: CommunityConfig) -> bool:
    return user in facilitators(config)


def duty_timezone(config: CommunityConfig) -> str:
    return config.duty.timezone or config.policy.timezone


# ---------------------------------------------------------------- duty entries


@dataclass(frozen=True)
class Shift:
    """A shift as the domain sees it. `channels` empty means every channel."""

    id: int
    facilitator: str
    channels: frozenset[str]
    start: datetime
    end: datetime

    @property
    def all_channels(self) -> bool:
        return not self.channels


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a call; `slot` identifies it even when the calendar moves it."""

    id: int
    call_id: int
    call_name: str
    channel: str
    slot: datetime
    start: datetime
    end: datetime
    facilitator: str | None


Entry = Shift | Occurrence


def covers(entry: Entry, channel: str) -> bool:
    if isinstance(entry, Occurrence):
        return entry.channel == channel
    return entry.all_channels or channel in entry.channels


def active(entry: Entry, at: datetime) -> bool:
    return entry.start <= at < entry.end


def on_duty(entries: Iterable[Entry], channel: str, at: datetime) -> list[Entry]:
    """Who is on duty in `channel` at `at`: its calls and its own shifts; general cover only if neither."""
    here = [e for e in entries if covers(e, channel) and active(e, at)]
    specific = [e for e in here if isinstance(e, Occurrence) or not e.all_channels]
    chosen = specific or here
    return sorted(chosen, key=lambda e: (e.start, isinstance(e, Shift), e.id))


def next_up(entries: Iterable[Entry], channel: str, at: datetime) -> Entry | None:
    """The next duty to start in `channel` after `at` (one that starts exactly at a current end counts)."""
    upcoming = [e for e in entries if covers(e, channel) and e.start > at]
    if not upcoming:
        return None
    # A channel's own shift or call beats general cover starting at the same moment.
    return min(upcoming, key=lambda e: (e.start, isinstance(e, Shift) and e.all_channels, e.id))


@dataclass(frozen=True)
class Status:
    channel: str
    now: list[Entry]
    next: Entry | None


def status(entries: Sequence[Entry], channel: str, at: datetime) -> Status:
    return Status(channel, on_duty(entries, channel, at), next_up(entries, channel, at))


def conflicts(facilitator: str, channels: frozenset[str], start: datetime, end: datetime,
              shifts: Iterable[Shift], *, ignore: frozenset[int] = frozenset()) -> list[Shift]:
    """Existing shifts a new one would clash with.

    Two shifts clash when their times overlap and they cover the same channel (or both cover every
    channel): a channel has one clear point of contact at a time. A channel's own shift may run during
    general cover — it simply takes precedence there. The same person overlapping themselves on the same
    channels is a clash too (a double booking).
    """
    out = []
    for s in shifts:
        if s.id in ignore or not (s.start < end and start < s.end):
            continue
        if (not channels and s.all_channels) or (channels & s.channels):
            out.append(s)
    return out

