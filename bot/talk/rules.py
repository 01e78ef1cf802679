"""Who may be a party to a talk-first conversation, and when an unanswered one falls due. Pure functions.

The member picks whom to talk to, or takes the facilitator on duty where they are. Nobody the member named
or excluded is ever a party (across platforms, through the identity map), nor the member themselves; a
conversation about the facilitator on duty takes the path that bypasses them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.config.durations import parse_duration
from cocbot.bot.duty import roster
from cocbot.bot.reminders.deadlines import WorkingCalendar
from cocbot.bot.reports.spaces import same_people


def helpers(config: CommunityConfig, platform: str) -> frozenset[str]:
    """Everyone who may take a conversation on `platform`: facilitators and committee members, by their id
    there (a Slack committee's people reach the forum through the identity map)."""
    people = roster.facilitators(config)
    if platform == "discourse" and config.uses_slack:
        identities = config.discourse.identities if config.discourse is not None else {}
        return frozenset(identities[p] for p in people if p in identities)
    return people


def barred(member: str, excluded: Iterable[str], config: CommunityConfig) -> frozenset[str]:
    """Who must never be a party: the member's named or excluded people, as themselves on every platform."""
    return same_people(frozenset(excluded), config) | frozenset({member})


def eligible(person: str | None, member: str, excluded: Iterable[str], config: CommunityConfig,
             platform: str) -> bool:
    return person is not None and person in helpers(config, platform) - barred(member, excluded, config)


def on_duty_helper(on_duty: Iterable[str], member: str, excluded: Iterable[str], config: CommunityConfig,
                   platform: str) -> str | None:
    """The first facilitator on duty here who may take the conversation; None when there is none (then the
    member picks someone)."""
    return next((p for p in on_duty if eligible(p, member, excluded, config, platform)), None)


def add_working_time(start: datetime, amount: timedelta, calendar: WorkingCalendar) -> datetime:
    """`start` plus `amount` of working time: the clock only runs during working hours on working days
    (2 h asked at 16:30 on a Friday fall due at 10:30 on Monday)."""
    left = amount
    at = start.astimezone(timezone.utc)
    for _ in range(800):  # a working day every year (the calendar checks that) bounds this
        if not calendar.is_working_time(at):
            at = _next_start(at, calendar)
        end = calendar.end_of_day(at.astimezone(calendar.tz).date())
        if at + left <= end:
            return at + left
        left -= end - at
        at = end + timedelta(microseconds=1)
    raise ValueError("the working calendar has too few working hours")


def _next_start(at: datetime, calendar: WorkingCalendar) -> datetime:
    local = at.astimezone(calendar.tz)
    day = local.date()
    if calendar.is_working_day(day) and local.time().replace(tzinfo=None) < calendar.day_start:
        return datetime.combine(day, calendar.day_start, tzinfo=calendar.tz).astimezone(timezone.utc)
    for _ in range(366):
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            return datetime.combine(day, calendar.day_start, tzinfo=calendar.tz).astimezone(timezone.utc)
    raise ValueError("the working calendar has no working day within a year")


def answer_due(start: datetime, config: CommunityConfig, calendar: WorkingCalendar) -> datetime:
    return add_working_time(start, parse_duration(config.talk.answer_within), calendar)
