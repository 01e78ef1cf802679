"""Deadline arithmetic: when the committee's promises fall due. Pure functions of plain values.

All instants are timezone-aware and returned in UTC. Durations are counted in real elapsed time (24 h is
24 h even across a DST change); the working calendar is applied in the committee's own time zone, so
"the end of the next working day" is 17:00 on the committee's wall clock whatever UTC says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from collections.abc import Callable
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from cocbot.bot.config.community import WEEKDAYS, Policy
from cocbot.bot.i18n.catalogs import N_, Translator, english
from cocbot.bot.i18n.formatting import MOMENT

# A calendar with no working day in a year is a configuration mistake, not a reason to loop forever.
_MAX_DAYS_AHEAD = 366


def _never(_: date) -> bool:
    return False


@dataclass(frozen=True)
class WorkingCalendar:
    tz: ZoneInfo
    working_days: frozenset[int] = frozenset(range(5))  # date.weekday(): Monday is 0
    day_start: time = time(9, 0)
    day_end: time = time(17, 0)  # time.max stands for "24:00"
    is_holiday: Callable[[date], bool] = field(default=_never)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days and not self.is_holiday(day)

    def is_working_time(self, when: datetime) -> bool:
        local = when.astimezone(self.tz)
        return self.is_working_day(local.date()) and self.day_start <= local.time().replace(tzinfo=None) <= self.day_end

    def end_of_day(self, day: date) -> datetime:
        if self.day_end == time.max:
            # 24:00 is the next day's midnight on the wall clock (23 or 25 h later on DST days).
            return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz).astimezone(timezone.utc)
        return datetime.combine(day, self.day_end, tzinfo=self.tz).astimezone(timezone.utc)

    def end_of_next_working_day(self, when: datetime) -> datetime:
        """The end of the working day on which work can next happen after `when`.

        Before the day starts on a working day that is the same day; after it ends, or on a weekend or
        holiday, it is the next working day.
        """
        local = when.astimezone(self.tz)
        day = local.date()
        if not (self.is_working_day(day) and local.time().replace(tzinfo=None) < self.day_start):
            day += timedelta(days=1)
        for _ in range(_MAX_DAYS_AHEAD):
            if self.is_working_day(day):
                return self.end_of_day(day)
            day += timedelta(days=1)
        raise ValueError("the working calendar has no working day within a year")

    def next_working_moment(self, when: datetime) -> datetime:
        """`when` itself if it is within working time, else the end of the next working day."""
        if self.is_working_time(when):
            return when.astimezone(timezone.utc)
        return self.end_of_next_working_day(when)


def _parse_hours(spec: str) -> tuple[time, time]:
    start, end = spec.split("-")
    h1, m1 = (int(x) for x in start.split(":"))
    h2, m2 = (int(x) for x in end.split(":"))
    return time(h1, m1), (time.max if h2 == 24 else time(h2, m2))


def calendar_from_policy(policy: Policy) -> WorkingCalendar:
    is_holiday: Callable[[date], bool] = _never
    if policy.holidays_country:
        import holidays

        calendar = holidays.country_holidays(policy.holidays_country, subdiv=policy.holidays_subdivision)
        is_holiday = calendar.__contains__
    start, end = _parse_hours(policy.working_hours)
    return WorkingCalendar(
        tz=ZoneInfo(policy.timezone),
        working_days=frozenset(WEEKDAYS.index(d) for d in policy.working_days),
        day_start=start,
        day_end=end,
        is_holiday=is_holiday,
    )


@dataclass(frozen=True)
class AckPlan:
    """What acknowledging one report involves: the deadline, reminders before it, escalations after."""

    deadline: datetime
    reminders: tuple[datetime, ...]
    event_mode: bool


def acknowledge_deadline(submitted: datetime, policy: Policy, calendar: WorkingCalendar, *,
                         event_mode: bool = False) -> datetime:
    """When a report must be acknowledged by.

    Normally `acknowledge_within_hours` after submission, moved to the end of the next working day when
    that falls outside working days or hours. At a live event (a shift or call active in the channel) the
    shorter event target applies as is: on-duty people work weekends and evenings.
    """
    if event_mode:
        return (submitted + timedelta(hours=policy.event_acknowledge_within_hours)).astimezone(timezone.utc)
    return calendar.next_working_moment(submitted + timedelta(hours=policy.acknowledge_within_hours))


def ack_plan(submitted: datetime, policy: Policy, calendar: WorkingCalendar, *, event_mode: bool = False) -> AckPlan:
    deadline = acknowledge_deadline(submitted, policy, calendar, event_mode=event_mode)
    reminders = tuple(
        (submitted + timedelta(hours=h)).astimezone(timezone.utc)
        for h in policy.ack_reminder_hours
        if submitted + timedelta(hours=h) < deadline
    )
    return AckPlan(deadline=deadline, reminders=reminders, event_mode=event_mode)


def escalation_round(deadline: datetime, now: datetime, repeat: timedelta) -> int:
    """Which escalation is due at `now`: 0 at the deadline, then one more per `repeat` (never negative)."""
    if now <= deadline:
        return 0
    return int((now - deadline) // repeat)


def escalation_time(deadline: datetime, round_: int, repeat: timedelta) -> datetime:
    return deadline + repeat * round_


def respond_deadline(acknowledged: datetime, policy: Policy, calendar: WorkingCalendar) -> datetime:
    """The promised response (a resolution or an explanation), counted from acknowledgement."""
    return calendar.next_working_moment(acknowledged + timedelta(days=policy.respond_within_days))


def respond_reminder_time(acknowledged: datetime, policy: Policy, calendar: WorkingCalendar) -> datetime:
    deadline = respond_deadline(acknowledged, policy, calendar)
    at = deadline - timedelta(hours=policy.respond_reminder_before_hours)
    return max(at, acknowledged.astimezone(timezone.utc))


def describe_age(delta: timedelta, tr: Translator = english()) -> str:
    """"3 h", "1 d 4 h", "25 min": an age or a remaining time in words that fit a fact line."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return tr.gettext("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if minutes and hours < 3:
            return tr.gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
        return tr.gettext("%(hours)d h") % {"hours": hours}
    days, hours = divmod(hours, 24)
    if hours:
        return tr.gettext("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    return tr.gettext("%(days)d d") % {"days": days}


def describe_deadline(deadline: datetime, calendar: WorkingCalendar, tr: Translator = english()) -> str:
    local = deadline.astimezone(calendar.tz)
    return f"{_moment(local.replace(second=0, microsecond=0), local.tzinfo, tr.locale)} {local.tzname() or calendar.tz}"


# Every new report's post shows its deadline, and reports filed in the same minute share it: Babel parses the
# pattern and reads the locale's data on every call. The zone is part of the key because aware datetimes
# compare equal across zones; MOMENT shows no seconds, so the minute is all that is formatted.
@lru_cache(maxsize=256)
def _moment(local: datetime, zone: object, locale: str) -> str:
    return format_datetime(local, MOMENT, locale=locale)


def current_deadline(state: str, *, created_at: datetime, acknowledged_at: datetime | None,
                     reopened_at: datetime | None, policy: Policy, calendar: WorkingCalendar,
                     event_mode: bool = False) -> tuple[str, datetime] | None:
    """The next promise a report is working towards, as the reminders count it (for status displays).

    `new` → acknowledge by; acknowledged or in progress → respond by (from the latest of acknowledgement
    and reopening); decided or closed → nothing is owed.
    """
    if state == "new":
        return N_("Acknowledge by"), acknowledge_deadline(created_at, policy, calendar, event_mode=event_mode)
    if state in ("decided", "closed"):
        return None
    start = max((t for t in (acknowledged_at, reopened_at) if t is not None), default=created_at)
    return N_("Respond to the reporter by"), respond_deadline(start, policy, calendar)
