"""One `cocbot`-like replica in its own OS process: the real outbox worker with the reminder kinds, against a
shared PostgreSQL and a fake Slack. Driven line by line over stdin/stdout by tests/storage/test_outbox_replicas.py.

Protocol: prints `ready`; on `go` drains what it can claim and prints `idle <delivered>`; then `advance S`
moves its clock S seconds ahead (as if time had passed: other replicas' leases expire) and drains again;
`quit` exits. With --pause-after N it prints `paused` instead of starting its (N+1)th delivery and blocks,
holding its claimed rows, until it is killed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp

from cocbot.bot.messenger import Messengers
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.bot.reminders.delivery import ReminderDelivery
from cocbot.handlers.slack.app import build_web_client
from cocbot.handlers.slack.messenger import SlackMessenger
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from tests.harness import BOT_TOKEN, make_config


class OffsetClock:
    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + timedelta(seconds=self.offset)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def read_line() -> str:
    return (await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)).strip()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--slack", required=True)
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--pause-after", type=int, default=None)
    args = parser.parse_args()

    config = make_config()
    clock = OffsetClock()
    db = Database(args.db)
    http = aiohttp.ClientSession()
    messenger = SlackMessenger(build_web_client(BOT_TOKEN, args.slack, http))
    worker = OutboxWorker(db, clock, lease_seconds=args.lease, batch_size=args.batch,
                          concurrency=args.concurrency)
    ReminderDelivery(db, config, PrivacyGate(config, Messengers(messenger)), clock).register(worker)
    delivered = 0
    if args.pause_after is not None:
        real = worker.handlers["reminder_ack"]

        async def pausing(item: ClaimedItem) -> Any:
            nonlocal delivered
            if delivered >= args.pause_after:
                say("paused")
                await asyncio.Event().wait()  # holds every row this batch claimed until killed
            result = await real(item)
            delivered += 1
            return result

        worker.handlers["reminder_ack"] = pausing
    else:
        for kind in ("reminder_ack", "escalation_ack", "reminder_respond"):
            real_handler = worker.handlers[kind]

            def counting(h: Any) -> Any:
                async def wrapped(item: ClaimedItem) -> dict[str, Any]:
                    nonlocal delivered
                    result = await h(item)
                    if "skipped" not in result:
                        delivered += 1
                    return result
                return wrapped

            worker.handlers[kind] = counting(real_handler)

    if db.is_sqlite:
        await worker.take_over_earlier_runs()  # as `cocbot run` does at start (one replica by design)
    say("ready")
    try:
        while True:
            command = await read_line()
            if command == "go":
                pass
            elif command.startswith("advance "):
                clock.offset += float(command.split()[1])
            else:
                break
            await worker.drain()
            say(f"idle {delivered}")
    finally:
        await http.close()
        await db.dispose()
    say(f"bye {delivered}")


if __name__ == "__main__":
    asyncio.run(main())
