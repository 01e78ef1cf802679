#!/usr/bin/env python3
"""A banned person joins a channel the ban covers → the alert is in the case's committee space.

    .venv/bin/python bench/bans.py [--runs 50] [--bans 500] [--postgres URL] [--smoke]

The real bot (HTTP mode, its outbox worker running as in production) against the fake Slack: a signed
`member_joined_channel` event is sent, and the time is taken until the fake Slack has received the alert's
chat.postMessage in the committee channel — the listener, the bans query (with `--bans` other bans in force,
each sealed), the outbox row, the worker's wake-up, the privacy gate's live membership check and the post.
Prints one JSON line: median, p95 and max in ms, against the 1 s target. `--smoke`: a few runs, tiny sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cocbot.bot.clock import ManualClock  # noqa: E402
from cocbot.handlers.slack.testing.fake_api import FakeSlack  # noqa: E402
from cocbot.scenarios.simulator.harness import COMMITTEE_CHANNEL, Harness, make_config, standard_world  # noqa: E402
from cocbot.storage import bans as bans_q  # noqa: E402
from cocbot.storage import reports as reports_q  # noqa: E402
from cocbot.storage import triage as triage_q  # noqa: E402
from cocbot.storage.bans import Places  # noqa: E402

CHANNEL = "CEVENTS"
TARGET_MS = 1000.0


async def decided_ban(bot: Harness) -> str:
    """A real case through the real handlers: filed, acknowledged, decided as a ban covering #events."""
    ref = await bot.report(description="He kept sending me hostile replies after I asked him to stop",
                           implicated=["UMALLORY"])
    await bot.drain()
    async with bot.runtime.db.transaction() as session:
        report = await reports_q.get_report_by_ref(session, ref)
    assert report is not None and report.space_channel and report.message_ts
    await bot.click("UALICE", "triage_acknowledge", ref, channel=report.space_channel, message_ts=report.message_ts)
    await bot.drain()
    await bot.click("UALICE", "triage_decide", ref, channel=report.space_channel, message_ts=report.message_ts,
                    expect_view=True)
    resp = await bot.submit_view("UALICE", {"outcome": "temporary_ban", "message": "A ban was decided.",
                                            "ban_subjects": ["UMALLORY"], "ban_channels": [CHANNEL],
                                            "ban_until": "2026-12-31"})
    assert resp.json().get("response_action") == "update", resp.text
    await bot.drain()
    return ref


async def other_bans(bot: Harness, n: int) -> None:
    """Bans on other people in force beside it: every join is matched against all of them."""
    async with bot.runtime.db.transaction() as session:
        report = await reports_q.get_report_by_ref(session, "R-0001")
        assert report is not None
        decision = (await triage_q.decisions_for(session, report.id))[-1]
        now = bot.clock.now()
        for i in range(n):
            ban_id = await triage_q.add_ban(session, report_id=report.id, decision_id=decision.id, now=now,
                                            outcome="temporary_ban", subjects=(f"UOTHERBAN{i:05d}",), scope="",
                                            ends_at=now + timedelta(days=90))
            await bans_q.add_places(session, ban_id=ban_id, report_id=report.id,
                                    places=Places(channels=(f"C{i:06d}", CHANNEL)))


async def main(args: argparse.Namespace) -> dict[str, object]:
    fake = FakeSlack()
    standard_world(fake)
    fake.add_channel(CHANNEL, {"UOTHER", fake.bot_user_id}, name="events", private=False)
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite+aiosqlite:///{tmp}/bench.db"
        bot = Harness(fake, make_config(), url, ManualClock())
        await bot.start()
        try:
            await decided_ban(bot)
            await other_bans(bot, args.bans)
            bot.runtime.worker.start()  # from here on, delivery as in production: woken by the listener
            samples: list[float] = []
            for _ in range(args.runs):
                fake.channels[CHANNEL].members.discard("UMALLORY")
                before = len(fake.messages_in(COMMITTEE_CHANNEL))
                fake.channels[CHANNEL].members.add("UMALLORY")
                started = time.perf_counter()
                resp = await bot.event({"type": "member_joined_channel", "user": "UMALLORY", "channel": CHANNEL,
                                        "channel_type": "C", "event_ts": f"{time.time():.6f}"})
                assert resp.status == 200
                while len(fake.messages_in(COMMITTEE_CHANNEL)) == before:
                    if time.perf_counter() - started > 10:
                        raise SystemExit("no alert within 10 s")
                    await asyncio.sleep(0.001)
                samples.append((time.perf_counter() - started) * 1000)
            await bot.runtime.worker.stop()
        finally:
            await bot.stop()
            await fake.stop()
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(0.95 * (len(samples) - 1) + 0.5))]
    return {"bench": "bans.member_joined_channel_to_committee_alert", "database": "postgresql" if args.postgres
            else "sqlite", "runs": len(samples), "other_bans": args.bans,
            "median_ms": round(statistics.median(samples), 1), "p95_ms": round(p95, 1),
            "max_ms": round(samples[-1], 1), "target_ms": TARGET_MS, "within_target": p95 < TARGET_MS,
            "targets": [{"target": f"ban alert, banned person joins → committee alert at Slack < {TARGET_MS:g} ms "
                                   f"(p95, {args.bans:,} other bans in force)",
                         "measured": f"{p95:.1f} ms (median {statistics.median(samples):.1f}, max {samples[-1]:.1f})",
                         "met": p95 < TARGET_MS}]}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--bans", type=int, default=500, help="other bans in force beside the one matched")
    parser.add_argument("--postgres", help="a PostgreSQL URL to run against instead of a throwaway SQLite file")
    parser.add_argument("--smoke", action="store_true", help="a few runs with tiny sizes (tests)")
    parsed = parser.parse_args()
    if parsed.smoke:
        parsed.runs, parsed.bans = 3, 5
    print(json.dumps(asyncio.run(main(parsed))))
