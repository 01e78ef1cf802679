"""What the Slack privacy property tests share: each generated example runs in a fresh workspace (a committee
channel, a general channel) against its own SQLite file, torn down whatever the example did."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

from hypothesis import HealthCheck, settings

from tests.fakes.slack import FakeSlack
from tests.harness import Harness, make_config

# Examples per property: tests/conftest.py.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOT = FakeSlack.bot_user_id


def each_example(run: Callable[[dict, str], Awaitable[None]], s: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(s, tmp))


@asynccontextmanager
async def slack_world(tmp: str, *, users: Iterable[str], committee_channel: Iterable[str], general: Iterable[str],
                      members: list[str], escalation: str, db: str = "p.sqlite3",
                      **sections: Any) -> AsyncIterator[Harness]:
    """The bot over a fake workspace whose committee is `members` (with `escalation` as contact); `sections`
    are further config sections."""
    fake = FakeSlack()
    for user in users:
        fake.add_user(user)
    fake.add_channel("CCOMMITTEE", set(committee_channel))
    fake.add_channel("CGENERAL", set(general), private=False)
    await fake.start()
    config = make_config(committee={"channel": "CCOMMITTEE", "members": members, "escalation_contact": escalation},
                         **sections)
    bot = Harness(fake, config, f"sqlite+aiosqlite:///{tmp}/{db}")
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
        await fake.stop()
