#!/usr/bin/env python3
"""A /talk relay end to end, through the outbox: the member sends a message from the Reply form (a signed
view submission over HTTP to the real bot, SQLite) → stored with its outbox row → the running delivery
worker sends it → the facilitator's DM arrives at the fake Slack. Then the facilitator's answer the other
way. Target: under 1 s each way. Prints one JSON line.

    .venv/bin/python bench/talk.py [--runs 50] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cocbot.bot.clock import ManualClock  # noqa: E402
from cocbot.handlers.slack.testing.fake_api import FakeSlack  # noqa: E402
from cocbot.scenarios.simulator.harness import Harness, make_config, standard_world  # noqa: E402

TARGET_SECONDS = 1.0
CHANNEL = "CCALLS"


def reply_value(fake: FakeSlack, user: str) -> str:
    for m in reversed(fake.dms_to(user)):
        for block in m.get("blocks", []):
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                if element.get("action_id") == "talk_reply":
                    return str(element["value"])
    raise SystemExit(f"no Reply button reached {user}")


async def relay(bot: Harness, sender: str, receiver: str, text: str) -> float:
    """Seconds from the sender pressing Send to the receiver's DM being at Slack (the modal is opened before
    the clock starts: the person takes their time typing)."""
    await bot.click(sender, "talk_reply", reply_value(bot.fake, sender), channel=f"D{sender}", expect_view=True)
    before = len(bot.fake.dms_to(receiver))
    start = time.perf_counter()
    resp = await bot.submit_view(sender, {"text": text})
    assert resp.status == 200, resp
    while len(bot.fake.dms_to(receiver)) == before:
        if time.perf_counter() - start > 10:
            raise SystemExit("a relayed message did not arrive within 10 s")
        await asyncio.sleep(0.001)
    return time.perf_counter() - start


async def main(args: argparse.Namespace) -> dict[str, object]:
    fake = FakeSlack()
    standard_world(fake)
    fake.add_user("UFAC1")
    fake.add_channel(CHANNEL, {"UFAC1", "UREPORTER", fake.bot_user_id}, private=False)
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        bot = Harness(fake, make_config(duty={"facilitators": ["UFAC1"]}), f"sqlite+aiosqlite:///{tmp}/t.db",
                      ManualClock())
        await bot.start()
        try:
            await bot.runtime.services.duty.take("UFAC1", frozenset(), None)
            await bot.slash("UREPORTER", CHANNEL, "/talk", expect_view=True)
            await bot.submit_view("UREPORTER", {"text": "Can we talk?", "anonymity": "anonymous"})
            await bot.drain()
            bot.runtime.worker.start()  # the delivery worker as it runs in production, woken by each new row
            to_facilitator, to_member = [], []
            for i in range(args.runs):
                to_facilitator.append(await relay(bot, "UREPORTER", "UFAC1", f"message {i}"))
                to_member.append(await relay(bot, "UFAC1", "UREPORTER", f"answer {i}"))
        finally:
            await bot.runtime.worker.stop()
            await bot.stop()
            await fake.stop()
    both = to_facilitator + to_member

    def ms(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"bench": "talk_relay", "runs": args.runs, "database": "sqlite",
            "member_to_facilitator_median_ms": round(statistics.median(to_facilitator) * 1000, 1),
            "facilitator_to_member_median_ms": round(statistics.median(to_member) * 1000, 1),
            "p95_ms": ms(both, 0.95), "max_ms": round(max(both) * 1000, 1),
            "target_ms": TARGET_SECONDS * 1000, "within_target": max(both) < TARGET_SECONDS,
            "targets": [{"target": f"/talk relay, sent → the other side's DM at Slack < {TARGET_SECONDS:g} s "
                                   "(sqlite, worst of both ways)",
                         "measured": f"{max(both) * 1000:.1f} ms max (p95 {ms(both, 0.95)} ms)",
                         "met": max(both) < TARGET_SECONDS}]}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50, help="messages each way (default 50)")
    parser.add_argument("--smoke", action="store_true", help="3 messages each way: checks the bench still runs")
    parsed = parser.parse_args()
    if parsed.smoke:
        parsed.runs = 3
    print(json.dumps(asyncio.run(main(parsed))))
