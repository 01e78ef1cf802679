#!/usr/bin/env python3
"""cocbot's benchmark: one command, one machine, one run, written to bench/RESULTS.md.

    .venv/bin/python bench/run.py                     # full run (~10 min on 2 cores), writes bench/RESULTS.md
    .venv/bin/python bench/run.py --quick --output /tmp/r.md   # seconds; what the smoke test runs
    .venv/bin/python bench/run.py --only submissions --no-postgres --output /tmp/r.md   # ~1 min: part 2 only

PostgreSQL is used when COCBOT_TEST_POSTGRES_URL or --postgres names a server (the bench works in its
own database, `cocbot_bench`, created next to the one named, so it never touches test data); without
one those parts are skipped and RESULTS.md says so.

What runs, all on loopback:
- the shipped fake Slack Web API (handlers/slack/testing/fake_api.py) inside this process, timestamping
  every Web API call the moment it arrives, lean: it answers every call exactly as in the tests (same
  methods, same errors, same bodies) but without the work only the tests need — no check of each call
  against the published specs (the test suite checks every call cocbot makes), no transcript of calls
  and of who saw what. The same fake serves both servers, and the driver's requests are built with as
  little CPU as it can (the modal's form encoding done once), as the bench shares the cores with them;
- `cocbot run` in HTTP mode as a subprocess, configured only through its environment, exactly as an
  operator runs it; and bench/baseline_app.py (a bare Bolt AsyncApp whose /report acks and opens a
  static modal) as a subprocess served the same way.

What is measured:
1. /report: correctly signed slash commands, sequentially and at concurrency 32, alternating between
   the two servers in rounds; latency = request sent → views.open received by the fake.
2. Report submissions (view_submission) → committee post received by the fake, one at a time, then
   closed-loop at concurrency 32 (each of the 32 clients waits for its report's committee post before
   filing the next) for sustained reports/s; every fifth report names a committee member, so it needs a
   private space created. SQLite, then PostgreSQL.
3. Storage filled with pending reminders and closed reports: `cocbot run` start-up to ready (first
   200 from GET /healthz, from process spawn), resident memory (VmRSS) at idle, and how fast due
   reminders are sent by one replica and by two replicas sharing PostgreSQL.
4. At the size of a large community: a store of 1,000,000 rows of history (bench/scale.py, cached between
   runs): start-up, memory, /report against the bare app and against cocbot on an empty store, the App
   Home of a committee member with 500 open cases; and routing to a committee channel of 5,000 members.
5. Optional parts: every bench/<name>.py that takes --smoke and prints one JSON line (bench/extras.py).

Verdicts on speed are ratios to the bare-Bolt app measured in the same run (for the submissions, in the
same phase), so they hold on a slower or busier machine; absolute figures are reported beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path
from typing import Any
from collections.abc import Awaitable, Callable
from urllib.parse import quote_plus, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from cocbot.bot.config.settings import normalise_database_url  # noqa: E402
from cocbot.handlers.slack.testing.fake_api import FakeSlack  # noqa: E402
from cocbot.storage.db import Database  # noqa: E402
from cocbot.scenarios.simulator.harness import (  # noqa: E402
    COMMITTEE_CHANNEL, ESCALATION, GENERAL, MEMBERS, config_dict, make_config, sign, standard_world, state_values,
)

# This script's own folder: the scale part's store and the optional parts' runner live beside it.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import extras  # noqa: E402
import scale as scale_store  # noqa: E402

SIGNING_SECRET = "bench-signing-secret-0123456789"
BOT_TOKEN = "xoxb-bench-token"
CONCURRENCY = 32
REPORTERS = tuple(f"UREP{i:03d}" for i in range(50))
TOKEN_BYTES = re.compile(rb"bench\d+x")
# The kind the reminder phase sends; replaced by a stand-in when reminder delivery is not built yet.
REMINDER_KIND = "reminder_ack"
STAND_IN_KIND = "confirm_reporter"


# The three parts, in the order they run; --only picks some of them.
PARTS = ("report", "submissions", "filled", "scale", "extras")
# The committee channel of a large community, and the people one report names (the scale part).
BIG_CHANNEL = "CBIGCOMMITTEE"
NAMED = tuple(f"UNAMED{i:02d}" for i in range(20))


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------------------------------
# The fake, timestamping arrivals
# --------------------------------------------------------------------------------------------------

class BenchFake(FakeSlack):
    """The shipped fake, plus the arrival time of each Web API call and futures the load waits on.

    `_params` is the first thing the fake's handler awaits, so its start is the call's arrival.
    Who-saw-what bookkeeping is switched off: the bench checks timing, the tests check privacy.
    """

    def __init__(self) -> None:
        super().__init__(checker=None)
        self.opened: dict[str, asyncio.Future[float]] = {}
        self.posted: dict[str, asyncio.Future[float]] = {}
        self.post_times: list[float] = []
        self.published: dict[str, asyncio.Future[tuple[float, dict[str, Any]]]] = {}

    async def _params(self, request: web.Request) -> dict[str, Any]:
        arrived = time.perf_counter()
        params = await super()._params(request)
        method = request.match_info["method"]
        if method == "views.open":
            future = self.opened.pop(str(params.get("trigger_id", "")), None)
            if future is not None and not future.done():
                future.set_result(arrived)
        elif method == "views.publish":
            waiting = self.published.pop(str(params.get("user_id", "")), None)
            if waiting is not None and not waiting.done():
                view = params.get("view")
                waiting.set_result((arrived, json.loads(view) if isinstance(view, str) else dict(view or {})))
        elif method == "chat.postMessage":
            self.post_times.append(arrived)
            channel = str(params.get("channel", ""))
            if channel[:1] in ("C", "G") and self.posted:
                # The raw body (aiohttp keeps what was read), not a repr of the parsed blocks: the token is
                # plain ASCII, the same in JSON or form encoding.
                match = TOKEN_BYTES.search(await request.read())
                if match:
                    future = self.posted.pop(match.group(0).decode(), None)
                    if future is not None and not future.done():
                        future.set_result(arrived)
        return params

    def _record(self, method: str, params: dict[str, Any], status: int, body: dict[str, Any]) -> web.Response:
        # The shipped fake keeps every call for the tests' questions; the bench asks nothing of that transcript
        # (it would only grow, and lengthen the collections between runs). The answer is the same.
        return web.json_response(body, status=status or 500)

    def _see(self, *args: Any, **kwargs: Any) -> None:
        pass


def bench_world(fake: FakeSlack, big_channel: int) -> None:
    """The simulator's small workspace, the bench's reporters, and a committee channel of `big_channel`
    members (the scale part's routing: paginated `conversations.members`)."""
    standard_world(fake)
    for user in (*REPORTERS, *NAMED):
        fake.add_user(user)
    fake.add_channel(BIG_CHANNEL, {*big_committee(big_channel), fake.bot_user_id}, name="coc-committee-big")


def big_committee(n: int) -> tuple[str, ...]:
    return (*MEMBERS, *(f"UCOM{i:05d}" for i in range(n - len(MEMBERS))))


# --------------------------------------------------------------------------------------------------
# Servers as subprocesses
# --------------------------------------------------------------------------------------------------

def free_port() -> int:
    """A port left in TIME_WAIT by one accepted connection: the kernel hands it to no other `bind(0)` (other
    tests running in parallel) for a minute, while our servers (SO_REUSEADDR, as aiohttp sets) can bind it."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = int(listener.getsockname()[1])
        with socket.create_connection(("127.0.0.1", port)) as client:
            listener.accept()[0].close()  # the accepting side closes first, so it is this port that waits
            client.recv(1)
    return port


def cocbot_argv(profile: Path | None = None) -> list[str]:
    """How an operator starts cocbot; under cProfile (stats written at a clean exit) when `profile` names a file."""
    if profile is not None:  # CPU time, not wall time: waits on the database or the network cost no CPU
        code = ("import cProfile, runpy, sys, time\n"
                "p = cProfile.Profile(time.process_time)\nsys.argv = ['cocbot', 'run']\np.enable()\n"
                "try:\n    runpy.run_module('cocbot.bot', run_name='__main__')\nexcept SystemExit:\n    pass\n"
                f"finally:\n    p.disable()\n    p.dump_stats({str(profile)!r})\n")
        return [sys.executable, "-c", code]
    script = Path(sys.executable).with_name("cocbot")
    return [str(script), "run"] if script.exists() else [sys.executable, "-m", "cocbot.bot", "run"]


@dataclass
class Server:
    name: str
    argv: list[str]
    env: dict[str, str]
    workdir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.name}.log"

    async def start(self, timeout: float = 60.0) -> float:
        """Spawn and wait for GET /healthz to answer 200; returns seconds from spawn to ready."""
        env = {**self.env, "PORT": str(self.port), "HOST": "127.0.0.1"}
        log = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, env=env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        health = f"http://127.0.0.1:{self.port}/healthz"
        async with aiohttp.ClientSession() as http:
            while True:
                try:
                    async with http.get(health) as resp:
                        if resp.status == 200:
                            return time.perf_counter() - t0
                except aiohttp.ClientError:
                    pass
                if self.proc.poll() is not None:
                    raise BenchError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
                if time.perf_counter() - t0 > timeout:
                    raise BenchError(f"{self.name} not ready after {timeout}s:\n{self.log_tail()}")
                await asyncio.sleep(0.005)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def memory_mb(self) -> dict[str, float]:
        """VmRSS (resident now) and VmHWM (peak resident) from /proc, in MB."""
        assert self.proc is not None
        out: dict[str, float] = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
        return out

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the process has used: what each request costs it, however busy
        the rest of the machine is."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self, grace: float = 3.0) -> bool:
        """SIGINT (a clean aiohttp shutdown), then SIGKILL after `grace` seconds; returns whether it was
        killed. The work directory gets a py-spy dump of a process that did not stop in time."""
        if self.proc is None or self.proc.poll() is not None:
            return False
        self.proc.send_signal(signal.SIGINT)
        deadline = time.perf_counter() + grace
        while self.proc.poll() is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.02)
        if self.proc.poll() is not None:
            return False
        spy = Path(sys.executable).with_name("py-spy")
        if spy.exists():
            dump = subprocess.run([str(spy), "dump", "--pid", str(self.proc.pid)], capture_output=True, text=True)
            (self.workdir / f"{self.name}.stuck.txt").write_text(dump.stdout + dump.stderr)
        self.proc.kill()
        self.proc.wait()
        return True


# --------------------------------------------------------------------------------------------------
# Load
# --------------------------------------------------------------------------------------------------

def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": float("nan")}
    if len(values) == 1:
        v = values[0]
        return {"n": 1, "p50": v, "p95": v, "p99": v, "max": v}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": max(values)}


class Failures:
    """Requests that failed (an error status, or the Web API call never arriving), by reason."""

    def __init__(self) -> None:
        self.by_reason: dict[str, int] = {}

    def add(self, reason: str) -> None:
        self.by_reason[reason] = self.by_reason.get(reason, 0) + 1

    def __len__(self) -> int:
        return sum(self.by_reason.values())


FAILURES = Failures()


async def run_load(n: int, concurrency: int, one: Callable[[int], Awaitable[Any]],
                   failures: Failures | None = None) -> tuple[list[Any], float]:
    """`n` calls of `one(i)` from `concurrency` closed-loop clients; returns the results of those that
    succeeded and the elapsed seconds. A failed request is counted in `failures`, not timed."""
    indices = iter(range(n))
    results: list[Any] = []

    async def client() -> None:
        for i in indices:
            try:
                results.append(await one(i))
            except BenchError as exc:
                (failures if failures is not None else FAILURES).add(str(exc))

    # The bench is the instrument: its own garbage-collection pauses (it holds the fake's whole transcript)
    # would show up as latency of whichever server happened to be measured. Collect between runs instead.
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(min(concurrency, n))))
        return results, time.perf_counter() - t0
    finally:
        gc.enable()


class Driver:
    """Signs and sends requests the way Slack does, and waits for what the fake receives."""

    def __init__(self, fake: BenchFake, http: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.http = http
        self.config = make_config()
        from cocbot.handlers.slack.views import report_modal

        self.modal = report_modal(self.config, channel_id=GENERAL, source="command")
        # Form encoding is concatenative, so the modal's fixed JSON is percent-encoded once: quoting its
        # ~7 KB afresh on every submission cost the bench ~0.35 ms of CPU per report, on cocbot's cores.
        assert not {"id", "state"} & set(self.modal)
        self._modal_json = json.dumps(self.modal)[:-1]  # without its closing brace: id and state follow
        self._modal_quoted = quote_plus(self._modal_json)
        self._serial = 0

    def serial(self) -> int:
        self._serial += 1
        return self._serial

    async def _post(self, url: str, body: str) -> tuple[int, bytes]:
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
                   "X-Slack-Signature": sign(body, ts, SIGNING_SECRET)}
        async with self.http.post(url, data=body.encode(), headers=headers) as resp:
            return resp.status, await resp.read()

    async def slash(self, url: str, i: int) -> float:
        """One /report; milliseconds from sending it to views.open arriving at the fake."""
        user = REPORTERS[i % len(REPORTERS)]
        trigger = self.fake.issue_trigger(user)
        arrived: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.fake.opened[trigger] = arrived
        body = urlencode({
            "token": "legacy", "team_id": "T0FAKE", "team_domain": "fake", "channel_id": GENERAL,
            "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": "/report",
            "text": "", "api_app_id": "AFAKE", "response_url": self.fake.response_url(user),
            "trigger_id": trigger,
        })
        t0 = time.perf_counter()
        status, _ = await self._post(url, body)
        if status != 200:
            raise BenchError(f"/report answered {status}")
        try:
            return (await asyncio.wait_for(arrived, 10) - t0) * 1000
        except TimeoutError:
            raise BenchError("views.open never arrived at the fake") from None

    async def home(self, url: str, user: str) -> tuple[float, dict[str, Any]]:
        """One `app_home_opened`; (ms from sending it to views.publish arriving at the fake, the view)."""
        published: asyncio.Future[tuple[float, dict[str, Any]]] = asyncio.get_running_loop().create_future()
        self.fake.published[user] = published
        n = self.serial()
        body = json.dumps({"token": "legacy", "team_id": "T0FAKE", "api_app_id": "AFAKE", "type": "event_callback",
                           "event": {"type": "app_home_opened", "user": user, "channel": f"DHOME{n}", "tab": "home",
                                     "event_ts": f"{time.time():.6f}"},
                           "event_id": f"EvBENCH{n:08d}", "event_time": int(time.time()),
                           "authorizations": [{"team_id": "T0FAKE", "user_id": self.fake.bot_user_id,
                                               "is_bot": True}]})
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts,
                   "X-Slack-Signature": sign(body, ts, SIGNING_SECRET)}
        t0 = time.perf_counter()
        async with self.http.post(url, data=body.encode(), headers=headers) as resp:
            if resp.status != 200:
                raise BenchError(f"app_home_opened answered {resp.status}")
        try:
            arrived, view = await asyncio.wait_for(published, 30)
        except TimeoutError:
            self.fake.published.pop(user, None)
            raise BenchError("views.publish never arrived at the fake") from None
        return (arrived - t0) * 1000, view

    async def submit(self, url: str, i: int, *, private: bool,
                     named: tuple[str, ...] = ()) -> tuple[bool, float, float]:
        """One report submission; (needed a private space, ms to the ack, ms to the committee post).
        `named`: people the report names as implicated (none of them on the committee)."""
        n = self.serial()
        token = f"bench{n:07d}x"
        user = REPORTERS[n % len(REPORTERS)]
        values: dict[str, Any] = {"description": f"{token} Someone kept talking over me and mocking my accent "
                                                 "in the community call; it has happened three times now."}
        if private:  # a committee member is named, so the committee channel cannot take it
            values["implicated"] = [MEMBERS[n % len(MEMBERS)]]
        elif named:
            values["implicated"] = list(named)
        rest = json.dumps({"id": f"VBENCH{os.getpid()}X{n}", "state": {"values": state_values(self.modal, values)}})
        payload = json.dumps({
            "type": "view_submission", "team": {"id": "T0FAKE", "domain": "fake"},
            "user": {"id": user, "username": user.lower(), "team_id": "T0FAKE"}, "api_app_id": "AFAKE",
            "token": "legacy", "trigger_id": self.fake.issue_trigger(user), "view": None, "response_urls": [],
        })
        head, tail = payload.split('"view": null', 1)
        # {**modal, "id": ..., "state": ...} as JSON, the modal's part quoted once (see __init__).
        body = ("payload=" + quote_plus(head + '"view": ') + self._modal_quoted
                + quote_plus(", " + rest[1:] + tail))
        posted: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.fake.posted[token] = posted
        t0 = time.perf_counter()
        status, text = await self._post(url, body)
        acked = time.perf_counter()
        if status != 200 or b'"update"' not in text:
            self.fake.posted.pop(token, None)
            raise BenchError(f"submission answered {status}: {text[:80].decode(errors='replace')}")
        try:
            arrived = await asyncio.wait_for(posted, 30)
        except TimeoutError:
            raise BenchError("the committee post never arrived at the fake") from None
        return private, (acked - t0) * 1000, (arrived - t0) * 1000


# --------------------------------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------------------------------

async def prepare_postgres(url: str, notes: list[str]) -> str:
    """A database of the bench's own on the server `url` names, emptied; falls back to `url` itself."""
    import asyncpg


    plain = url.replace("postgresql+asyncpg://", "postgresql://").replace("postgres://", "postgresql://")
    parts = urlsplit(plain)
    target = "cocbot_bench"
    try:
        conn = await asyncpg.connect(plain)
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", target):
                await conn.execute(f'CREATE DATABASE "{target}"')
        finally:
            await conn.close()
        return normalise_database_url(urlunsplit(parts._replace(path=f"/{target}")))
    except Exception as exc:  # no CREATE DATABASE right: share the named database, emptied per phase
        notes.append(f"could not use a database of its own ({type(exc).__name__}); used {parts.path} as given")
        return normalise_database_url(plain)


async def reset_database(url: str) -> None:
    from sqlmodel import SQLModel


    db = Database(normalise_database_url(url))
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.drop_all)
        await db.create_schema()
    finally:
        await db.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


async def fresh_database(kind: str, workdir: Path, pg_url: str | None, label: str) -> str:
    if kind == "sqlite":
        path = workdir / f"{label}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return sqlite_url(path)
    assert pg_url is not None
    await reset_database(pg_url)
    return pg_url


@dataclass
class Filled:
    reminder_ids: list[int]
    open_reports: int
    closed_reports: int


async def fill_storage(url: str, *, reminders: int, closed: int, open_reports: int, kind: str) -> Filled:
    """Closed reports, open reports already delivered to the committee channel, and pending reminders
    on the open ones, due over the next 30 days. Written straight into the tables cocbot uses."""
    from sqlalchemy import insert, select

    from cocbot.storage.content import SEAL
    from cocbot.storage.models import OutboxItem, Report

    db = Database(normalise_database_url(url))
    await db.create_schema()
    now = datetime.now(timezone.utc)
    try:
        async with db.transaction() as s:
            base = (await s.execute(select(Report.id).order_by(Report.id.desc()).limit(1))).scalar() or 0
        rows = []
        for i in range(closed + open_reports):
            rid = base + i + 1
            is_closed = i < closed
            created = now - timedelta(days=400 - (i % 390), minutes=i % 1440)
            rows.append({
                "id": rid, "ref": f"R-{rid:04d}", "idempotency_key": f"bench:fill:{rid}", "platform": "slack",
                "source": "command", "created_at": created, "anonymity": "confidential",
                "reporter_sealed": SEAL.seal({"user": REPORTERS[i % len(REPORTERS)]}),
                "content_sealed": SEAL.seal({"description": "A past incident, long since handled. " * 4,
                                             "when": "", "where_text": "", "implicated_other": "",
                                             "snapshot": ""}),
                "people_sealed": SEAL.seal({"implicated": ["UMALLORY"], "witnesses": [], "excluded": [],
                                            "flagged_author": None}),
                "where_channel": GENERAL, "ongoing": "no", "danger": False,
                "state": "closed" if is_closed else "new", "delivery_state": "delivered",
                "space_kind": "committee_channel", "space_channel": COMMITTEE_CHANNEL, "space_invited": True,
                "message_ts": f"1700000000.{rid:06d}",
            })
        for start in range(0, len(rows), 5000):
            async with db.transaction() as s:
                await s.execute(insert(Report.__table__), rows[start:start + 5000])
        open_ids = [base + closed + j + 1 for j in range(open_reports)]
        items = []
        for j in range(reminders):
            rid = open_ids[j % len(open_ids)]
            items.append({
                # The payload bot/reminders.py writes: the deadline the reminder counts down to.
                "key": f"bench:reminder:{rid}:{j}", "report_id": rid, "kind": kind,
                "payload_sealed": SEAL.seal({"deadline": (now + timedelta(days=2 + (j % 29))).isoformat(),
                                             "start": now.isoformat(), "event": False, "n": j % 3}),
                "status": "pending", "attempts": 0,
                "next_attempt_at": now + timedelta(days=1 + (j % 29), seconds=j), "created_at": now,
            })
        for start in range(0, len(items), 5000):
            async with db.transaction() as s:
                await s.execute(insert(OutboxItem.__table__), items[start:start + 5000])
        async with db.transaction() as s:
            ids = (await s.execute(select(OutboxItem.id).where(OutboxItem.key.like("bench:reminder:%"))
                                   .order_by(OutboxItem.id))).scalars().all()
        return Filled(list(ids), open_reports, closed)
    finally:
        await db.dispose()


async def make_due(url: str, ids: list[int], at: datetime, kind: str) -> None:
    from sqlalchemy import update

    from cocbot.storage.models import OutboxItem

    db = Database(normalise_database_url(url))
    try:
        async with db.transaction() as s:
            for start in range(0, len(ids), 1000):
                await s.execute(update(OutboxItem).where(OutboxItem.id.in_(ids[start:start + 1000]))
                                .values(next_attempt_at=at, kind=kind))
    finally:
        await db.dispose()


async def outbox_counts(url: str, ids: list[int]) -> dict[str, int]:
    from sqlalchemy import func, select

    from cocbot.storage.models import OutboxItem

    db = Database(normalise_database_url(url))
    out: dict[str, int] = {}
    try:
        async with db.transaction() as s:
            for start in range(0, len(ids), 1000):
                rows = await s.execute(select(OutboxItem.status, func.count())
                                       .where(OutboxItem.id.in_(ids[start:start + 1000]))
                                       .group_by(OutboxItem.status))
                for status, count in rows.all():
                    out[status] = out.get(status, 0) + int(count)
    finally:
        await db.dispose()
    return out


def reminder_kind(notes: list[str]) -> str:
    """`reminder_ack` when cocbot delivers it; otherwise an existing kind doing the same work."""
    try:
        import cocbot.bot.reminders.delivery  # noqa: F401
    except ImportError:
        notes.append(f"reminder delivery (bot/reminder_delivery.py) is not in this checkout: due-reminder "
                     f"throughput was measured with `{STAND_IN_KIND}` outbox rows, which do the same work "
                     "(load the report, pass the privacy gate, post one message, settle the row)")
        return STAND_IN_KIND
    return REMINDER_KIND


# --------------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------------

@dataclass
class Sizes:
    slash_seq: int
    slash_conc: int
    rounds: int
    warmup: int
    submit_seq: int
    submit_conc: int
    reminders: int
    closed: int
    open_reports: int
    due: int
    startups: int
    idle_seconds: float
    # The bare-Bolt baseline measured beside each submissions run (the ratios' denominators).
    calib_seq: int = 1000
    calib_conc: int = 3000
    # The scale part: rows of history in the store, open cases among them, /report requests per mode
    # on the filled store, App Home renders, committee channel size and submissions per routing case.
    scale_rows: int = 1_000_000
    scale_open: int = 500
    scale_slash_seq: int = 600
    scale_slash_conc: int = 1800
    homes: int = 40
    big_channel: int = 5000
    routing: int = 80
    timeout_extras: float = 900

    @classmethod
    def full(cls) -> Sizes:
        return cls(slash_seq=2000, slash_conc=6000, rounds=4, warmup=300, submit_seq=400, submit_conc=1500,
                   reminders=100_000, closed=10_000, open_reports=2_000, due=2000, startups=3, idle_seconds=5)

    @classmethod
    def quick(cls) -> Sizes:
        return cls(slash_seq=40, slash_conc=96, rounds=2, warmup=10, submit_seq=10, submit_conc=64,
                   reminders=2000, closed=200, open_reports=50, due=60, startups=1, idle_seconds=0.5,
                   calib_seq=20, calib_conc=64, scale_rows=3000, scale_open=50, scale_slash_seq=20,
                   scale_slash_conc=64, homes=3, big_channel=450, routing=4, timeout_extras=60)


@dataclass
class Bench:
    sizes: Sizes
    workdir: Path
    pg_url: str | None
    fake: BenchFake
    driver: Driver
    results: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    killed: list[str] = field(default_factory=list)
    profile: bool = False

    async def stop(self, *servers: Server) -> None:
        killed = await asyncio.gather(*(srv.stop() for srv in servers))
        self.stopped += [srv.name for srv in servers]
        self.killed += [srv.name for srv, k in zip(servers, killed, strict=True) if k]

    def env(self, database_url: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COCBOT_", "DATABASE_URL"))}
        env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                   SLACK_API_URL=self.fake.base_url, DATABASE_URL=database_url,
                   COCBOT_CONFIG=str(self.workdir / "cocbot.yml"), BENCH_MODAL_PATH=str(self.workdir / "modal.json"))
        return env

    def baseline(self, database_url: str, name: str = "baseline") -> Server:
        return Server(name, [sys.executable, str(ROOT / "bench" / "baseline_app.py")], self.env(database_url),
                      self.workdir)

    async def slash_run(self, srv: Server, n: int, conc: int) -> dict[str, Any]:
        """`n` /report requests from `conc` clients: latency percentiles, server CPU per request, requests/s."""
        cpu0 = srv.cpu_seconds()
        got, elapsed = await run_load(n, conc, lambda i, u=srv.url: self.driver.slash(u, i))
        cpu = srv.cpu_seconds() - cpu0
        return {**percentiles(got), "cpu_ms": cpu * 1000 / max(len(got), 1), "rate": len(got) / elapsed,
                "values": got}

    async def warm_slash(self, srv: Server) -> None:
        """Connections, caches and lazy imports, before anything is timed."""
        await run_load(self.sizes.warmup, 1, lambda i, u=srv.url: self.driver.slash(u, i))
        await run_load(self.sizes.warmup, CONCURRENCY, lambda i, u=srv.url: self.driver.slash(u, i))

    def cocbot(self, name: str, database_url: str) -> Server:
        profile = self.workdir / f"{name}.prof" if self.profile else None
        return Server(name, cocbot_argv(profile), self.env(database_url), self.workdir)

    async def phase(self, name: str, work: Awaitable[None]) -> None:
        """Run one part; if it fails, say so in RESULTS.md and go on with the others."""
        try:
            await work
        except BenchError as exc:
            self.say(f"{name} FAILED: {exc}")
            self.notes.append(f"{name} failed: {str(exc).splitlines()[0]}")

    def say(self, text: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)

    # ---- 1. /report ----
    async def report_command(self) -> None:
        s = self.sizes
        url = await fresh_database("sqlite", self.workdir, None, "report-command")
        cocbot = self.cocbot("cocbot-report", url)
        baseline = Server("baseline", [sys.executable, str(ROOT / "bench" / "baseline_app.py")], self.env(url),
                          self.workdir)
        ready = await asyncio.gather(cocbot.start(), baseline.start())
        self.say(f"/report: cocbot ready in {ready[0]:.2f}s, baseline in {ready[1]:.2f}s")
        await asyncio.sleep(s.idle_seconds)
        self.results["idle_fresh"] = cocbot.memory_mb()
        self.results["idle_fresh_baseline"] = baseline.memory_mb()
        servers = {"baseline": baseline, "cocbot": cocbot}
        try:
            for srv in servers.values():  # warm both up: connections, caches, lazy imports
                await run_load(s.warmup, 1, lambda i, u=srv.url: self.driver.slash(u, i))
                await run_load(s.warmup, CONCURRENCY, lambda i, u=srv.url: self.driver.slash(u, i))
            lat: dict[tuple[str, str], list[float]] = {}
            cpu: dict[tuple[str, str], float] = {}
            for mode, n, conc in (("sequential", s.slash_seq, 1), ("concurrency 32", s.slash_conc, CONCURRENCY)):
                for r in range(s.rounds):
                    # Alternate which server goes first so drift in the machine hits both alike.
                    order = ["baseline", "cocbot"] if r % 2 == 0 else ["cocbot", "baseline"]
                    for name in order:
                        u = servers[name].url
                        cpu0 = servers[name].cpu_seconds()
                        got, _ = await run_load(n // s.rounds, conc, lambda i, u=u: self.driver.slash(u, i))
                        cpu[(mode, name)] = cpu.get((mode, name), 0.0) + servers[name].cpu_seconds() - cpu0
                        lat.setdefault((mode, name), []).extend(got)
                self.say(f"/report {mode}: done")
            self.results["slash"] = {k: {**percentiles(v), "cpu_ms": cpu[k] * 1000 / len(v)} for k, v in lat.items()}
            self.results["after_slash"] = cocbot.memory_mb()
        finally:
            await self.stop(cocbot, baseline)

    # ---- 2. submissions ----
    async def submissions(self, kind: str) -> None:
        s = self.sizes
        url = await fresh_database(kind, self.workdir, self.pg_url, "submissions")
        cocbot = self.cocbot(f"cocbot-submit-{kind}", url)
        # The bare-Bolt app, measured in the same phase as the submissions it is the yardstick for: the
        # verdicts are ratios, which hold on a slower or busier machine where absolute figures do not.
        baseline = self.baseline(url, f"baseline-submit-{kind}")
        await asyncio.gather(cocbot.start(), baseline.start())
        assert cocbot.proc is not None
        self.say(f"submissions {kind}: cocbot pid {cocbot.proc.pid}")
        try:
            await self.warm_slash(baseline)
            await run_load(max(s.warmup // 10, 5), 1, lambda i: self.driver.submit(cocbot.url, i, private=i % 5 == 4))
            failures = Failures()
            base_seq = await self.slash_run(baseline, s.calib_seq, 1)
            base_seq.pop("values")
            cpu0 = cocbot.cpu_seconds()
            seq, _ = await run_load(s.submit_seq, 1,
                                    lambda i: self.driver.submit(cocbot.url, i, private=i % 5 == 4), failures)
            await asyncio.sleep(0.3)
            seq_cpu_ms = (cocbot.cpu_seconds() - cpu0) * 1000 / max(len(seq), 1)
            self.say(f"submissions {kind}: sequential done")
            cpu0 = cocbot.cpu_seconds()
            conc, elapsed = await run_load(s.submit_conc, CONCURRENCY,
                                           lambda i: self.driver.submit(cocbot.url, i, private=i % 5 == 4),
                                           failures)
            await asyncio.sleep(0.3)  # the reporters' confirmation DMs still going out are part of the cost
            cpu_ms = (cocbot.cpu_seconds() - cpu0) * 1000 / max(len(conc), 1)
            base_conc = await self.slash_run(baseline, s.calib_conc, CONCURRENCY)
            base_conc.pop("values")
            self.say(f"submissions {kind}: {len(conc)} at concurrency 32 in {elapsed:.1f}s; CPU/report "
                     f"{cpu_ms:.2f} ms = {cpu_ms / base_seq['cpu_ms']:.2f}× a bare /report")
            one = percentiles([p for _, _, p in seq])
            self.say(f"submissions {kind}: one at a time p50 {one['p50']:.2f} p95 {one['p95']:.2f} ms; "
                     f"{len(conc) / elapsed:.1f} reports/s at concurrency 32; {cpu_ms:.1f} ms CPU/report; "
                     "load %.2f / %.2f / %.2f" % os.getloadavg())
            self.results[f"submit_{kind}"] = {
                "seq_all": percentiles([p for _, _, p in seq]),
                "seq_channel": percentiles([p for priv, _, p in seq if not priv]),
                "seq_private": percentiles([p for priv, _, p in seq if priv]),
                "seq_ack": percentiles([a for _, a, _ in seq]),
                "conc_all": percentiles([p for _, _, p in conc]),
                "conc_ack": percentiles([a for _, a, _ in conc]),
                "rate": len(conc) / elapsed,
                "cpu_ms": cpu_ms,
                "cpu_ms_seq": seq_cpu_ms,
                "base_seq": base_seq,
                "base_conc": base_conc,
                "failures": dict(failures.by_reason),
                "n_conc": len(conc),
                "private_share": sum(1 for priv, _, _ in conc if priv) / max(len(conc), 1),
                "memory": cocbot.memory_mb(),
            }
        finally:
            await self.stop(cocbot, baseline)

    # ---- 3. filled storage ----
    async def filled(self, kind: str, rkind: str) -> None:
        s = self.sizes
        url = await fresh_database(kind, self.workdir, self.pg_url, "filled")
        t0 = time.perf_counter()
        filled = await fill_storage(url, reminders=s.reminders, closed=s.closed, open_reports=s.open_reports,
                                    kind=REMINDER_KIND)
        self.say(f"{kind}: filled {len(filled.reminder_ids)} reminders, {filled.closed_reports} closed reports "
                 f"in {time.perf_counter() - t0:.1f}s")
        out: dict[str, Any] = {"reminders": len(filled.reminder_ids), "closed": filled.closed_reports,
                               "open": filled.open_reports, "startups": [], "idle": []}
        for trial in range(s.startups):
            server = self.cocbot(f"cocbot-start-{kind}-{trial}", url)
            out["startups"].append(await server.start())
            await asyncio.sleep(s.idle_seconds)
            out["idle"].append(server.memory_mb())
            await self.stop(server)
        self.say(f"{kind}: start-up {', '.join(f'{x:.2f}s' for x in out['startups'])}")
        self.results[f"startup_guess_{kind}"] = max(out["startups"])
        replica_counts = (1, 2) if kind == "postgresql" else (1,)
        offset = 0
        for replicas in replica_counts:
            ids = filled.reminder_ids[offset:offset + s.due]
            offset += s.due
            out[f"replicas_{replicas}"] = await self.due_reminders(url, kind, ids, replicas, rkind)
        self.results[f"filled_{kind}"] = out

    async def due_reminders(self, url: str, kind: str, ids: list[int], replicas: int, rkind: str) -> dict[str, Any]:
        """Make `ids` due a moment after the replicas are up, then time their sending."""
        servers = [self.cocbot(f"cocbot-replica-{kind}-{replicas}-{i}", url) for i in range(replicas)]
        startup = self.results.get(f"startup_guess_{kind}", 2.0)
        lead = startup * 1.3 + 0.5
        due_at = datetime.now(timezone.utc) + timedelta(seconds=lead)
        due_perf = time.perf_counter() + lead
        await make_due(url, ids, due_at, rkind)
        before = len(self.fake.post_times)
        await asyncio.gather(*(srv.start() for srv in servers))
        if time.perf_counter() > due_perf:
            self.notes.append(f"{kind}, {replicas} replica(s): a replica became ready after the reminders were "
                              "due; the rate includes some of its start-up")
        deadline = time.perf_counter() + 120 + len(ids) / 20
        while len(self.fake.post_times) - before < len(ids) and time.perf_counter() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.5)  # anything sent twice would arrive now
        sent = self.fake.post_times[before:]
        await self.stop(*servers)
        counts = await outbox_counts(url, ids)
        if not sent:
            self.notes.append(f"{kind}, {replicas} replica(s): none of the {len(ids)} due reminders was sent "
                              f"(outbox rows: {counts}); see the replica logs (--keep)")
            return {"due": len(ids), "sent": 0, "counts": counts, "rate": float("nan"),
                    "rate_sending": float("nan"), "first_after_due_ms": float("nan")}
        last = max(sent)
        return {"due": len(ids), "sent": len(sent), "counts": counts,
                "rate": len(sent) / max(last - due_perf, 1e-6),
                "rate_sending": (len(sent) - 1) / max(last - min(sent), 1e-6) if len(sent) > 1 else float("nan"),
                "first_after_due_ms": (min(sent) - due_perf) * 1000}


    # ---- 4. scale ----
    async def scale(self, kind: str) -> None:
        """A store of `scale_rows` rows of history: start-up, memory, /report against the bare app and
        against cocbot on an empty store, and the App Home of a committee member with many open cases."""
        s = self.sizes
        shape = scale_store.Shape(s.scale_rows, s.scale_open)
        t0 = time.perf_counter()
        if kind == "sqlite":
            path, hit = await scale_store.sqlite_store(shape, self.workdir / "scale.sqlite3", self.say)
            url = sqlite_url(path)
        else:
            assert self.pg_url is not None
            url, hit = await scale_store.postgres_store(shape, self.pg_url, self.say)
        rows = await scale_store.count_rows(url)
        out: dict[str, Any] = {"rows": rows, "open": shape.open_cases, "cached": hit,
                               "prepared_s": time.perf_counter() - t0, "startups": [], "idle": [],
                               "purge_before": await scale_store.purge_state(url)}
        self.say(f"scale {kind}: store of {sum(rows.values()):,} rows ready in {out['prepared_s']:.1f}s "
                 f"({'cached' if hit else 'seeded now'})")
        server = None
        for trial in range(s.startups):  # one at a time, alone; the last one goes on serving below
            if server is not None:
                await self.stop(server)
            server = self.cocbot(f"cocbot-scale-{kind}-{trial}", url)
            out["startups"].append(await server.start())
            out.setdefault("startup_cpu", []).append(server.cpu_seconds())  # what start-up cost, load aside
            await asyncio.sleep(s.idle_seconds)
            out["idle"].append(server.memory_mb())
        assert server is not None
        empty_url = await fresh_database(kind, self.workdir, self.pg_url, "scale-empty")
        servers = {"baseline": self.baseline(empty_url, f"baseline-scale-{kind}"),
                   "empty store": self.cocbot(f"cocbot-scale-empty-{kind}", empty_url),
                   "filled store": server}
        out["baseline_start"] = (await asyncio.gather(servers["baseline"].start(), servers["empty store"].start()))[0]
        out["baseline_start_cpu"] = servers["baseline"].cpu_seconds()
        try:
            for srv in servers.values():
                await self.warm_slash(srv)
            slash: dict[tuple[str, str], list[float]] = {}
            cpu: dict[tuple[str, str], float] = {}
            for mode, n, conc in (("sequential", s.scale_slash_seq, 1),
                                  ("concurrency 32", s.scale_slash_conc, CONCURRENCY)):
                for r in range(s.rounds):
                    names = list(servers)
                    for name in names[r % 3:] + names[:r % 3]:  # each goes first in turn
                        got = await self.slash_run(servers[name], n // s.rounds, conc)
                        values = got.pop("values")
                        cpu[(mode, name)] = cpu.get((mode, name), 0.0) + got["cpu_ms"] * len(values)
                        slash.setdefault((mode, name), []).extend(values)
            out["slash"] = {k: {**percentiles(v), "cpu_ms": cpu[k] / max(len(v), 1)} for k, v in slash.items()}
            filled = servers["filled store"]
            times, view = [], {}
            for i in range(s.homes + 3):
                ms, view = await self.driver.home(filled.url, MEMBERS[0])
                if i >= 3:  # the first renders warm the process up
                    times.append(ms)
            out["home"] = {**percentiles(times), "blocks": len(view.get("blocks") or []),
                           "bytes": len(json.dumps(view, separators=(",", ":")).encode()),
                           "problems": scale_store.view_limits(view),
                           "shows_count": str(shape.open_cases) in json.dumps(view)}
            out["memory_after"] = filled.memory_mb()
            out["purge_after"] = await scale_store.purge_state(url)
            self.say(f"scale {kind}: start-up {max(out['startups']):.2f}s, App Home p95 {out['home']['p95']:.1f} ms, "
                     f"{out['memory_after']['VmRSS']:.0f} MB after")
        finally:
            await self.stop(*servers.values())
            if kind == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
            elif self.pg_url is not None:
                await scale_store.drop_run_copy(url, self.pg_url)
        self.results[f"scale_{kind}"] = out

    async def routing(self) -> None:
        """Submission → committee post with the bench's small committee channel and a report naming one
        person, against a committee channel of `big_channel` members and a report naming 20 people
        (none of them in it): what routing's membership check costs at that size."""
        s = self.sizes
        big_config = self.workdir / "cocbot-big.yml"
        big_config.write_text(json.dumps(config_dict(committee={
            "channel": BIG_CHANNEL, "members": list(big_committee(s.big_channel)),
            "escalation_contact": ESCALATION})), encoding="utf-8")
        small = self.cocbot("cocbot-routing-small", await fresh_database("sqlite", self.workdir, None, "routing-s"))
        big = self.cocbot("cocbot-routing-big", await fresh_database("sqlite", self.workdir, None, "routing-b"))
        big.env = {**big.env, "COCBOT_CONFIG": str(big_config)}
        await asyncio.gather(small.start(), big.start())
        cases = {"small": (small, ("UMALLORY",)), "big": (big, NAMED)}
        try:
            for srv, named in cases.values():
                await run_load(5, 1, lambda i, u=srv.url, n=named: self.driver.submit(u, i, private=False, named=n))
            posts: dict[str, list[float]] = {}
            failures = Failures()
            for r in range(s.rounds):
                for name in (["small", "big"] if r % 2 == 0 else ["big", "small"]):
                    srv, named = cases[name]
                    got, _ = await run_load(s.routing // s.rounds, 1, lambda i, u=srv.url, n=named: self.driver.submit(
                        u, i, private=False, named=n), failures)
                    posts.setdefault(name, []).extend(p for _, _, p in got)
            out = {k: percentiles(v) for k, v in posts.items()}
            out["added_p50"] = out["big"]["p50"] - out["small"]["p50"]
            out["added_p95"] = out["big"]["p95"] - out["small"]["p95"]
            out["failures"] = dict(failures.by_reason)
            out["members"] = s.big_channel
            out["calls"] = -(-s.big_channel // 200)
            self.say(f"routing: {s.big_channel} members adds {out['added_p50']:.1f} ms at p50")
            self.results["routing"] = out
        finally:
            await self.stop(small, big)

    # ---- 5. optional parts ----
    async def extras(self, folder: Path, quick: bool) -> None:
        env = {k: v for k, v in os.environ.items()}
        if self.pg_url is None:
            env.pop("COCBOT_TEST_POSTGRES_URL", None)
        found = extras.discover(folder)
        self.say(f"optional parts: {', '.join(p.stem for p in found) or 'none found'}")
        done = []
        for script in found:
            result = await extras.run_part(script, smoke=quick, env=env, timeout=self.sizes.timeout_extras,
                                           cwd=ROOT)
            self.say(f"part {result.name}: {'ok' if result.ok else 'FAILED: ' + str(result.error)} "
                     f"in {result.seconds:.1f}s")
            done.append(result)
        self.results["extras"] = done


# --------------------------------------------------------------------------------------------------
# RESULTS.md
# --------------------------------------------------------------------------------------------------

def machine(pg_url: str | None) -> dict[str, str]:
    info: dict[str, str] = {}
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    info["CPU"] = f"{cpu or platform.processor()} — {affinity} cores usable ({os.cpu_count()} online)"
    try:
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        info["Memory"] = f"{int(mem.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    os_name = platform.system()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    info["OS"] = f"{os_name}, kernel {platform.release()}"
    info["Load average at start (1/5/15 min)"] = "{:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg())
    info["Python"] = f"{platform.python_implementation()} {platform.python_version()}"
    info["SQLite"] = sqlite3.sqlite_version
    versions = []
    for dist in ("slack-bolt", "slack-sdk", "aiohttp", "SQLAlchemy", "sqlmodel", "aiosqlite", "asyncpg", "pydantic"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    info["Packages"] = ", ".join(versions)
    return info


async def postgres_version(url: str) -> str:
    from sqlalchemy import text


    db = Database(normalise_database_url(url))
    try:
        async with db.transaction() as s:
            return str((await s.execute(text("SHOW server_version"))).scalar())
    finally:
        await db.dispose()


def commit() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        # The results file itself (rewritten by the previous run) does not make the code differ from HEAD.
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                                ":(exclude)bench/RESULTS.md"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return sha + (" (with uncommitted changes in tracked files)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def _ms(v: float) -> str:
    return "–" if v != v else f"{v:.2f}"


def _ok(flag: bool) -> str:
    return "yes" if flag else "**NO**"


def verdict_rows(bench: Bench) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for every target the run measured."""
    r = bench.results
    rows: list[tuple[str, str, bool]] = []
    slash = r.get("slash", {})
    for mode in ("sequential", "concurrency 32"):
        b, c = slash.get((mode, "baseline")), slash.get((mode, "cocbot"))
        if b and c:
            for p in ("p50", "p99"):
                ratio = c[p] / b[p]
                rows.append((f"/report {p} ≤ 1.25× bare Bolt ({mode})",
                             f"{ratio:.2f}× ({_ms(c[p])} vs {_ms(b[p])} ms)", ratio <= 1.25))
    for kind in ("sqlite", "postgresql"):
        sub = r.get(f"submit_{kind}")
        if not sub:
            continue
        bs, bc = sub["base_seq"], sub["base_conc"]
        cpu = sub["cpu_ms"] / bs["cpu_ms"]
        rows.append((f"CPU of one delivered report ≤ 3× CPU of one bare-Bolt /report ({kind})",
                     f"{cpu:.2f}× ({sub['cpu_ms']:.2f} vs {bs['cpu_ms']:.2f} ms)", cpu <= 3))
        lat = sub["seq_all"]["p95"] / bs["p95"]
        rows.append((f"submission → committee post p95 ≤ 10× bare-Bolt /report p95 ({kind}, one at a time)",
                     f"{lat:.1f}× ({_ms(sub['seq_all']['p95'])} vs {_ms(bs['p95'])} ms)", lat <= 10))
        rate = sub["rate"] / bc["rate"]
        rows.append((f"reports/s ≥ 0.25× bare-Bolt /report requests/s, concurrency 32 ({kind})",
                     f"{rate:.3f}× ({sub['rate']:.0f} vs {bc['rate']:.0f} /s)", rate >= 0.25))
    for kind in ("sqlite", "postgresql"):
        f = r.get(f"filled_{kind}")
        if f:
            worst = max(f["startups"])
            rss = max(m["VmRSS"] for m in f["idle"])
            rows.append((f"start-up with {f['reminders']:,} pending reminders < 3 s ({kind})",
                         f"{worst:.2f} s (worst of {len(f['startups'])})", worst < 3))
            rows.append((f"…and < 250 MB resident ({kind})", f"{rss:.0f} MB", rss < 250))
    idle = r.get("idle_fresh")
    if idle:
        rows.append(("idle resident memory < 120 MB (fresh start, SQLite)", f"{idle['VmRSS']:.0f} MB",
                     idle["VmRSS"] < 120))
    for kind in ("sqlite", "postgresql"):
        sc = r.get(f"scale_{kind}")
        if not sc:
            continue
        total = sum(sc["rows"].values())
        for mode in ("sequential", "concurrency 32"):
            b = sc["slash"].get((mode, "baseline"))
            e, f = sc["slash"].get((mode, "empty store")), sc["slash"].get((mode, "filled store"))
            if b and e and f:
                for p in ("p50", "p99"):
                    ratio = f[p] / b[p]
                    rows.append((f"/report {p} ≤ 1.25× bare Bolt with {total:,} rows ({mode}, {kind})",
                                 f"{ratio:.2f}× (empty store: {e[p] / b[p]:.2f}×)", ratio <= 1.25))
        pb, pa = sc.get("purge_before"), sc.get("purge_after")
        if pb and pa:
            rows.append((f"steady store: no closed case past retention, no purge during the measures ({kind})",
                         f"{pb['due']:,} due; {pb['purged']:,} → {pa['purged']:,} purged",
                         pb["due"] == 0 and pa["purged"] == pb["purged"]))
        worst = max(sc["startups"])
        rows.append((f"start-up with {total:,} rows < 3 s ({kind})", f"{worst:.2f} s (worst of "
                     f"{len(sc['startups'])}; {max(sc['startup_cpu']):.2f} s of CPU; the bare-Bolt app: "
                     f"{sc['baseline_start']:.2f} s, {sc['baseline_start_cpu']:.2f} s of CPU)", worst < 3))
        rss = max([m["VmRSS"] for m in sc["idle"]] + [sc["memory_after"]["VmRSS"]])
        rows.append((f"…resident memory < 150 MB, idle and after /report and App Home ({kind})", f"{rss:.0f} MB",
                     rss < 150))
        h = sc["home"]
        rows.append((f"App Home, committee member with {sc['open']:,} open cases: within Slack's view limits "
                     f"({kind})", f"{h['blocks']} blocks, {h['bytes'] / 1000:.1f} KB"
                     + (f"; {'; '.join(h['problems'][:3])}" if h["problems"] else ""), not h["problems"]))
        rows.append((f"…rendered (event → views.publish) p95 < 200 ms ({kind})",
                     f"{_ms(h['p95'])} ms (p50 {_ms(h['p50'])})", h["p95"] < 200))
    rt = r.get("routing")
    if rt:
        rows.append((f"routing to a committee channel of {rt['members']:,} members, a report naming 20 people, "
                     "adds < 50 ms (submission → committee post, p50)",
                     f"{rt['added_p50']:+.1f} ms (p95 {rt['added_p95']:+.1f} ms)", rt["added_p50"] < 50))
    for part in r.get("extras", []):
        if not part.ok:
            rows.append((f"optional part `{part.name}` ran", str(part.error)[:120], False))
        rows += [(f"{t} (`{part.name}`)", m, ok) for t, m, ok in extras.verdicts(part.data)]
    return rows


def render_scale(bench: Bench) -> list[str]:
    r = bench.results
    s = bench.sizes
    shape = scale_store.Shape(s.scale_rows, s.scale_open)
    lines = ["## 4. At the size of a large community", "",
             f"A store of {shape.rows:,} rows of history: {shape.reports:,} reports ({shape.open_cases:,} of them "
             f"open, the rest closed), {shape.audit:,} triage audit entries and {shape.outbox:,} sent outbox rows, "
             "seeded with bulk writes and cached between runs (bench/scale.py). A steady store, as a bot that has "
             "run for years keeps it: its daily purge removed each closed case as it came due, so every closed case "
             "was closed within `retention.closed_reports` (730 days) and none is due at start-up (the purge at "
             "size is measured on its own, bench/purge.py); the store's purge state is checked before and after "
             "the measures below. On it: `cocbot run` start-up "
             "and memory; `/report` against the bare-Bolt app and against cocbot on an empty store, the three "
             "servers in turn; the App Home of a committee member who can see every open case "
             "(`app_home_opened` → `views.publish` at the fake).", ""]
    for kind in ("sqlite", "postgresql"):
        sc = r.get(f"scale_{kind}")
        if not sc:
            lines += [f"- **{kind}**: skipped — {r.get(f'skip_{kind}', 'not run')}", ""]
            continue
        rows = ", ".join(f"{t} {n:,}" for t, n in sc["rows"].items())
        lines += [f"**{kind}** ({rows}; store {'copied from the cache' if sc['cached'] else 'seeded in this run'} "
                  f"in {sc['prepared_s']:.1f} s)", "",
                  "| measure | value |", "| --- | --- |",
                  f"| `cocbot run` spawn → first 200 from GET /healthz | "
                  f"{', '.join(f'{x:.2f} s' for x in sc['startups'])} |",
                  f"| …CPU used by then | {', '.join(f'{x:.2f} s' for x in sc['startup_cpu'])} |",
                  f"| bare-Bolt app spawn → ready (CPU), started beside cocbot on an empty store | "
                  f"{sc['baseline_start']:.2f} s ({sc['baseline_start_cpu']:.2f} s) |",
                  f"| resident memory at idle, {s.idle_seconds:g} s after ready (VmRSS) | "
                  f"{', '.join(format(m['VmRSS'], '.0f') + ' MB' for m in sc['idle'])} |",
                  f"| resident after /report and App Home runs (peak) | {sc['memory_after']['VmRSS']:.0f} MB "
                  f"({sc['memory_after']['VmHWM']:.0f} MB) |"]
        pb, pa = sc.get("purge_before"), sc.get("purge_after")
        if pb and pa:
            lines.append(f"| closed cases past retention before start-up; cases purged before → after the measures | "
                         f"{pb['due']:,}; {pb['purged']:,} → {pa['purged']:,} |")
        h = sc["home"]
        lines += [f"| App Home (n {h['n']}): p50 / p95 / max | {_ms(h['p50'])} / {_ms(h['p95'])} / "
                  f"{_ms(h['max'])} ms |",
                  f"| App Home view | {h['blocks']} blocks, {h['bytes']:,} bytes of JSON; "
                  f"{'; '.join(h['problems']) or 'within every Block Kit limit'} |", "",
                  "| /report | server | n | p50 | p95 | p99 | server CPU per request | p50 / bare | p99 / bare |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for mode in ("sequential", "concurrency 32"):
            b = sc["slash"].get((mode, "baseline"))
            for name in ("baseline", "empty store", "filled store"):
                p = sc["slash"].get((mode, name))
                if p and b:
                    lines.append(f"| {mode} | {name} | {p['n']} | {_ms(p['p50'])} | {_ms(p['p95'])} | "
                                 f"{_ms(p['p99'])} | {p['cpu_ms']:.2f} ms | {p['p50'] / b['p50']:.2f}× | "
                                 f"{p['p99'] / b['p99']:.2f}× |")
        lines.append("")
    rt = r.get("routing")
    if rt:
        lines += [f"**Routing at size** (SQLite): one report at a time, submission → committee post. Small: the "
                  f"bench's committee channel ({len(MEMBERS)} members) and a report naming one person. Large: a "
                  f"committee channel of {rt['members']:,} members (all on the committee, so the report goes there "
                  f"once the whole membership is read: {rt['calls']} pages of `conversations.members`) and a "
                  "report naming 20 people, none of them in it. The two servers in turn.", "",
                  "| case | n | p50 | p95 | p99 | max |", "| --- | --- | --- | --- | --- | --- |"]
        for name in ("small", "big"):
            p = rt[name]
            lines.append(f"| {name} | {p['n']} | {_ms(p['p50'])} | {_ms(p['p95'])} | {_ms(p['p99'])} | "
                         f"{_ms(p['max'])} |")
        lines += ["", f"Routing at size adds {rt['added_p50']:+.1f} ms at p50 ({rt['added_p95']:+.1f} ms at p95). "
                      "Failed submissions: " + (", ".join(f"{n} × {why}" for why, n in rt["failures"].items())
                                                or "none") + ".", ""]
    return lines


def render(bench: Bench, info: dict[str, str], command: str, started: datetime, took: float) -> str:
    r = bench.results
    lines = [
        "# cocbot benchmark results",
        "",
        f"Produced by `{command}` on {started:%Y-%m-%d %H:%M} UTC in {took:.0f} s, at commit {commit()}.",
        "Everything ran on this one machine over loopback: the fake Slack Web API inside the bench process",
        "(lean: it answers as in the tests, without their spec checks and transcript, the same for both servers),",
        "`cocbot run` and the bare-Bolt baseline (`bench/baseline_app.py`) as subprocesses in HTTP mode.",
        "Latencies are in milliseconds, from the request leaving the bench's client to the Web API call",
        "arriving at the fake. Regenerate with the command above; see bench/run.py for the method.",
        "Other work on the machine inflates latencies (see the load averages below: on 2 cores, anything",
        "well above 1 means the figures are pessimistic) and, less, the CPU time per request (cores and caches",
        "are shared); ratios of two servers measured side by side in the same run are affected alike.",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- **{k}**: {v}" for k, v in info.items()]
    lines += ["", "## Against the targets", "",
              "Every verdict on speed is a ratio to the bare-Bolt baseline measured in the same run (in the same "
              "phase, for the submissions), so it holds on a slower or busier machine; the absolute figures are "
              "beside it, for reading, never as the verdict. Memory and start-up keep absolute limits.", "",
              "| target | measured | met |", "| --- | --- | --- |"]
    lines += [f"| {t} | {m} | {_ok(ok)} |" for t, m, ok in verdict_rows(bench)]
    slash = r.get("slash", {})
    lines += ["", "## 1. /report → views.open", "",
              "Same stream of signed `/report` commands to both servers, alternating in rounds. "
              "Sequential: one request at a time (each waits for its `views.open`). Concurrency 32: 32 "
              "closed-loop clients.", "",
              "| mode | server | n | p50 | p95 | p99 | max | server CPU per request |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for mode in ("sequential", "concurrency 32"):
        for name in ("baseline", "cocbot"):
            p = slash.get((mode, name))
            if p:
                lines.append(f"| {mode} | {name} | {p['n']} | {_ms(p['p50'])} | {_ms(p['p95'])} | "
                             f"{_ms(p['p99'])} | {_ms(p['max'])} | {p['cpu_ms']:.2f} ms |")
        b, c = slash.get((mode, "baseline")), slash.get((mode, "cocbot"))
        if b and c:
            lines.append(f"| {mode} | **cocbot / baseline** | | {c['p50'] / b['p50']:.2f}× "
                         f"| {c['p95'] / b['p95']:.2f}× | {c['p99'] / b['p99']:.2f}× | "
                         f"| {c['cpu_ms'] / b['cpu_ms']:.2f}× |")

    lines += ["", "## 2. Report submission → committee post", "",
              "A `view_submission` for the report modal until the report's post (found by a token in its "
              "description) reaches the fake. Every fifth report names a committee member, so cocbot "
              "creates a private space, invites the eligible members and posts there "
              "(`conversations.create` + `conversations.invite` + `chat.postMessage`); the others go to the "
              "committee channel after a live `conversations.members` check. The reporter's confirmation DM "
              "is sent by the same worker as well.", ""]
    for kind in ("sqlite", "postgresql"):
        sub = r.get(f"submit_{kind}")
        if not sub:
            lines += [f"- **{kind}**: skipped — {r.get(f'skip_{kind}', 'not run')}", ""]
            continue
        lines += [f"**{kind}**", "", "| what | n | p50 | p95 | p99 | max |", "| --- | --- | --- | --- | --- | --- |"]
        for key, label in (("seq_all", "one at a time: all reports"),
                           ("seq_channel", "one at a time: to the committee channel"),
                           ("seq_private", "one at a time: needing a private space"),
                           ("seq_ack", "one at a time: submission acked (modal shows the reference)"),
                           ("conc_all", "concurrency 32: submission → committee post"),
                           ("conc_ack", "concurrency 32: submission acked")):
            p = sub[key]
            lines.append(f"| {label} | {p['n']} | {_ms(p['p50'])} | {_ms(p['p95'])} | {_ms(p['p99'])} | "
                         f"{_ms(p['max'])} |")
        lines += ["", f"Sustained at concurrency 32: **{sub['rate']:.0f} reports/s** delivered to the committee "
                      f"({sub['n_conc']} reports, {sub['private_share']:.0%} needing a private space; each client "
                      f"waits for its report's committee post before filing the next); cocbot used "
                      f"{sub['cpu_ms']:.1f} ms of CPU per report (intake, delivery, confirmation). "
                      f"Resident memory after: "
                      f"{sub['memory']['VmRSS']:.0f} MB (peak {sub['memory']['VmHWM']:.0f} MB). Failed submissions: "
                      + (", ".join(f"{n} × {why}" for why, n in sub["failures"].items()) or "none") + ".", ""]
        bs, bc = sub["base_seq"], sub["base_conc"]
        lines += ["The bare-Bolt baseline in the same phase (same stream of `/report` commands as part 1; "
                  "sequential just before the submissions one at a time, concurrency 32 just after the "
                  "concurrent ones):", "",
                  "| bare Bolt /report | n | p50 | p95 | p99 | server CPU per request | requests/s |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for label, b in (("sequential", bs), ("concurrency 32", bc)):
            lines.append(f"| {label} | {b['n']} | {_ms(b['p50'])} | {_ms(b['p95'])} | {_ms(b['p99'])} | "
                         f"{b['cpu_ms']:.2f} ms | {b['rate']:.0f} |")
        lines += ["", f"CPU per delivered report against a bare `/report`: {sub['cpu_ms']:.2f} ms at concurrency 32 = "
                      f"**{sub['cpu_ms'] / bs['cpu_ms']:.2f}×** a sequential bare request (the target's measure) and "
                      f"{sub['cpu_ms'] / bc['cpu_ms']:.2f}× a bare request at concurrency 32; one at a time "
                      f"{sub['cpu_ms_seq']:.2f} ms = {sub['cpu_ms_seq'] / bs['cpu_ms']:.2f}× a sequential bare "
                      "request.", ""]

    lines += ["## 3. Filled storage: start-up, memory, due reminders", ""]
    for kind in ("sqlite", "postgresql"):
        f = r.get(f"filled_{kind}")
        if not f:
            lines += [f"- **{kind}**: skipped — {r.get(f'skip_{kind}', 'not run')}", ""]
            continue
        lines += [f"**{kind}**: {f['reminders']:,} pending reminders (`{REMINDER_KIND}` outbox rows due over the "
                  f"next 30 days, on {f['open']:,} open reports) and {f['closed']:,} closed reports.", "",
                  "| measure | value |", "| --- | --- |",
                  f"| `cocbot run` spawn → first 200 from GET /healthz | "
                  f"{', '.join(f'{x:.2f} s' for x in f['startups'])} |",
                  f"| resident memory at idle, {bench.sizes.idle_seconds:g} s after ready (VmRSS) | "
                  f"{', '.join(format(m['VmRSS'], '.0f') + ' MB' for m in f['idle'])} |",
                  f"| peak resident during start-up (VmHWM) | {max(m['VmHWM'] for m in f['idle']):.0f} MB |"]
        for replicas in (1, 2):
            d = f.get(f"replicas_{replicas}")
            if d:
                lines.append(f"| due reminders, {replicas} replica(s): {d['due']} due at once → sent | "
                             f"{d['sent']} sent ({'exactly once' if d['sent'] == d['due'] else 'MISMATCH'}); "
                             f"**{d['rate']:.0f}/s** from due time to last sent, {d['rate_sending']:.0f}/s "
                             f"once sending; first {d['first_after_due_ms']:.0f} ms after due; rows "
                             f"{d['counts']} |")
        lines.append("")

    lines += render_scale(bench)
    if "extras" in r:
        lines += extras.render(r["extras"])
    idle, base_idle, after = r.get("idle_fresh"), r.get("idle_fresh_baseline"), r.get("after_slash")
    if idle:
        lines += ["## Memory", "",
                  f"- cocbot at idle after a fresh start on an empty SQLite database: {idle['VmRSS']:.0f} MB "
                  f"resident (the bare-Bolt baseline: {base_idle['VmRSS']:.0f} MB)."]
        if after:
            lines.append(f"- cocbot after the /report runs: {after['VmRSS']:.0f} MB resident "
                         f"(peak {after['VmHWM']:.0f} MB).")
        lines.append("")
    if FAILURES.by_reason:
        bench.notes.append("failed /report requests (not timed): "
                           + ", ".join(f"{n} × {why}" for why, n in FAILURES.by_reason.items()))
    if bench.killed:
        bench.notes.append(f"{len(bench.killed)} of {len(bench.stopped)} server processes did not exit within 3 s "
                           f"of SIGINT and were killed: {', '.join(bench.killed)}. Run with --keep to get a "
                           "py-spy dump of each in the work directory.")
    if bench.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in bench.notes] + [""]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> int:
    sizes = Sizes.quick() if args.quick else Sizes.full()
    started = datetime.now(timezone.utc)
    t_start = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="cocbot-bench-"))
    notes: list[str] = []
    pg_source = None if args.no_postgres else (args.postgres or os.environ.get("COCBOT_TEST_POSTGRES_URL"))
    pg_url = await prepare_postgres(pg_source, notes) if pg_source else None

    fake = BenchFake()
    bench_world(fake, sizes.big_channel)
    await fake.start()
    (workdir / "cocbot.yml").write_text(json.dumps(config_dict()), encoding="utf-8")  # JSON is YAML
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=4 * CONCURRENCY))
    driver = Driver(fake, http)
    (workdir / "modal.json").write_text(json.dumps(driver.modal), encoding="utf-8")
    bench = Bench(sizes, workdir, pg_url, fake, driver, notes=notes, profile=args.profile)
    info = machine(pg_url)
    if pg_url:
        info["PostgreSQL"] = f"{await postgres_version(pg_url)} on {urlsplit(pg_url).hostname} (same machine)"
    try:
        rkind = reminder_kind(notes)
        bench.say(f"workdir {workdir}")
        parts = set(args.only or PARTS)
        if parts != set(PARTS):
            notes.append(f"only part(s) {', '.join(p for p in PARTS if p in parts)} ran (--only)")
        if "report" in parts:
            await bench.phase("/report", bench.report_command())
        if "submissions" in parts:
            await bench.phase("submissions on SQLite", bench.submissions("sqlite"))
        if "filled" in parts:
            await bench.phase("filled storage on SQLite", bench.filled("sqlite", rkind))
        if "scale" in parts:
            await bench.phase("scale on SQLite", bench.scale("sqlite"))
            await bench.phase("routing to a large committee channel", bench.routing())
        if pg_url:
            if "submissions" in parts:
                await bench.phase("submissions on PostgreSQL", bench.submissions("postgresql"))
            if "filled" in parts:
                await bench.phase("filled storage on PostgreSQL", bench.filled("postgresql", rkind))
            if "scale" in parts:
                await bench.phase("scale on PostgreSQL", bench.scale("postgresql"))
        else:
            why = ("no PostgreSQL configured (set COCBOT_TEST_POSTGRES_URL or pass --postgres URL)"
                   if not args.no_postgres else "--no-postgres given")
            bench.results["skip_postgresql"] = why
            notes.append(f"PostgreSQL parts skipped: {why}.")
        if "extras" in parts:
            await bench.phase("optional parts", bench.extras(Path(args.parts_dir), args.quick))
    finally:
        await http.close()
        await fake.stop()
    took = time.perf_counter() - t_start
    info["Load average at end (1/5/15 min)"] = "{:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg())
    command = ".venv/bin/python bench/run.py" + (" --quick" if args.quick else "") + "".join(
        f" --only {p}" for p in args.only or ()) + (
        f" --postgres {args.postgres}" if args.postgres and not args.no_postgres else "") + (
        " --no-postgres" if args.no_postgres else "")
    text = render(bench, info, command, started, took)
    output = Path(args.output)
    output.write_text(text + "\n", encoding="utf-8")
    bench.say(f"wrote {output} in {took:.0f}s")
    if args.keep or args.profile:
        bench.say(f"server logs{' and cProfile stats (*.prof)' if args.profile else ''} kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (seconds): proves the bench works")
    parser.add_argument("--postgres", help="PostgreSQL URL (default: $COCBOT_TEST_POSTGRES_URL)")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL parts")
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"), help="where to write the results")
    parser.add_argument("--keep", action="store_true", help="keep the work directory with the server logs")
    parser.add_argument("--profile", action="store_true",
                        help="run each cocbot server under cProfile; <name>.prof in the kept work directory "
                             "(read with python -m pstats); figures are then not comparable")
    parser.add_argument("--only", action="append", choices=PARTS,
                        help="run only this part (repeatable): 1 report, 2 submissions, 3 filled, 4 scale, "
                             "5 extras; for iterating")
    parser.add_argument("--parts-dir", default=str(ROOT / "bench"),
                        help="where to look for optional parts (bench/extras.py says what a part is)")
    args = parser.parse_args(argv)
    try:
        return asyncio.run(main_async(args))
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
