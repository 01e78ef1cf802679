#!/usr/bin/env python3
"""On-duty timings on this machine, printed as a small table.

    .venv/bin/python bench/onduty.py [--calls 50] [--years 3] [--shifts 200] [--runs 200] [--rotation]

1. `materialize()`: writing the next 14 days of occurrences and their outbox rows for N weekly calls whose
   series started Y years ago (the rotation counts turns from the start of each series, so older series
   cost more), first run and a repeat (the hourly refresh, which writes nothing new).
2. `/onduty` answered end to end: a signed slash command over HTTP to the real bot (SQLite) → the
   ephemeral answer received on the response_url by the fake Slack, with the shifts and calls above in
   the database. Median and 95th percentile.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cocbot.bot.clock import ManualClock  # noqa: E402
from cocbot.handlers.slack.testing.fake_api import FakeSlack  # noqa: E402
from cocbot.scenarios.simulator.harness import Harness, make_config, standard_world  # noqa: E402
from cocbot.storage import duty as duty_q  # noqa: E402

UTC = timezone.utc
NOW = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


def weekly_ics(n: int, start: datetime) -> str:
    events = []
    for i in range(n):
        first = start + timedelta(days=i % 7, hours=i % 10)
        events.append(
            "BEGIN:VEVENT\n"
            f"UID:call-{i}@bench\nSUMMARY:Call {i}\n"
            f"DTSTART;TZID=Europe/Berlin:{first:%Y%m%dT%H%M00}\n"
            f"DTEND;TZID=Europe/Berlin:{first + timedelta(hours=1):%Y%m%dT%H%M00}\n"
            "RRULE:FREQ=WEEKLY\nEND:VEVENT\n")
    return "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:bench\n" + "".join(events) + "END:VCALENDAR\n"


async def main(args: argparse.Namespace) -> None:
    fake = FakeSlack()
    standard_world(fake)
    fake.add_user("UFAC1")
    channels = [f"CBENCH{i:03d}" for i in range(max(1, args.shifts // 4))]
    for ch in channels:
        fake.add_channel(ch, {"UFAC1", "UOTHER", fake.bot_user_id}, private=False)
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(NOW)
        bot = Harness(fake, make_config(duty={"facilitators": ["UFAC1"]}), f"sqlite+aiosqlite:///{tmp}/b.db", clock)
        await bot.start()
        service = bot.runtime.services.duty
        assert service is not None
        t = time.perf_counter()
        rotation = ("UFAC1", "UALICE") if args.rotation else ()
        await service.import_calendar(weekly_ics(args.calls, NOW - timedelta(days=365 * args.years)), channels[0],
                                      rotation)
        first = time.perf_counter() - t
        t = time.perf_counter()
        await service.materialize()
        again = time.perf_counter() - t
        async with bot.runtime.db.transaction() as s:
            for i in range(args.shifts):
                start = NOW + timedelta(hours=2 * (i // len(channels)))
                await duty_q.add_shift(s, facilitator="UFAC1", channels=frozenset({channels[i % len(channels)]}),
                                       starts_at=start, ends_at=start + timedelta(hours=2), created_by="UFAC1",
                                       now=NOW)
        samples = []
        for _ in range(args.runs):
            before = len(fake.responses)
            t = time.perf_counter()
            await bot.slash("UOTHER", channels[0], "/onduty", "", expect_view=False)
            await bot.until(lambda before=before: len(fake.responses) > before)
            samples.append((time.perf_counter() - t) * 1000)
        await bot.stop()
    await fake.stop()
    samples.sort()
    print("| measurement | value |\n| --- | --- |")
    rot = " with a rotation" if args.rotation else ""
    print(f"| import + materialise {args.calls} weekly calls{rot}, series {args.years} y old | {first * 1000:.0f} ms |")
    print(f"| hourly refresh of the same (nothing new) | {again * 1000:.0f} ms |")
    print(f"| /onduty answered, median ({args.runs} runs, {args.shifts} shifts, {args.calls} calls) | "
          f"{statistics.median(samples):.1f} ms |")
    print(f"| /onduty answered, p95 | {samples[int(0.95 * (len(samples) - 1))]:.1f} ms |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--shifts", type=int, default=200)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rotation", action="store_true", help="give every call a rotation (counts turns from "
                                                                "the start of each series)")
    asyncio.run(main(parser.parse_args()))
