"""Announcements and reminders as outbox rows: due times and idempotency keys."""

from __future__ import annotations

from datetime import timedelta

from cocbot.bot.duty import notices as duty_notices

from tests.bot.duty.support import A, B, CONFIG, T0, h, occ, shift
from tests.harness import make_config


def test_shift_notices_announce_each_channel_and_remind_before() -> None:
    s = shift(4, "UFAC1", {A, B}, 1, 3)
    notices = duty_notices.shift_notices(s, T0, CONFIG)
    assert [(n.key, n.kind, n.due_at) for n in notices] == [
        (f"announce:shift:4:{A}", duty_notices.ANNOUNCE, h(1)),
        (f"announce:shift:4:{B}", duty_notices.ANNOUNCE, h(1)),
        ("remind:shift:4:UFAC1", duty_notices.REMIND, h(1) - timedelta(minutes=15)),
    ]
    # Started now (take): announce now, no reminder. General cover: only in the configured channel.
    started = duty_notices.shift_notices(shift(5, "UFAC1", {A}, 0, 2), T0, CONFIG)
    assert [n.key for n in started] == [f"announce:shift:5:{A}"]
    assert duty_notices.shift_notices(shift(6, "UFAC1", set(), 0, 2), T0, CONFIG) == []
    general = make_config(duty={"announce_channel": "CGENERAL"})
    assert [n.key for n in duty_notices.shift_notices(shift(6, "UFAC1", set(), 0, 2), T0, general)] == [
        "announce:shift:6:CGENERAL"]


def test_occurrence_notice_keys_are_deterministic() -> None:
    o = occ(9, A, 2, 3)
    keys = [n.key for n in duty_notices.occurrence_notices(o, T0, CONFIG)]
    assert keys == ["announce:call:1:2026-03-02T11:00:00Z", "remind:call:1:2026-03-02T11:00:00Z:UFAC2"]
    assert duty_notices.occurrence_notices(occ(9, A, -2, -1), T0, CONFIG) == []  # over: nothing to announce


def test_assigned_notice_only_when_someone_else_puts_you_on_duty() -> None:
    s = shift(4, "UFAC1", {A}, 1, 3)
    assert duty_notices.assigned_notice(s, "UFAC1", T0) is None
    told = duty_notices.assigned_notice(s, "UALICE", T0)
    assert told is not None
    assert (told.key, told.kind, told.due_at) == ("assigned:shift:4:UFAC1", duty_notices.ASSIGNED, T0)
    assert duty_notices.assigned_notice(shift(5, "UFAC1", {A}, -3, -1), "UALICE", T0) is None
