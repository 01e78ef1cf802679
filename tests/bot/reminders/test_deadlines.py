"""Deadline arithmetic, table-driven: weekends, evenings, holidays, DST and time zones far from UTC."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from cocbot.bot.reminders import deadlines
from cocbot.bot.config.community import ConfigError, Policy, parse_config
from tests.harness import config_dict

UTC = timezone.utc


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def policy(**kw: Any) -> Policy:
    return Policy(**kw)


ACK_CASES = [
    # (why, policy keys, submitted UTC, deadline UTC)
    ("Monday morning: 24 h later is within working hours", {}, "2026-03-02 10:00", "2026-03-03 10:00"),
    ("Monday 16:59 → Tuesday 16:59, still inside the day", {}, "2026-03-02 16:59", "2026-03-03 16:59"),
    ("exactly at the end of the working day counts as inside", {}, "2026-03-02 17:00", "2026-03-03 17:00"),
    ("Friday evening → Saturday → end of Monday", {}, "2026-03-06 18:00", "2026-03-09 17:00"),
    ("Friday morning → Saturday → end of Monday", {}, "2026-03-06 10:00", "2026-03-09 17:00"),
    ("Thursday night → Friday after hours → end of Monday", {}, "2026-03-05 20:00", "2026-03-09 17:00"),
    ("Sunday small hours → Monday before opening → end of that Monday", {}, "2026-03-01 03:00",
     "2026-03-02 17:00"),
    ("Christmas Eve in Germany → 25th, 26th, weekend → end of Monday 28th (Berlin time)",
     {"timezone": "Europe/Berlin", "holidays_country": "DE"}, "2026-12-24 11:00", "2026-12-28 16:00"),
    ("Epiphany is a holiday in Bavaria → end of Wednesday",
     {"timezone": "Europe/Berlin", "holidays_country": "DE", "holidays_subdivision": "BY"},
     "2026-01-05 11:00", "2026-01-07 16:00"),
    ("…but not in Berlin", {"timezone": "Europe/Berlin", "holidays_country": "DE", "holidays_subdivision": "BE"},
     "2026-01-05 11:00", "2026-01-06 11:00"),
    ("spring-forward weekend: the Monday deadline is 17:00 CEST, i.e. 15:00 UTC",
     {"timezone": "Europe/Berlin"}, "2026-03-28 09:00", "2026-03-30 15:00"),
    ("the week before, still winter time: 17:00 CET is 16:00 UTC",
     {"timezone": "Europe/Berlin"}, "2026-03-21 09:00", "2026-03-23 16:00"),
    ("24 h is elapsed time across fall-back: 10:00 CEST + 24 h is 09:00 CET, within a 7-day week",
     {"timezone": "Europe/Berlin", "working_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
     "2026-10-24 08:00", "2026-10-25 08:00"),
    ("Auckland: Friday afternoon UTC is already Saturday there → end of Monday NZDT",
     {"timezone": "Pacific/Auckland"}, "2026-03-06 15:00", "2026-03-09 04:00"),
    ("Honolulu: Sunday afternoon HST → Monday afternoon HST is working time",
     {"timezone": "Pacific/Honolulu"}, "2026-03-02 02:00", "2026-03-03 02:00"),
    ("Kiritimati (UTC+14): Thursday 20:00 UTC is Friday 10:00 there → Saturday → end of Monday",
     {"timezone": "Pacific/Kiritimati"}, "2026-03-05 20:00", "2026-03-09 03:00"),
    ("a working day that runs to midnight ends at 24:00", {"working_hours": "00:00-24:00"},
     "2026-03-06 10:00", "2026-03-10 00:00"),
    ("a Sunday-to-Thursday week: Thursday evening → Friday → end of Sunday",
     {"working_days": ["sun", "mon", "tue", "wed", "thu"], "timezone": "Asia/Jerusalem"},
     "2026-03-05 16:00", "2026-03-08 15:00"),
    ("a shorter target is still moved", {"acknowledge_within_hours": 4}, "2026-03-06 14:00", "2026-03-09 17:00"),
]


@pytest.mark.parametrize("why, keys, submitted, expected", ACK_CASES, ids=[c[0][:60] for c in ACK_CASES])
def test_acknowledge_deadline(why: str, keys: dict[str, Any], submitted: str, expected: str) -> None:
    p = policy(**keys)
    got = deadlines.acknowledge_deadline(utc(submitted), p, deadlines.calendar_from_policy(p))
    assert got == utc(expected), why
    assert got.tzinfo is not None


EVENT_CASES = [
    ("Saturday night at a conference: 12 h later, weekend or not", {}, "2026-03-07 22:00", "2026-03-08 10:00"),
    ("a configured 6 h target", {"event_acknowledge_within_hours": 6}, "2026-03-06 20:00", "2026-03-07 02:00"),
]


@pytest.mark.parametrize("why, keys, submitted, expected", EVENT_CASES, ids=[c[0] for c in EVENT_CASES])
def test_event_mode_uses_the_shorter_target_as_is(why: str, keys: dict[str, Any], submitted: str,
                                                  expected: str) -> None:
    p = policy(**keys)
    got = deadlines.acknowledge_deadline(utc(submitted), p, deadlines.calendar_from_policy(p), event_mode=True)
    assert got == utc(expected), why


@pytest.mark.parametrize("keys, event, submitted, reminders, deadline", [
    ({}, False, "2026-03-02 10:00", ["2026-03-02 14:00", "2026-03-02 22:00"], "2026-03-03 10:00"),
    # The 12 h reminder would coincide with the event deadline, where the escalation takes over.
    ({}, True, "2026-03-02 10:00", ["2026-03-02 14:00"], "2026-03-02 22:00"),
    ({"ack_reminder_hours": [1, 2, 30]}, False, "2026-03-02 10:00", ["2026-03-02 11:00", "2026-03-02 12:00"],
     "2026-03-03 10:00"),
    ({"ack_reminder_hours": []}, False, "2026-03-02 10:00", [], "2026-03-03 10:00"),
    # Friday evening: the deadline moves to Monday, so the 30 h reminder now fits before it.
    ({"ack_reminder_hours": [4, 30]}, False, "2026-03-06 18:00", ["2026-03-06 22:00", "2026-03-08 00:00"],
     "2026-03-09 17:00"),
])
def test_ack_plan(keys: dict[str, Any], event: bool, submitted: str, reminders: list[str], deadline: str) -> None:
    p = policy(**keys)
    plan = deadlines.ack_plan(utc(submitted), p, deadlines.calendar_from_policy(p), event_mode=event)
    assert plan.reminders == tuple(utc(r) for r in reminders)
    assert plan.deadline == utc(deadline)


@pytest.mark.parametrize("now_hours, expected", [(-5, 0), (0, 0), (1, 0), (23.9, 0), (24, 1), (49, 2), (240, 10)])
def test_escalation_rounds(now_hours: float, expected: int) -> None:
    deadline = utc("2026-03-03 10:00")
    assert deadlines.escalation_round(deadline, deadline + timedelta(hours=now_hours), timedelta(hours=24)) == expected


@pytest.mark.parametrize("keys, acknowledged, deadline, reminder", [
    ({}, "2026-03-02 10:00", "2026-03-09 10:00", "2026-03-08 10:00"),
    # A week after Friday evening is Friday evening → end of Monday.
    ({}, "2026-03-06 18:00", "2026-03-16 17:00", "2026-03-15 17:00"),
    ({"respond_within_days": 3, "respond_reminder_before_hours": 48}, "2026-03-02 10:00", "2026-03-05 10:00",
     "2026-03-03 10:00"),
    # A reminder lead longer than the whole window is sent straight away, not in the past.
    ({"respond_within_days": 1, "respond_reminder_before_hours": 72}, "2026-03-02 10:00", "2026-03-03 10:00",
     "2026-03-02 10:00"),
])
def test_respond_deadline_and_reminder(keys: dict[str, Any], acknowledged: str, deadline: str, reminder: str) -> None:
    p = policy(**keys)
    cal = deadlines.calendar_from_policy(p)
    assert deadlines.respond_deadline(utc(acknowledged), p, cal) == utc(deadline)
    assert deadlines.respond_reminder_time(utc(acknowledged), p, cal) == utc(reminder)


@pytest.mark.parametrize("delta, text", [
    (timedelta(minutes=25), "25 min"), (timedelta(hours=2, minutes=5), "2 h 5 min"), (timedelta(hours=5), "5 h"),
    (timedelta(hours=28), "1 d 4 h"), (timedelta(days=3), "3 d"), (timedelta(seconds=-5), "0 min"),
])
def test_describe_age(delta: timedelta, text: str) -> None:
    assert deadlines.describe_age(delta) == text


def test_deadline_is_described_in_the_committee_time_zone() -> None:
    cal = deadlines.calendar_from_policy(policy(timezone="Pacific/Auckland"))
    assert deadlines.describe_deadline(utc("2026-03-09 04:00"), cal) == "Mon 09 Mar 17:00 NZDT"


@pytest.mark.parametrize("keys, where", [
    ({"working_days": []}, "working_days"),
    ({"working_days": ["monday", "funday"]}, "working_days"),
    ({"working_hours": "9-5"}, "working_hours"),
    ({"working_hours": "17:00-09:00"}, "working_hours"),
    ({"working_hours": "09:00-24:30"}, "working_hours"),
    ({"holidays_country": "XX"}, "holiday calendar"),
    ({"holidays_country": "DE", "holidays_subdivision": "ZZ"}, "holiday calendar"),
    ({"holidays_subdivision": "BY"}, "holidays_country"),
    ({"ack_reminder_hours": [0]}, "ack_reminder_hours"),
    ({"event_acknowledge_within_hours": 0}, "event_acknowledge_within_hours"),
    ({"acknowledge_in": "24h"}, "unknown key"),
])
def test_policy_mistakes_are_named(keys: dict[str, Any], where: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(config_dict(policy=keys))
    assert where in err.value.render()


def test_policy_defaults_with_only_the_committee_keys() -> None:
    p = parse_config(config_dict()).policy
    assert (p.acknowledge_within_hours, p.respond_within_days, p.ack_reminder_hours) == (24, 7, (4, 12))
    assert p.working_days == ("mon", "tue", "wed", "thu", "fri") and p.working_hours == "09:00-17:00"
    assert p.event_acknowledge_within_hours == 12 and p.escalation_repeat_hours == 24
    assert p.holidays_country is None


def test_day_names_are_forgiving() -> None:
    p = parse_config(config_dict(policy={"working_days": ["Monday", "TUE", "wed", "wed"]})).policy
    assert p.working_days == ("mon", "tue", "wed")


@pytest.mark.parametrize("state, acknowledged, reopened, expected", [
    ("new", None, None, ("Acknowledge by", "2026-03-09 17:00")),
    ("acknowledged", "2026-03-09 10:00", None, ("Respond to the reporter by", "2026-03-16 10:00")),
    ("in_progress", "2026-03-09 10:00", "2026-03-20 12:00", ("Respond to the reporter by", "2026-03-27 12:00")),
    ("decided", "2026-03-09 10:00", None, None),
    ("closed", "2026-03-09 10:00", None, None),
])
def test_current_deadline_for_status_displays(state: str, acknowledged: str | None, reopened: str | None,
                                              expected: tuple[str, str] | None) -> None:
    p = policy()
    got = deadlines.current_deadline(state, created_at=utc("2026-03-06 18:00"),
                                     acknowledged_at=utc(acknowledged) if acknowledged else None,
                                     reopened_at=utc(reopened) if reopened else None, policy=p,
                                     calendar=deadlines.calendar_from_policy(p))
    assert got == (None if expected is None else (expected[0], utc(expected[1])))


def test_a_deadline_reads_in_the_committees_zone_and_language_whatever_was_described_before() -> None:
    """Descriptions are remembered per minute: the same instant in another zone or language is not the same."""
    from cocbot.bot.i18n import translator

    at = utc("2026-03-03 10:00:42")
    berlin = deadlines.calendar_from_policy(policy(timezone="Europe/Berlin"))
    new_york = deadlines.calendar_from_policy(policy(timezone="America/New_York"))
    assert deadlines.describe_deadline(at, berlin) == "Tue 03 Mar 11:00 CET"
    assert deadlines.describe_deadline(at, new_york) == "Tue 03 Mar 05:00 EST"
    assert deadlines.describe_deadline(at.replace(second=0), berlin, translator("de")) == "Di. 03 März 11:00 CET"
    assert deadlines.describe_deadline(at + timedelta(minutes=1), berlin) == "Tue 03 Mar 11:01 CET"
