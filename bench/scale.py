"""The bench's store at the size of a large community: past cases, their audit trail and outbox history.

Seeded straight into the tables with bulk writes (executemany on SQLite, COPY on PostgreSQL), once: the
result is cached (a SQLite file in the temp directory; a PostgreSQL database used as a template) under a
key made of the schema head and the tables' columns, so a later run of the same schema copies it in
seconds. Sealed columns hold real sealed values (a handful, reused: the bench reads them, never compares
them), so whatever unseals a row at start-up or on the App Home does the work it would do in production.

Run alone to build or check the cache: `.venv/bin/python bench/scale.py [--rows N] [--postgres URL]`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Bump when what is seeded changes, so an old cache is not reused.
SEED_VERSION = 3
CACHE = Path(tempfile.gettempdir()) / "cocbot-bench-cache"
# The committee and the people the seeded cases name (the bench's world: scenarios/simulator/harness.py).
COMMITTEE_CHANNEL = "CCOMMITTEE"
NAMED = ("UMALLORY", "UOTHER", "UWITNESS")
REPORTERS = tuple(f"UREP{i:03d}" for i in range(50))
CHUNK = 20_000
# The store of a bot that has been running for years: its daily purge removed each closed case as it came due
# (`retention.closed_reports`, 730 days by default), so every closed case seeded here was closed inside that
# window and the bot under test has nothing to purge at start-up (the purge at scale is bench/purge.py's part).
HISTORY_DAYS = 700
CLOSED_AFTER_DAYS = 20


@dataclass(frozen=True)
class Shape:
    """How `rows` rows are split: a fifth are reports (of which `open_cases` still open), two fifths audit
    entries, two fifths outbox rows already sent."""

    rows: int
    open_cases: int

    @property
    def reports(self) -> int:
        return self.rows // 5

    @property
    def audit(self) -> int:
        return (self.rows - self.reports) // 2

    @property
    def outbox(self) -> int:
        return self.rows - self.reports - self.audit


def schema_key() -> str:
    """The schema head and a digest of every table's columns and indexes: a cache of another schema is
    never reused, whichever branch the migrations came from."""
    from sqlmodel import SQLModel

    import cocbot.storage.tables  # noqa: F401  (every table registered)
    from cocbot.storage.migrate import HEAD

    digest = hashlib.sha256()
    for name in sorted(SQLModel.metadata.tables):
        table = SQLModel.metadata.tables[name]
        digest.update(name.encode())
        for column in table.columns:
            digest.update(f"{column.name}:{column.type}:{column.nullable}".encode())
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            digest.update(f"{index.name}:{[c.name for c in index.columns]}".encode())
    return f"{HEAD}-{digest.hexdigest()[:10]}-v{SEED_VERSION}"


def _naive(at: datetime) -> datetime:
    return at.astimezone(timezone.utc).replace(tzinfo=None)


class Sealed:
    """The few sealed values the seeded rows share."""

    def __init__(self) -> None:
        from cocbot.storage.content import SEAL

        self.reporters = [SEAL.seal({"user": u}) for u in REPORTERS[:8]]
        self.content = SEAL.seal({"description": "A past incident, long since handled. " * 4, "when": "",
                                  "where_text": "", "implicated_other": "", "snapshot": ""})
        self.people = [SEAL.seal({"implicated": [who], "witnesses": [], "excluded": [], "flagged_author": None})
                       for who in NAMED]
        self.actor = SEAL.seal({"user": "UALICE"})
        self.detail = [SEAL.seal({"state": s}) for s in ("acknowledged", "investigating", "closed")]
        self.payload = SEAL.seal({"channel": COMMITTEE_CHANNEL})
        self.result = SEAL.seal({"channel": COMMITTEE_CHANNEL, "ts": "1700000000.000100"})


def _rows(shape: Shape, now: datetime) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, row) for every seeded row; the newest `open_cases` reports are open, due for an answer."""
    s = Sealed()
    n_reports = shape.reports
    for i in range(n_reports):
        rid = i + 1
        is_open = i >= n_reports - shape.open_cases
        # Closed between CLOSED_AFTER_DAYS + 1 days and HISTORY_DAYS days ago: inside the retention window.
        created = now - timedelta(days=CLOSED_AFTER_DAYS + 1 + (HISTORY_DAYS - CLOSED_AFTER_DAYS) * (n_reports - i)
                                  / n_reports, minutes=i % 1440)
        if is_open:  # filed over the last 40 days: some past their deadline, some near, most not
            created = now - timedelta(hours=(n_reports - i) * 2 % 960, minutes=i % 60)
        yield "reports", {
            "id": rid, "ref": f"R-{rid:06d}", "idempotency_key": f"bench:scale:{rid}", "platform": "slack",
            "source": "command", "created_at": created, "anonymity": "confidential",
            "reporter_sealed": s.reporters[i % len(s.reporters)], "content_sealed": s.content,
            "people_sealed": s.people[i % len(s.people)], "where_channel": "CGENERAL", "ongoing": "no",
            "danger": False, "state": ("new" if i % 3 == 0 else "acknowledged") if is_open else "closed",
            "delivery_state": "delivered", "space_kind": "committee_channel", "space_channel": COMMITTEE_CHANNEL,
            "space_invited": True, "message_ts": f"1700000000.{rid:06d}",
            "acknowledged_at": None if is_open and i % 3 == 0 else created + timedelta(hours=3),
            "closed_at": None if is_open else created + timedelta(days=CLOSED_AFTER_DAYS), "version": 3,
        }
    for j in range(shape.audit):
        rid = j % n_reports + 1
        yield "triage_audit", {"id": j + 1, "report_id": rid, "at": now - timedelta(minutes=j),
                               "action": ("acknowledge", "assess", "close")[j % 3], "actor_sealed": s.actor,
                               "detail_sealed": s.detail[j % 3]}
    for k in range(shape.outbox):
        rid = k % n_reports + 1
        at = now - timedelta(days=HISTORY_DAYS * (shape.outbox - k) / shape.outbox)
        yield "outbox", {"id": k + 1, "key": f"bench:scale:{k}", "report_id": rid,
                         "kind": ("deliver_report", "confirm_reporter", "reminder_ack")[k % 3],
                         "payload_sealed": s.payload, "status": "done", "attempts": 1, "next_attempt_at": at,
                         "result_sealed": s.result, "created_at": at, "done_at": at + timedelta(seconds=1)}


def _tables() -> dict[str, Any]:
    from sqlmodel import SQLModel

    import cocbot.storage.tables  # noqa: F401

    return {name: SQLModel.metadata.tables[name] for name in ("reports", "triage_audit", "outbox")}


def _chunks(shape: Shape, now: datetime) -> Iterator[tuple[str, list[str], list[tuple[Any, ...]]]]:
    """Rows as (table, columns, tuples) in chunks; columns not given take their model default."""
    tables = _tables()
    current: str | None = None
    batch: list[tuple[Any, ...]] = []
    columns: list[str] = []
    defaults: dict[str, Any] = {}
    for table, row in _rows(shape, now):
        if table != current or len(batch) >= CHUNK:
            if batch and current is not None:
                yield current, columns, batch
            batch = []
            if table != current:
                current = table
                columns = [c.name for c in tables[table].columns]
                defaults = {c.name: (c.default.arg if c.default is not None and not callable(c.default.arg)
                                     else None) for c in tables[table].columns}
        batch.append(tuple(row.get(c, defaults[c]) for c in columns))
    if batch and current is not None:
        yield current, columns, batch


async def _create_schema(url: str) -> None:
    from cocbot.bot.config.settings import normalise_database_url
    from cocbot.storage.db import Database

    db = Database(normalise_database_url(url))
    try:
        await db.create_schema()
    finally:
        await db.dispose()


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return _naive(v).strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite DATETIME format
    if isinstance(v, bool):
        return int(v)
    return v


async def seed_sqlite(path: Path, shape: Shape) -> None:
    await _create_schema(f"sqlite:///{path}")
    now = datetime.now(timezone.utc)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        for table, columns, batch in _chunks(shape, now):
            marks = ", ".join("?" for _ in columns)
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                             [tuple(_sqlite_value(v) for v in row) for row in batch])
        conn.commit()
        conn.execute("ANALYZE")
        conn.commit()
    finally:
        conn.close()


def _pg_plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://").replace("postgres://", "postgresql://")


async def seed_postgres(url: str, shape: Shape) -> None:
    import asyncpg

    await _create_schema(url)
    now = datetime.now(timezone.utc)
    conn = await asyncpg.connect(_pg_plain(url))
    try:
        for table, columns, batch in _chunks(shape, now):
            records = [tuple(_naive(v) if isinstance(v, datetime) else v for v in row) for row in batch]
            await conn.copy_records_to_table(table, records=records, columns=columns)
        for table in ("reports", "triage_audit", "outbox"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def sqlite_store(shape: Shape, target: Path, say: Any = print) -> tuple[Path, bool]:
    """A copy of the cached seeded file at `target`; (target, whether the cache was used)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"scale-{schema_key()}-{shape.rows}-{shape.open_cases}.sqlite3"
    hit = cached.exists()
    if not hit:
        t0 = time.perf_counter()
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        await seed_sqlite(building, shape)
        building.rename(cached)
        say(f"scale: seeded {shape.rows:,} rows into {cached} in {time.perf_counter() - t0:.1f}s")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(cached, target)
    return target, hit


async def postgres_store(shape: Shape, bench_url: str, say: Any = print) -> tuple[str, bool]:
    """A fresh database copied from the cached seeded one (CREATE DATABASE … TEMPLATE), on the server of
    `bench_url`, named after the bench's own database; (its URL, whether the cache was used)."""
    import asyncpg

    from cocbot.bot.config.settings import normalise_database_url

    plain = _pg_plain(bench_url)
    parts = urlsplit(plain)
    base = parts.path.strip("/") or "cocbot_bench"
    key = schema_key().replace("-", "_").lower()
    cached = f"{base}_scale_{key}_{shape.rows}_{shape.open_cases}"[:63]
    run = f"{base}_scale_run"[:63]
    admin = await asyncpg.connect(plain)
    try:
        hit = bool(await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", cached))
        if not hit:
            t0 = time.perf_counter()
            building = f"{base}_scale_building"[:63]
            await admin.execute(f'DROP DATABASE IF EXISTS "{building}"')
            await admin.execute(f'CREATE DATABASE "{building}"')
            await seed_postgres(urlunsplit(parts._replace(path=f"/{building}")), shape)
            for old in await admin.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1",
                                         f"{base}_scale_%"):  # older schemas' caches, of any size
                if old["datname"] not in (building, run) and not old["datname"].startswith(f"{base}_scale_{key}"):
                    await admin.execute(f'DROP DATABASE IF EXISTS "{old["datname"]}"')
            await admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{cached}"')
            say(f"scale: seeded {shape.rows:,} rows into PostgreSQL {cached} in {time.perf_counter() - t0:.1f}s")
        await admin.execute(f'DROP DATABASE IF EXISTS "{run}"')
        await admin.execute(f'CREATE DATABASE "{run}" TEMPLATE "{cached}"')
    finally:
        await admin.close()
    return normalise_database_url(urlunsplit(parts._replace(path=f"/{run}"))), hit


async def drop_run_copy(url: str, bench_url: str) -> None:
    """Drop the PostgreSQL copy postgres_store made (the cache itself stays)."""
    import asyncpg

    name = urlsplit(_pg_plain(url)).path.strip("/")
    admin = await asyncpg.connect(_pg_plain(bench_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await admin.close()


async def count_rows(url: str) -> dict[str, int]:
    from sqlalchemy import text

    from cocbot.bot.config.settings import normalise_database_url
    from cocbot.storage.db import Database

    db = Database(normalise_database_url(url))
    try:
        async with db.transaction() as s:
            return {t: int((await s.execute(text(f"SELECT count(*) FROM {t}"))).scalar() or 0)
                    for t in ("reports", "triage_audit", "outbox")}
    finally:
        await db.dispose()


async def purge_state(url: str, retention: timedelta = timedelta(days=730)) -> dict[str, int]:
    """What a purge would find or has done: closed cases past `retention` (`due`, 0 in a steady store) and
    cases marked purged (`purged`: unchanged while the bench measures when no purge ran)."""
    from sqlalchemy import text

    from cocbot.bot.config.settings import normalise_database_url
    from cocbot.storage.db import Database

    db = Database(normalise_database_url(url))
    try:
        async with db.transaction() as s:
            cutoff = _naive(datetime.now(timezone.utc) - retention)
            due = (await s.execute(text("SELECT count(*) FROM reports r WHERE r.state = 'closed' AND "
                                        "r.closed_at <= :c AND NOT EXISTS (SELECT 1 FROM purged_cases p "
                                        "WHERE p.report_id = r.id)"), {"c": cutoff})).scalar()
            purged = (await s.execute(text("SELECT count(*) FROM purged_cases"))).scalar()
            return {"due": int(due or 0), "purged": int(purged or 0)}
    finally:
        await db.dispose()


def view_limits(view: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a published Home view: over 100 blocks or 250 KB of JSON, or (when the
    test suite's checker is importable) any block over its own limits."""
    import json

    problems = []
    blocks = view.get("blocks") or []
    if len(blocks) > 100:
        problems.append(f"{len(blocks)} blocks (limit 100)")
    size = len(json.dumps(view, separators=(",", ":")).encode())
    if size > 250_000:
        problems.append(f"{size:,} bytes (limit 250 KB)")
    try:
        from tests.handlers.slack.block_kit_limits import problems as kit_problems
    except ImportError:  # an installed copy without the tests: the two surface limits above still hold
        return problems
    return problems + [p for p in kit_problems(view, "home") if "blocks in a home" not in p]


async def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=500)
    parser.add_argument("--postgres")
    args = parser.parse_args()
    shape = Shape(args.rows, args.open)
    with tempfile.TemporaryDirectory() as tmp:
        path, hit = await sqlite_store(shape, Path(tmp) / "scale.sqlite3")
        print("sqlite", "cached" if hit else "built", await count_rows(f"sqlite:///{path}"))
    if args.postgres:
        url, hit = await postgres_store(shape, args.postgres)
        print("postgresql", "cached" if hit else "built", await count_rows(url))


if __name__ == "__main__":
    asyncio.run(_main())
