"""Liveness and readiness, for a load balancer or an orchestrator.

Alive means the process answers. Ready means it can do its work: the database answers and its schema is the
one this release expects, each platform accepted the bot's credentials, and the delivery worker runs and
keeps going round. Every answer is a fixed word or an exception's class name: never content, ids or names.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.storage import observe as observe_q
from cocbot.storage.db import Database
from cocbot.storage.migrate import HEAD

# A check that takes longer than this counts as failed: a probe must answer well inside its own timeout.
CHECK_TIMEOUT_SECONDS = 2.0
# The worker goes round at least every poll (5 s by default); this long without a turn means it is stuck.
STUCK_AFTER_SECONDS = 120.0

Verify = Callable[[], Awaitable[object]]


@dataclass
class Readiness:
    db: Database
    worker: OutboxWorker
    # Per platform ("slack", "discourse"), a call that succeeds once the platform accepted the credentials.
    platforms: dict[str, Verify] = field(default_factory=dict)
    worker_expected: bool = True
    stuck_after: float = STUCK_AFTER_SECONDS
    timeout: float = CHECK_TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        # Credentials accepted once stay accepted: later probes do not call the platform again.
        self._verified: set[str] = set()

    async def check(self) -> dict[str, str]:
        """Each check's name and "ok", or why not."""
        results = {"database": await self._guarded(self._database)}
        results["schema"] = await self._guarded(self._schema) if results["database"] == "ok" else "unknown"
        for name, verify in self.platforms.items():
            results[f"platform_{name}"] = await self._guarded(self._platform(name, verify))
        results["outbox_worker"] = self._worker()
        return results

    async def _guarded(self, check: Callable[[], Awaitable[str]]) -> str:
        try:
            return await asyncio.wait_for(check(), timeout=self.timeout)
        except TimeoutError:
            return "timeout"
        except Exception as exc:
            return f"error ({type(exc).__name__})"

    async def _database(self) -> str:
        async with self.db.transaction() as session:
            await observe_q.ping(session)
        return "ok"

    async def _schema(self) -> str:
        async with self.db.transaction() as session:
            version = await observe_q.schema_version(session)
        return "ok" if version == HEAD else "not at head"

    def _platform(self, name: str, verify: Verify) -> Callable[[], Awaitable[str]]:
        async def check() -> str:
            if name not in self._verified:
                await verify()
                self._verified.add(name)
            return "ok"

        return check

    def _worker(self) -> str:
        if not self.worker_expected:
            return "ok"
        if not self.worker.running:
            return "not running"
        last = self.worker.last_turn
        if last is None or time.monotonic() - last > self.stuck_after:
            return "stuck"
        return "ok"
