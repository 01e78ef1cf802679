"""/onduty end to end against the fake Slack: status, shifts, handover, schedule, announcements, calls."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from cocbot.handlers.slack.testing.fake_api import flatten
from cocbot.storage import duty as duty_q
from cocbot.storage import outbox as outbox_q
from tests.bot.duty.support import WEEKLY
from tests.fakes.slack import FakeSlack
from tests.harness import GENERAL, Harness, make_config

UTC = timezone.utc
CALLS = "CCALLS"
EVENTS = "CEVENTS"
COC = "https://example.org/coc"
BYPASS = "If your concern involves the facilitator, use /report — it goes to the committee and you can exclude anyone."


def duty_config(**duty: object):
    return make_config(duty={"facilitators": ["UFAC1", "UFAC2"], **duty},
                       community={"name": "Carpentries", "code_of_conduct_url": COC})


@pytest.fixture
async def onduty_bot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    for user in ("UFAC1", "UFAC2"):
        slack.add_user(user)
    slack.add_channel(CALLS, {"UFAC1", "UFAC2", "UOTHER", "UREPORTER", slack.bot_user_id}, name="community-calls",
                      private=False)
    slack.add_channel(EVENTS, {"UFAC1", "UOTHER", slack.bot_user_id}, name="events", private=False)
    harness = Harness(slack, duty_config(), sqlite_url, clock)
    await harness.start()
    yield harness
    await harness.stop()


async def onduty(bot: Harness, user: str, channel: str, text: str = "") -> str:
    """Run /onduty and return the ephemeral answer's text (blocks flattened)."""
    before = len(bot.fake.responses)
    resp = await bot.slash(user, channel, "/onduty", text, expect_view=False)
    assert resp.status == 200
    await bot.until(lambda: len(bot.fake.responses) > before)
    answer = bot.fake.responses[-1]
    assert answer["user"] == user and answer["body"]["response_type"] == "ephemeral"
    return flatten(answer["body"])


def posts(bot: Harness, channel: str) -> list[str]:
    return [flatten({"t": m["text"], "b": m["blocks"]}) for m in bot.fake.messages_in(channel)]


async def test_nobody_on_duty_points_to_report(onduty_bot: Harness) -> None:
    text = await onduty(onduty_bot, "UOTHER", CALLS)
    assert "Nobody is on duty in this channel right now" in text and "/report" in text
    assert BYPASS in text


async def test_take_announces_once_and_status_names_the_facilitator(onduty_bot: Harness, clock: ManualClock) -> None:
    bot = onduty_bot
    text = await onduty(bot, "UFAC1", CALLS, "take 2h")
    assert "You are on duty in <#CCALLS> until <!date^" in text
    await bot.drain()
    [announcement] = posts(bot, CALLS)
    assert "<@UFAC1>" in announcement and "/report" in announcement and COC in announcement
    assert "direct message" in announcement and "exclude anyone" in announcement
    status = await onduty(bot, "UOTHER", CALLS)
    until = int((clock.now() + timedelta(hours=2)).timestamp())
    assert "On duty here now:" in status and "<@UFAC1>" in status and f"<!date^{until}^" in status
    assert BYPASS in status
    # Another drain, or a restart, never repeats the announcement.
    await bot.drain()
    await bot.restart()
    await bot.drain()
    assert len(posts(bot, CALLS)) == 1


async def test_non_facilitators_are_refused(onduty_bot: Harness) -> None:
    for sub in ("take", "off", "handover <@UFAC1|fac1>", "schedule <@UOTHER> <#CCALLS> today 14:00 2h", "list"):
        text = await onduty(onduty_bot, "UOTHER", CALLS, sub)
        assert "Only facilitators can manage on-duty shifts" in text, sub
    await onduty_bot.drain()
    assert posts(onduty_bot, CALLS) == []


async def test_committee_members_count_as_facilitators(onduty_bot: Harness) -> None:
    text = await onduty(onduty_bot, "UALICE", EVENTS, "take 1h")
    assert "You are on duty" in text


async def test_specific_errors(onduty_bot: Harness) -> None:
    bot = onduty_bot
    assert "I'm not in <#CGENERAL>" in await onduty(bot, "UFAC1", GENERAL, "take")
    answer = await onduty(bot, "UFAC1", CALLS, "schedule <@UFAC2> #nope today 14:00 2h")
    assert "couldn't find the channel #nope" in answer
    assert "not a duration" in await onduty(bot, "UFAC1", CALLS, "take forever")
    assert "longest allowed is 72 hours" in await onduty(bot, "UFAC1", CALLS, "take 100h")
    assert "is not a time" in await onduty(bot, "UFAC1", CALLS, "schedule <@UFAC2> <#CCALLS|community-calls> soon 2h")
    assert "already be over" in await onduty(bot, "UFAC1", CALLS, "schedule <@UFAC2> <#CCALLS> 2026-03-01 10:00 2h")
    assert "is not a facilitator" in await onduty(bot, "UFAC1", CALLS,
                                                  "schedule <@UOTHER> <#CCALLS> tomorrow 10:00 2h")
    assert "I don't know “dance”" in await onduty(bot, "UFAC1", CALLS, "dance")
    assert "Nobody is on duty in this channel right now, so there is nothing to hand over" in await onduty(
        bot, "UFAC1", CALLS, "handover <@UFAC2|fac2>")
    assert "not on a shift right now" in await onduty(bot, "UFAC1", CALLS, "off")
    await onduty(bot, "UFAC1", CALLS, "take 2h")
    # Pairs by default (duty.max_on_duty: 2): a second facilitator joins, a third is refused.
    assert "You are on duty in <#CCALLS>" in await onduty(bot, "UFAC2", CALLS, "take 1h")
    clash = await onduty(bot, "UALICE", CALLS, "take 1h")
    assert "is already on duty in <#CCALLS>" in clash and "/onduty handover" in clash
    assert "You are already on duty" in await onduty(bot, "UFAC1", CALLS, "take 1h")


async def test_handover_then_off(onduty_bot: Harness, clock: ManualClock) -> None:
    bot = onduty_bot
    await onduty(bot, "UFAC1", CALLS, "take 2h")
    await bot.drain()
    clock.advance(minutes=30)
    text = await onduty(bot, "UFAC1", CALLS, "handover <@UFAC2|fac2>")
    assert "Handed over: <@UFAC2> is on duty in <#CCALLS>" in text
    await bot.drain()
    first, handover = posts(bot, CALLS)
    assert "handover" in handover.lower() and "<@UFAC1>" in handover and "<@UFAC2>" in handover
    [told] = bot.fake.dms_to("UFAC2")
    assert "You are on duty now" in told["text"]
    assert bot.fake.dms_to("UFAC1") == []  # taking a shift yourself needs no message
    status = await onduty(bot, "UOTHER", CALLS)
    assert "<@UFAC2>" in status and "<@UFAC1>" not in status.split("Next")[0]
    assert "You are off duty now" in await onduty(bot, "UFAC2", CALLS, "off")
    assert "Nobody is on duty" in await onduty(bot, "UOTHER", CALLS)


async def test_schedule_reminds_15_minutes_before_and_announces_at_start(onduty_bot: Harness,
                                                                         clock: ManualClock) -> None:
    bot = onduty_bot
    # UFAC1's Slack time zone is Europe/Berlin (the fake's default): 12:00 there is 11:00 UTC.
    text = await onduty(bot, "UFAC1", CALLS, "schedule <@UFAC2|fac2> <#CCALLS|community-calls> today 12:00 13:30")
    start = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert "Scheduled. <@UFAC2> is on duty in <#CCALLS>" in text and f"<!date^{int(start.timestamp())}^" in text
    assert "#" in await onduty(bot, "UFAC2", CALLS, "list")
    await bot.drain()
    # Scheduled by someone else: told at once, by whom and when.
    [told] = bot.fake.dms_to("UFAC2")
    assert "You have been scheduled" in told["text"] and "<@UFAC1>" in str(told["blocks"])
    assert posts(bot, CALLS) == []
    clock.set(start - timedelta(minutes=15))
    await bot.drain()
    told, dm = bot.fake.dms_to("UFAC2")
    assert "starts" in dm["text"].lower()
    assert posts(bot, CALLS) == []
    clock.set(start)
    await bot.drain()
    assert len(posts(bot, CALLS)) == 1 and "<@UFAC2>" in posts(bot, CALLS)[0]
    status = await onduty(bot, "UOTHER", CALLS)
    assert "<@UFAC2>" in status
    await bot.drain()
    assert len(bot.fake.dms_to("UFAC2")) == 2


async def test_cancelled_shift_is_not_announced(onduty_bot: Harness, clock: ManualClock) -> None:
    bot = onduty_bot
    await onduty(bot, "UFAC1", CALLS, "schedule <@UFAC1> <#CCALLS> today 14:00 2h")
    async with bot.runtime.db.transaction() as session:
        [s] = await duty_q.shifts_between(session, clock.now(), clock.now() + timedelta(days=1))
    assert f"Cancelled shift #{s.id}" in await onduty(bot, "UFAC1", CALLS, f"cancel {s.id}")
    clock.advance(hours=6)
    await bot.drain()
    assert posts(bot, CALLS) == [] and bot.fake.dms_to("UFAC1") == []


async def test_shift_over_several_channels_and_next_up(onduty_bot: Harness, clock: ManualClock) -> None:
    bot = onduty_bot
    await onduty(bot, "UFAC1", CALLS, "take 1h <#CCALLS> <#CEVENTS>")
    await onduty(bot, "UFAC1", CALLS, "schedule <@UFAC2> <#CCALLS> today 11:00 2h")  # 10:00 UTC
    await bot.drain()
    assert len(posts(bot, CALLS)) == 1 and len(posts(bot, EVENTS)) == 1
    status = await onduty(bot, "UOTHER", CALLS)
    assert "<@UFAC1>" in status and "Next:" in status and "<@UFAC2>" in status
    # Handover at the boundary: at 10:00 exactly UFAC1 is off and UFAC2 is on.
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    at_boundary = await onduty(bot, "UOTHER", CALLS)
    assert "<@UFAC2>" in at_boundary.split("Next")[0] and "<@UFAC1>" not in at_boundary


# ---------------------------------------------------------------- calls from a calendar


async def import_weekly(bot: Harness, **kw: object) -> None:
    results = await bot.runtime.services.duty.import_calendar(WEEKLY, CALLS, ("UFAC1", "UFAC2"))
    assert len(results) == 1 and results[0].name == "Community call"


async def test_imported_calendar_weekly_rule_and_exception(onduty_bot: Harness, clock: ManualClock) -> None:
    bot = onduty_bot
    clock.set(datetime(2026, 3, 30, 9, 0, tzinfo=UTC))
    await import_weekly(bot)
    listing = await onduty(bot, "UFAC1", CALLS, "list")
    # 31 March after the DST change is 15:00 UTC; 7 April is cancelled (EXDATE).
    assert f"<!date^{int(datetime(2026, 3, 31, 15, tzinfo=UTC).timestamp())}^" in listing
    assert f"<!date^{int(datetime(2026, 4, 7, 15, tzinfo=UTC).timestamp())}^" not in listing
    clock.set(datetime(2026, 4, 3, 9, 0, tzinfo=UTC))
    await bot.runtime.services.duty.materialize()
    listing = await onduty(bot, "UFAC1", CALLS, "list")
    # 14 April was moved to 15 April 18:00 Berlin = 16:00 UTC.
    assert f"<!date^{int(datetime(2026, 4, 15, 16, tzinfo=UTC).timestamp())}^" in listing
    assert f"<!date^{int(datetime(2026, 4, 14, 15, tzinfo=UTC).timestamp())}^" not in listing
    # Walk through three weeks: one announcement per meeting, none on the cancelled date. The clock moves
    # straight to the next row the outbox holds (the worker sends nothing at any other moment) or to the next
    # refresh. The bot refreshes hourly; here every 6 hours (any period well inside the 14-day horizon finds
    # every meeting in time) and also at each due moment, just before the worker runs — where a refresh
    # that re-created a row already due, or already sent, would show as a duplicate.
    clock.set(datetime(2026, 3, 30, 9, 0, tzinfo=UTC))
    announced: list[tuple[datetime, str]] = []
    t = clock.now()
    refresh = t + timedelta(hours=6)
    while t < datetime(2026, 4, 17, tzinfo=UTC):
        async with bot.runtime.db.transaction() as session:
            due = await outbox_q.next_due_at(session)
        t = min(refresh, due) if due is not None and due > t else refresh
        clock.set(t)
        if t == refresh:
            refresh += timedelta(hours=6)
        await bot.runtime.services.duty.materialize()
        await bot.drain()
        for text in posts(bot, CALLS)[len(announced):]:
            announced.append((t, text))
    assert [a[0] for a in announced] == [datetime(2026, 3, 31, 15, tzinfo=UTC), datetime(2026, 4, 15, 16, tzinfo=UTC)]
    assert "Community call is starting" in announced[0][1] and COC in announced[0][1]
    # Rotation by series position: 17, 24, 31 March → UFAC1, UFAC2, UFAC1; the moved 14 April (index 3)
    # has X-COCBOT-FACILITATOR: UFAC1 in the calendar.
    assert "<@UFAC1>" in announced[0][1] and "<@UFAC1>" in announced[1][1]
    reminders = bot.fake.dms_to("UFAC1")
    assert len(reminders) == 2


async def test_restart_in_the_middle_of_a_call_does_not_repeat_its_announcement(
        onduty_bot: Harness, clock: ManualClock) -> None:
    bot = onduty_bot
    clock.set(datetime(2026, 3, 31, 14, 0, tzinfo=UTC))
    await import_weekly(bot)
    clock.set(datetime(2026, 3, 31, 15, 0, tzinfo=UTC))
    await bot.drain()
    assert len(posts(bot, CALLS)) == 1
    assert await bot.runtime.services.duty.active_in_channel(CALLS)
    clock.set(datetime(2026, 3, 31, 15, 20, tzinfo=UTC))
    await bot.restart()  # start-up materialises the calls again
    await bot.drain()
    await bot.runtime.services.duty.materialize()
    await bot.drain()
    assert len(posts(bot, CALLS)) == 1
    status = await onduty(bot, "UOTHER", CALLS)
    assert "<@UFAC1>" in status and "Community call" in status


async def test_call_imported_mid_call_is_announced_late_once_and_ended_calls_never(
        onduty_bot: Harness, clock: ManualClock) -> None:
    bot = onduty_bot
    clock.set(datetime(2026, 3, 31, 15, 30, tzinfo=UTC))
    await import_weekly(bot)
    await bot.drain()
    assert len(posts(bot, CALLS)) == 1  # under way: people still benefit from knowing
    clock.set(datetime(2026, 3, 31, 17, 0, tzinfo=UTC))
    await bot.restart()
    await bot.drain()
    assert len(posts(bot, CALLS)) == 1


async def test_handover_during_a_call(onduty_bot: Harness, clock: ManualClock) -> None:
    bot = onduty_bot
    clock.set(datetime(2026, 3, 31, 15, 10, tzinfo=UTC))
    await import_weekly(bot)
    await bot.drain()
    text = await onduty(bot, "UFAC1", CALLS, "handover <@UFAC2>")
    assert "<@UFAC2> is now the facilitator for Community call" in text
    await bot.drain()
    assert "<@UFAC2>" in posts(bot, CALLS)[-1] and len(posts(bot, CALLS)) == 2
    assert "<@UFAC2>" in await onduty(bot, "UOTHER", CALLS)


def test_cli_imports_a_calendar(tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    from cocbot.bot.cli.main import main
    from tests.harness import config_dict

    cfg = tmp_path / "cocbot.yml"
    cfg.write_text(yaml.safe_dump(config_dict(duty={"facilitators": ["UFAC1", "UFAC2"]})))
    ics = tmp_path / "calls.ics"
    ics.write_text(WEEKLY)
    monkeypatch.setenv("COCBOT_CONFIG", str(cfg))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    from tests.bot.cli.test_main import create_database

    create_database(tmp_path / "cocbot.sqlite3")  # `cocbot run` made it; the other commands never create one
    assert main(["calls", "import", str(ics), "--channel", CALLS, "--rotation", "UFAC1,UFAC2"]) == 0
    out = capsys.readouterr().out
    assert "imported call 1 “Community call” in CCALLS" in out
    assert main(["calls", "import", str(ics), "--channel", CALLS]) == 0
    assert "updated call 1" in capsys.readouterr().out
    assert main(["calls", "import", str(ics), "--channel", "general"]) == 2
    assert "not a Slack channel id" in capsys.readouterr().err
    bad = tmp_path / "bad.ics"
    bad.write_text("hello")
    assert main(["calls", "import", str(bad), "--channel", CALLS]) == 2
    assert "not a valid iCalendar file" in capsys.readouterr().err
    assert main(["calls", "list"]) == 0
    assert "Community call" in capsys.readouterr().out
    # Naming a meeting by its local start (duty time zone: UTC here), then a time with no meeting.
    assert main(["calls", "assign", "1", "2099-03-31 15:30", "UFAC2"]) == 2
    assert "has no meeting starting at" in capsys.readouterr().err
    assert main(["calls", "assign", "7", "2099-03-31 15:00", "UFAC2"]) == 2
    assert "no call 7" in capsys.readouterr().err
    assert main(["calls", "remove", "1"]) == 0
    assert "removed call 1" in capsys.readouterr().out


async def test_assign_names_the_facilitator_of_one_meeting(onduty_bot: Harness, clock: ManualClock) -> None:
    bot = onduty_bot
    clock.set(datetime(2026, 3, 30, 9, 0, tzinfo=UTC))
    await import_weekly(bot)
    service = bot.runtime.services.duty
    assert service is not None
    reply = await service.assign(1, "2026-03-31 15:00", "UALICE")
    assert reply.ok, reply.text
    clock.set(datetime(2026, 3, 31, 14, 45, tzinfo=UTC))
    await bot.drain()
    assert len(bot.fake.dms_to("UALICE")) == 1 and bot.fake.dms_to("UFAC1") == []  # reminder follows
    clock.set(datetime(2026, 3, 31, 15, 0, tzinfo=UTC))
    await bot.drain()
    assert "<@UALICE>" in posts(bot, CALLS)[-1]


async def test_restart_mid_call_on_both_engines(slack: FakeSlack, database_url: str, clock: ManualClock) -> None:
    """The same promise on PostgreSQL, where replicas share the database."""
    for user in ("UFAC1", "UFAC2"):
        slack.add_user(user)
    slack.add_channel(CALLS, {"UFAC1", "UOTHER", slack.bot_user_id}, name="community-calls", private=False)
    bot = Harness(slack, duty_config(), database_url, clock)
    await bot.start()
    try:
        clock.set(datetime(2026, 3, 31, 14, 50, tzinfo=UTC))
        await import_weekly(bot)
        await bot.drain()
        # Imported 10 minutes before: the reminder (due 14:45) goes out at once.
        assert len(bot.fake.dms_to("UFAC1")) == 1
        clock.set(datetime(2026, 3, 31, 15, 5, tzinfo=UTC))
        await bot.drain()
        await bot.restart()
        clock.set(datetime(2026, 3, 31, 15, 30, tzinfo=UTC))
        await bot.restart()
        await bot.drain()
        assert len(posts(bot, CALLS)) == 1
        assert len(bot.fake.dms_to("UFAC1")) == 1
    finally:
        await bot.stop()


async def test_a_call_without_a_facilitator_and_typed_braces(onduty_bot: Harness, clock: ManualClock) -> None:
    bot = onduty_bot
    clock.set(datetime(2026, 3, 31, 15, 10, tzinfo=UTC))
    await bot.runtime.services.duty.import_calendar(WEEKLY, CALLS, ())
    text = await onduty(bot, "UOTHER", CALLS)
    assert "Community call* is under way" in text and "without a named facilitator" in text
    assert "Nobody is on duty in this channel right now" in text and BYPASS in text
    # Nothing typed can become a mention or a channel link in the reply.
    reply = await onduty(bot, "UFAC1", CALLS, "{u:UALICE}")
    assert "<@UALICE>" not in reply and "(u:ualice)" in reply
