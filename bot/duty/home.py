"""What a person's App Home shows, decided without any platform: duty for everyone, upcoming shifts for
facilitators, and report counts and references (never content) for the committee.

A committee member is shown only the reports they may read: a reference to a report they are implicated
in, excluded from or recused from would itself tell them that such a report exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from collections.abc import Sequence

from cocbot.bot.reminders import deadlines as shared_deadlines
from cocbot.bot.duty import roster
from cocbot.bot.config.community import CommunityConfig
from cocbot.storage.duty import OpenReport


@dataclass(frozen=True)
class DeadlineItem:
    ref: str
    which: str  # "acknowledge" | "respond"
    due: datetime
    past: bool


@dataclass(frozen=True)
class CommitteeSummary:
    open_count: int
    unacknowledged: int
    deadlines: tuple[DeadlineItem, ...]  # near or past, most urgent first


@dataclass(frozen=True)
class HomeModel:
    viewer: str
    on_duty: tuple[roster.Entry, ...]
    next_up: tuple[roster.Entry, ...]
    my_upcoming: tuple[roster.Entry, ...] | None  # None: the viewer is not a facilitator
    committee: CommitteeSummary | None  # None: not on the committee


def may_see(report: OpenReport, viewer: str, config: CommunityConfig) -> bool:
    if viewer in report.blocked:
        return False
    if report.space_kind == "escalation":
        return viewer == config.committee.escalation_contact
    return viewer in config.committee.members


def _acknowledged(report: OpenReport) -> bool:
    if report.acknowledged_at is not None:
        return True
    return report.state not in ("new", "open", "received")


def _deadline(r: OpenReport, config: CommunityConfig) -> tuple[str, datetime, timedelta] | None:
    """(which, due, window) exactly as the reminders count it."""
    current = shared_deadlines.current_deadline(
        "new" if not _acknowledged(r) else r.state, created_at=r.created_at, acknowledged_at=r.acknowledged_at,
        reopened_at=r.reopened_at, policy=config.policy, calendar=shared_deadlines.calendar_from_policy(config.policy),
        event_mode=r.event_mode)
    if current is None:
        return None
    label, due = current
    if label.lower().startswith("acknowledge"):
        return "acknowledge", due, timedelta(hours=config.policy.acknowledge_within_hours)
    return "respond", due, timedelta(days=config.policy.respond_within_days)


def deadlines(reports: Sequence[OpenReport], now: datetime, config: CommunityConfig) -> list[DeadlineItem]:
    """Deadlines that are past or close: within a quarter of their window, and at most a day away."""
    out = []
    for r in reports:
        found = _deadline(r, config)
        if found is None:
            continue
        which, due, window = found
        if due - now <= min(window / 4, timedelta(days=1)):
            out.append(DeadlineItem(r.ref, which, due, due <= now))
    return sorted(out, key=lambda d: d.due)


def committee_summary(reports: Sequence[OpenReport], viewer: str, now: datetime,
                      config: CommunityConfig) -> CommitteeSummary:
    visible = [r for r in reports if may_see(r, viewer, config)]
    return CommitteeSummary(len(visible), sum(1 for r in visible if not _acknowledged(r)),
                            tuple(deadlines(visible, now, config)))


def home(viewer: str, entries: Sequence[roster.Entry], reports: Sequence[OpenReport] | None, now: datetime,
         config: CommunityConfig) -> HomeModel:
    current = tuple(sorted((e for e in entries if roster.active(e, now)), key=lambda e: (e.end, e.id)))
    upcoming = sorted((e for e in entries if e.start > now), key=lambda e: (e.start, e.id))
    mine = None
    if roster.is_facilitator(viewer, config):
        mine = tuple(e for e in (*current, *upcoming) if e.facilitator == viewer)[:10]
    committee = None
    if reports is not None and (viewer in config.committee.members or viewer == config.committee.escalation_contact):
        committee = committee_summary(reports, viewer, now, config)
    return HomeModel(viewer, current, tuple(upcoming[:5]), mine, committee)
