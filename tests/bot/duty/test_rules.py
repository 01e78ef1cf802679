"""On-duty logic without Slack: overlaps, handover at the boundary, time zones, DST, recurrence, rotation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cocbot.bot.duty import rules as duty
from cocbot.bot.duty.rules import Occurrence, Plan, Refusal, Shift
from tests.harness import make_config

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
A, B, C = "CAAA", "CBBB", "CCCC"
CONFIG = make_config(duty={"facilitators": ["UFAC1", "UFAC2"]})


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def shift(id_: int, who: str, channels: set[str], start: float, end: float) -> Shift:
    return Shift(id_, who, frozenset(channels), h(start), h(end))


def occ(id_: int, channel: str, start: float, end: float, who: str | None = "UFAC2") -> Occurrence:
    return Occurrence(id_, 1, "Community call", channel, h(start), h(start), h(end), who)


# ---------------------------------------------------------------- who is on duty

ON_DUTY = [
    # (entries, channel, at (hours), expected facilitators)
    ([shift(1, "UFAC1", {A}, 0, 2)], A, 1, ["UFAC1"]),
    ([shift(1, "UFAC1", {A}, 0, 2)], B, 1, []),
    ([shift(1, "UFAC1", {A}, 0, 2)], A, 2, []),  # half-open: over at its end
    ([shift(1, "UFAC1", {A}, 0, 2)], A, 0, ["UFAC1"]),  # on duty from its first instant
    # handover at the boundary: exactly one person at the instant
    ([shift(1, "UFAC1", {A}, 0, 2), shift(2, "UFAC2", {A}, 2, 4)], A, 2, ["UFAC2"]),
    ([shift(1, "UFAC1", {A}, 0, 2), shift(2, "UFAC2", {A}, 2, 4)], A, 1.999, ["UFAC1"]),
    # general cover applies where no channel-specific duty exists
    ([shift(1, "UFAC1", set(), 0, 8)], B, 1, ["UFAC1"]),
    ([shift(1, "UFAC1", set(), 0, 8), shift(2, "UFAC2", {A}, 0, 2)], A, 1, ["UFAC2"]),
    ([shift(1, "UFAC1", set(), 0, 8), shift(2, "UFAC2", {A}, 0, 2)], A, 3, ["UFAC1"]),
    # a call in its channel, alongside that channel's shift
    ([occ(7, A, 1, 2), shift(1, "UFAC1", {A}, 0, 4)], A, 1.5, ["UFAC1", "UFAC2"]),
    ([occ(7, A, 1, 2)], B, 1.5, []),
    ([shift(1, "UFAC1", {A, B}, 0, 2)], B, 1, ["UFAC1"]),
]


@pytest.mark.parametrize("entries,channel,at,expected", ON_DUTY)
def test_on_duty(entries: list, channel: str, at: float, expected: list[str]) -> None:
    assert [e.facilitator for e in duty.on_duty(entries, channel, h(at))] == expected


NEXT = [
    ([shift(1, "UFAC1", {A}, 0, 2), shift(2, "UFAC2", {A}, 2, 4)], A, 1, 2),
    ([shift(1, "UFAC1", {A}, 0, 2), shift(2, "UFAC2", {A}, 2, 4)], A, 2, None),  # 2 is now, not next
    ([shift(1, "UFAC1", set(), 3, 5), shift(2, "UFAC2", {A}, 3, 4)], A, 1, 2),  # own channel beats general
    ([occ(7, A, 5, 6), shift(2, "UFAC2", {A}, 3, 4)], A, 1, 2),
    ([occ(7, A, 5, 6), shift(2, "UFAC2", {B}, 3, 4)], A, 1, 7),
    ([], A, 1, None),
]


@pytest.mark.parametrize("entries,channel,at,expected_id", NEXT)
def test_next_up(entries: list, channel: str, at: float, expected_id: int | None) -> None:
    nxt = duty.next_up(entries, channel, h(at))
    assert (nxt.id if nxt else None) == expected_id


CONFLICTS = [
    # (new channels, start, end, existing, clash ids)
    ({A}, 0, 2, [shift(1, "UFAC1", {A}, 1, 3)], [1]),
    ({A}, 0, 2, [shift(1, "UFAC1", {A}, 2, 3)], []),  # touching is not overlapping
    ({A}, 2, 3, [shift(1, "UFAC1", {A}, 0, 2)], []),
    ({A}, 0, 2, [shift(1, "UFAC1", {B}, 0, 2)], []),
    ({A, B}, 0, 2, [shift(1, "UFAC1", {B}, 1, 3)], [1]),
    (set(), 0, 2, [shift(1, "UFAC1", set(), 1, 3)], [1]),  # two general covers
    (set(), 0, 2, [shift(1, "UFAC1", {A}, 1, 3)], []),  # a channel's own shift may run during general cover
    ({A}, 0, 2, [shift(1, "UFAC1", set(), 0, 8)], []),
]


@pytest.mark.parametrize("channels,start,end,existing,expected", CONFLICTS)
def test_conflicts(channels: set[str], start: float, end: float, existing: list[Shift], expected: list[int]) -> None:
    found = duty.conflicts("UFAC2", frozenset(channels), h(start), h(end), existing)
    assert [s.id for s in found] == expected


# ---------------------------------------------------------------- decisions


def test_take_refuses_non_facilitators_and_overlaps_and_allows_committee() -> None:
    assert isinstance(duty.decide_take("UOTHER", frozenset({A}), None, T0, [], CONFIG), Refusal)
    plan = duty.decide_take("UALICE", frozenset({A}), None, T0, [], CONFIG)  # committee counts
    assert isinstance(plan, Plan) and plan.new_shifts[0].end == h(2)  # default 2 hours
    clash = duty.decide_take("UFAC1", frozenset({A}), timedelta(hours=1), T0, [shift(1, "UFAC2", {A}, 0, 3)], CONFIG)
    assert isinstance(clash, Refusal) and "{u:UFAC2} is already on duty" in clash.message
    too_long = duty.decide_take("UFAC1", frozenset({A}), timedelta(hours=100), T0, [], CONFIG)
    assert isinstance(too_long, Refusal) and "longest allowed is 72 hours" in too_long.message


def test_handover_ends_the_shift_at_now_and_starts_the_other_at_now() -> None:
    current = shift(1, "UFAC1", {A, B}, -1, 3)
    plan = duty.decide_handover("UFAC1", "UFAC2", A, T0, [current], [], CONFIG)
    assert isinstance(plan, Plan)
    assert plan.end_shifts == ((1, T0),)
    [new] = plan.new_shifts
    assert (new.facilitator, new.channels, new.start, new.end, new.handover_from) == (
        "UFAC2", frozenset({A, B}), T0, h(3), 1)
    # After applying: at T0 exactly the new facilitator is on duty.
    after = [Shift(1, "UFAC1", current.channels, current.start, T0), Shift(2, "UFAC2", new.channels, T0, new.end)]
    assert [e.facilitator for e in duty.on_duty(after, A, T0)] == ["UFAC2"]


HANDOVER_REFUSALS = [
    ("UOTHER", "UFAC2", [shift(1, "UFAC1", {A}, 0, 2)], "Only facilitators"),
    ("UFAC1", "UOTHER", [shift(1, "UFAC1", {A}, 0, 2)], "is not a facilitator"),
    ("UFAC2", "UFAC1", [shift(1, "UFAC1", {A}, 0, 2)], "Only the person on duty"),
    ("UFAC1", "UFAC2", [], "Nobody is on duty"),
    ("UFAC1", "UFAC1", [shift(1, "UFAC1", {A}, 0, 2)], "already on duty here"),
]


@pytest.mark.parametrize("actor,target,shifts,message", HANDOVER_REFUSALS)
def test_handover_refusals(actor: str, target: str, shifts: list[Shift], message: str) -> None:
    result = duty.decide_handover(actor, target, A, h(1), shifts, [], CONFIG)
    assert isinstance(result, Refusal) and message in result.message


def test_committee_member_can_hand_over_someone_elses_shift_and_a_call() -> None:
    plan = duty.decide_handover("UALICE", "UFAC2", A, h(1), [shift(1, "UFAC1", {A}, 0, 2)], [], CONFIG)
    assert isinstance(plan, Plan) and plan.new_shifts[0].facilitator == "UFAC2"
    call = occ(7, A, 0, 2, who="UFAC1")
    plan = duty.decide_handover("UFAC1", "UBOB", A, h(1), [], [call], CONFIG)
    assert isinstance(plan, Plan) and plan.assign == ((1, call.slot, "UBOB"),)


def test_off_and_cancel() -> None:
    mine = shift(1, "UFAC1", {A}, 0, 2)
    plan = duty.decide_off("UFAC1", h(1), [mine], CONFIG)
    assert isinstance(plan, Plan) and plan.end_shifts == ((1, h(1)),)
    assert isinstance(duty.decide_off("UFAC2", h(1), [mine], CONFIG), Refusal)
    future = shift(2, "UFAC1", {A}, 5, 6)
    assert duty.decide_cancel("UFAC1", future, h(1), CONFIG) == Plan(cancel_shifts=(2,), done="Cancelled shift #2.")
    assert isinstance(duty.decide_cancel("UFAC2", future, h(1), CONFIG), Refusal)
    assert isinstance(duty.decide_cancel("UALICE", future, h(1), CONFIG), Plan)
    assert isinstance(duty.decide_cancel("UFAC1", None, h(1), CONFIG), Refusal)


# ---------------------------------------------------------------- reading times

WHEN = [
    ("2026-03-05 14:00", "Europe/Berlin", datetime(2026, 3, 5, 13, 0, tzinfo=UTC)),
    ("2026-07-05 14:00", "Europe/Berlin", datetime(2026, 7, 5, 12, 0, tzinfo=UTC)),  # summer time
    ("2026-03-05T14:00", "America/New_York", datetime(2026, 3, 5, 19, 0, tzinfo=UTC)),
    ("today 14:00", "UTC", datetime(2026, 3, 2, 14, 0, tzinfo=UTC)),
    ("tomorrow 9:30", "UTC", datetime(2026, 3, 3, 9, 30, tzinfo=UTC)),
    ("15:45", "Asia/Kolkata", datetime(2026, 3, 2, 10, 15, tzinfo=UTC)),
    # clocks go back in Berlin on 2026-10-25: 02:30 happens twice; the first is meant
    ("2026-10-25 02:30", "Europe/Berlin", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize("text,tz,expected", WHEN)
def test_parse_when(text: str, tz: str, expected: datetime) -> None:
    assert duty.parse_when(text, tz, T0) == expected


BAD_WHEN = [
    ("2026-03-29 02:30", "Europe/Berlin", "does not exist in Europe/Berlin"),  # skipped by spring forward
    ("2026-02-30 10:00", "UTC", "is not a date"),
    ("25:00", "UTC", "is not a time of day"),
    ("soon", "UTC", "is not a time"),
]


@pytest.mark.parametrize("text,tz,message", BAD_WHEN)
def test_parse_when_errors(text: str, tz: str, message: str) -> None:
    with pytest.raises(duty.DutyInputError, match=message):
        duty.parse_when(text, tz, T0)


DURATIONS = [("2h", timedelta(hours=2)), ("90m", timedelta(minutes=90)), ("1h30m", timedelta(minutes=90)),
             ("1.5h", timedelta(minutes=90)), ("45min", timedelta(minutes=45))]


@pytest.mark.parametrize("text,expected", DURATIONS)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert duty.parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "2", "two hours", "0h", "h"])
def test_parse_duration_errors(text: str) -> None:
    with pytest.raises(duty.DutyInputError):
        duty.parse_duration(text)


WINDOWS = [
    (["2026-03-05", "14:00", "16:00"], (datetime(2026, 3, 5, 14, tzinfo=UTC), datetime(2026, 3, 5, 16, tzinfo=UTC))),
    (["2026-03-05", "14:00", "2h"], (datetime(2026, 3, 5, 14, tzinfo=UTC), datetime(2026, 3, 5, 16, tzinfo=UTC))),
    (["today", "23:00", "01:00"], (datetime(2026, 3, 2, 23, tzinfo=UTC), datetime(2026, 3, 3, 1, tzinfo=UTC))),
    (["14:00", "2026-03-03", "10:00"], (datetime(2026, 3, 2, 14, tzinfo=UTC), datetime(2026, 3, 3, 10, tzinfo=UTC))),
]


@pytest.mark.parametrize("words,expected", WINDOWS)
def test_parse_window(words: list[str], expected: tuple[datetime, datetime]) -> None:
    assert duty.parse_window(words, "UTC", T0) == expected


def test_a_night_shift_across_the_spring_forward_is_an_hour_shorter() -> None:
    start, end = duty.parse_window(["2026-03-29", "01:00", "04:00"], "Europe/Berlin", T0)
    assert (start, end) == (datetime(2026, 3, 29, 0, tzinfo=UTC), datetime(2026, 3, 29, 2, tzinfo=UTC))
    start, end = duty.parse_window(["2026-10-25", "01:00", "04:00"], "Europe/Berlin", T0)
    assert end - start == timedelta(hours=4)  # and an hour longer when the clocks go back


@pytest.mark.parametrize("duty_section,problem", [
    ({"facilitators": ["alice"]}, "is not a Slack user id"),
    ({"timezone": "Mars/Olympus"}, "not a known time zone"),
    ({"announce_channel": "general"}, "not a Slack channel id"),
    ({"default_shift_hours": 10, "max_shift_hours": 4}, "longer than max_shift_hours"),
    ({"reminder_minutes": -1}, "greater than or equal to 0"),
    ({"facilitatorz": []}, "unknown key"),
])
def test_duty_config_errors_are_specific(duty_section: dict, problem: str) -> None:
    from cocbot.bot.config.community import ConfigError

    with pytest.raises(ConfigError) as err:
        make_config(duty=duty_section)
    assert any(problem in p for p in err.value.problems), err.value.problems


def test_a_config_with_only_the_committee_keys_still_loads() -> None:
    config = make_config()
    assert config.duty.facilitators == () and duty.duty_timezone(config) == "UTC"
    assert duty.facilitators(config) == frozenset(config.committee.members)


def test_schedule_checks_the_window() -> None:
    past = duty.decide_schedule("UFAC1", "UFAC2", frozenset({A}), h(-3), h(-1), T0, [], CONFIG)
    assert isinstance(past, Refusal) and "already be over" in past.message
    backwards = duty.decide_schedule("UFAC1", "UFAC2", frozenset({A}), h(3), h(1), T0, [], CONFIG)
    assert isinstance(backwards, Refusal) and "end after it starts" in backwards.message
    ok = duty.decide_schedule("UFAC1", "UFAC2", frozenset({A}), h(3), h(5), T0, [], CONFIG)
    assert isinstance(ok, Plan) and ok.new_shifts[0].start == h(3)


# ---------------------------------------------------------------- notices

def test_shift_notices_announce_each_channel_and_remind_before() -> None:
    s = shift(4, "UFAC1", {A, B}, 1, 3)
    notices = duty.shift_notices(s, T0, CONFIG)
    assert [(n.key, n.kind, n.due_at) for n in notices] == [
        (f"announce:shift:4:{A}", duty.ANNOUNCE, h(1)),
        (f"announce:shift:4:{B}", duty.ANNOUNCE, h(1)),
        ("remind:shift:4:UFAC1", duty.REMIND, h(1) - timedelta(minutes=15)),
    ]
    # Started now (take): announce now, no reminder. General cover: only in the configured channel.
    assert [n.key for n in duty.shift_notices(shift(5, "UFAC1", {A}, 0, 2), T0, CONFIG)] == [f"announce:shift:5:{A}"]
    assert duty.shift_notices(shift(6, "UFAC1", set(), 0, 2), T0, CONFIG) == []
    general = make_config(duty={"announce_channel": "CGENERAL"})
    assert [n.key for n in duty.shift_notices(shift(6, "UFAC1", set(), 0, 2), T0, general)] == [
        "announce:shift:6:CGENERAL"]


def test_occurrence_notice_keys_are_deterministic() -> None:
    o = occ(9, A, 2, 3)
    keys = [n.key for n in duty.occurrence_notices(o, T0, CONFIG)]
    assert keys == ["announce:call:1:2026-03-02T11:00:00Z", "remind:call:1:2026-03-02T11:00:00Z:UFAC2"]
    assert duty.occurrence_notices(occ(9, A, -2, -1), T0, CONFIG) == []  # over: nothing to announce


# ---------------------------------------------------------------- calendars

VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""

WEEKLY = f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
{VTIMEZONE}
BEGIN:VEVENT
UID:community-call@example.org
SUMMARY:Community call
DTSTART;TZID=Europe/Berlin:20260317T170000
DTEND;TZID=Europe/Berlin:20260317T180000
RRULE:FREQ=WEEKLY;BYDAY=TU
EXDATE;TZID=Europe/Berlin:20260407T170000
END:VEVENT
BEGIN:VEVENT
UID:community-call@example.org
RECURRENCE-ID;TZID=Europe/Berlin:20260414T170000
SUMMARY:Community call (moved)
DTSTART;TZID=Europe/Berlin:20260415T180000
DTEND;TZID=Europe/Berlin:20260415T190000
X-COCBOT-FACILITATOR:UFAC1
END:VEVENT
END:VCALENDAR
"""


def test_parse_calendar_keeps_a_series_and_its_exceptions_together() -> None:
    [spec] = duty.parse_calendar(WEEKLY)
    assert (spec.uid, spec.name) == ("community-call@example.org", "Community call")
    assert "RECURRENCE-ID" in spec.calendar and "VTIMEZONE" in spec.calendar


@pytest.mark.parametrize("data,message", [
    ("not a calendar", "not a valid iCalendar"),
    ("BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n", "no events"),
])
def test_parse_calendar_errors(data: str, message: str) -> None:
    with pytest.raises(duty.CalendarError, match=message):
        duty.parse_calendar(data)


def test_expand_weekly_rule_across_dst_with_an_exception_and_a_moved_meeting() -> None:
    [spec] = duty.parse_calendar(WEEKLY)
    slots = duty.expand(spec.calendar, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 25, tzinfo=UTC),
                        tz_name="UTC", default_minutes=60)
    starts = [s.start for s in slots]
    assert starts == [
        datetime(2026, 3, 17, 16, tzinfo=UTC),  # 17:00 CET
        datetime(2026, 3, 24, 16, tzinfo=UTC),
        datetime(2026, 3, 31, 15, tzinfo=UTC),  # 17:00 CEST after the clocks went forward
        datetime(2026, 4, 15, 16, tzinfo=UTC),  # 14 April moved to 15 April 18:00; 7 April cancelled
        datetime(2026, 4, 21, 15, tzinfo=UTC),
    ]
    assert [s.index for s in slots] == [0, 1, 2, 3, 4]
    moved = slots[3]
    assert moved.slot == datetime(2026, 4, 14, 15, tzinfo=UTC) and moved.facilitator == "UFAC1"
    assert all(s.end - s.start == timedelta(hours=1) for s in slots)


def test_rotation_assignment_and_calendar_facilitator() -> None:
    [spec] = duty.parse_calendar(WEEKLY)
    slots = duty.expand(spec.calendar, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 25, tzinfo=UTC),
                        tz_name="UTC", default_minutes=60)
    rotation = ("UFAC1", "UFAC2")
    assigned = {slots[1].slot: "UBOB"}
    who = [duty.facilitator_for(s, rotation, assigned) for s in slots]
    assert who == ["UFAC1", "UBOB", "UFAC1", "UFAC1", "UFAC1"]
    # A later window still counts turns from the start of the series.
    later = duty.expand(spec.calendar, datetime(2026, 4, 20, tzinfo=UTC), datetime(2026, 4, 30, tzinfo=UTC),
                        tz_name="UTC", default_minutes=60)
    assert [s.index for s in later] == [4, 5]
    assert [duty.facilitator_for(s, rotation, {}) for s in later] == ["UFAC1", "UFAC2"]


def test_floating_times_use_the_community_time_zone_and_missing_ends_default() -> None:
    ics = ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:u1\nSUMMARY:Drop-in\n"
           "DTSTART:20260305T100000\nEND:VEVENT\nEND:VCALENDAR\n")
    [spec] = duty.parse_calendar(ics)
    [slot] = duty.expand(spec.calendar, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC),
                         tz_name="America/New_York", default_minutes=45)
    assert slot.start == datetime(2026, 3, 5, 15, tzinfo=UTC)
    assert slot.end - slot.start == timedelta(minutes=45)


def test_assigned_notice_only_when_someone_else_puts_you_on_duty() -> None:
    s = shift(4, "UFAC1", {A}, 1, 3)
    assert duty.assigned_notice(s, "UFAC1", T0) is None
    told = duty.assigned_notice(s, "UALICE", T0)
    assert told is not None and (told.key, told.kind, told.due_at) == ("assigned:shift:4:UFAC1", duty.ASSIGNED, T0)
    assert duty.assigned_notice(shift(5, "UFAC1", {A}, -3, -1), "UALICE", T0) is None
