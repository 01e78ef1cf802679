"""Engine and session lifecycle. One Database per process; one session per unit of work."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any
from collections.abc import AsyncIterator, Callable, Iterator

import aiosqlite
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

import cocbot.storage.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from cocbot.storage.content import PLAIN, ContentSeal, using

# The Database whose SQLite lock the current task holds: a nested transaction() must not wait for itself.
_HOLDING: ContextVar[object | None] = ContextVar("cocbot_sqlite_lock_holder", default=None)
# Set while a task runs bulk work (the purge): its SQLite statements run on the connection's thread, not inline.
_OFF_LOOP: ContextVar[bool] = ContextVar("cocbot_sqlite_off_loop", default=False)


@contextmanager
def statements_off_loop() -> Iterator[None]:
    """Within this block, the current task's SQLite statements run on their connection's thread.

    For bulk work such as the purge: inline, a batch's statements would hold the event loop for the whole
    batch (a `/report` waiting behind it); handed off, the loop serves others while SQLite works, and is held
    only for the Python side of each statement. No effect on PostgreSQL (its driver never blocks the loop)."""
    token = _OFF_LOOP.set(True)
    try:
        yield
    finally:
        _OFF_LOOP.reset(token)


# A pooled PostgreSQL connection unused for this long is checked before it is handed out (_ping_when_idle).
IDLE_PING_SECONDS = 2.0


class _WithoutStatements(logging.Filter):
    """aiosqlite logs every call it hands to its thread at DEBUG with the call's arguments: a report's
    INSERT with its text and reporter. Those lines are dropped, whoever turns DEBUG on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


def _quiet_aiosqlite() -> None:
    logger = logging.getLogger("aiosqlite")
    if not any(isinstance(f, _WithoutStatements) for f in logger.filters):
        logger.addFilter(_WithoutStatements())


class Database:
    def __init__(self, url: str, *, echo: bool = False, seal: ContentSeal | None = None,
                 idle_ping_seconds: float = IDLE_PING_SECONDS) -> None:
        self.url = url
        # Seals report content in this database's transactions (encrypting when keys are configured).
        self.seal = seal or PLAIN
        # A statement's parameters are report text and reporters' ids: they must never reach an error's
        # text, which ends up in tracebacks and logs.
        kwargs: dict[str, object] = {"echo": echo, "hide_parameters": True}
        if url.startswith("postgresql"):
            kwargs.update(pool_size=10, max_overflow=20)
        else:
            # transaction() always ends with COMMIT or ROLLBACK, so the pool's extra ROLLBACK when a
            # connection is returned is pure cost: with aiosqlite every call is a hand-off to the
            # connection's thread, and this one was 1 in 8 of them.
            kwargs.update(pool_reset_on_return=None, async_creator=lambda: self._connect_sqlite())
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            _quiet_aiosqlite()
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            _ping_when_idle(self.engine, idle_ping_seconds)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time. Left to itself, every waiting transaction sleeps in SQLite's
        # busy handler (1, 2, 5 … 100 ms naps), which under concurrent submissions costs far more than
        # the work; queueing the transactions of this process on the event loop hands the database to
        # the next one the moment the previous commits. It also makes read-then-write units of work
        # safe: pysqlite only BEGINs at the first write, so two of them could both act on the same read
        # (tests/storage/test_db_sqlite.py). SQLite runs a single replica, so this process is every writer.
        self._sqlite_lock: asyncio.Lock | None = asyncio.Lock() if self.is_sqlite else None

    def _connect_sqlite(self) -> InlineSQLite:
        args, params = self.engine.dialect.create_connect_args(self.engine.url)
        # Used from the event loop's thread as well as the connection's own (commit, close); the
        # transaction lock above keeps those uses from overlapping.
        params["check_same_thread"] = False
        connection = InlineSQLite(partial(sqlite3.connect, *args, **params), 64)
        # As SQLAlchemy does for the connections it makes itself: an engine never disposed must not keep
        # the process from exiting.
        connection._thread.daemon = True
        return connection

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def create_schema(self) -> str:
        """Create or upgrade the tables (storage/migrate.py); returns "created" or "upgraded"."""
        from cocbot.storage.migrate import upgrade

        async with self.engine.begin() as conn:
            return await conn.run_sync(upgrade)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits on success and rolls back on any exception."""
        if self._sqlite_lock is None or _HOLDING.get() is self:
            with using(self.seal):
                async with self._sessions() as session:
                    async with session.begin():
                        yield session
            return
        async with self._sqlite_lock:
            token = _HOLDING.set(self)
            try:
                with using(self.seal):
                    async with self._sessions() as session:
                        async with session.begin():
                            yield session
            finally:
                _HOLDING.reset(token)

    async def dispose(self) -> None:
        await self.engine.dispose()


class InlineSQLite(aiosqlite.Connection):
    """aiosqlite that runs statements on the event loop's thread and only waits on its own thread.

    aiosqlite hands every call (cursor, execute, fetch, close, commit) to the connection's thread and
    back: ~3.5 hand-offs per statement, each a queue put, a thread wake-up, a self-pipe write and an
    event-loop turn, which cost more CPU than the statement itself (half of a report's intake CPU).
    A statement against a local file in WAL mode is a few page-cache reads and writes (microseconds),
    so it runs inline. COMMIT and ROLLBACK of a transaction that wrote keep the hand-off: a commit may
    run a WAL checkpoint, which fsyncs, and that must not stall the event loop. (A read-only unit of
    work has no transaction open, so its commit is a no-op and runs inline.) What is persisted, and
    when, does not change. Bulk work hands every statement off (`statements_off_loop`).

    Another process writing the same file (`cocbot bans`, a backup, the sqlite3 shell) holds SQLite's
    write lock for as long as it likes. Waiting for it inline would freeze the event loop (health checks,
    /report, every listener), so on the loop the connection never waits (busy_timeout 0): a statement
    that finds the file locked fails at once with SQLITE_BUSY, before it changed anything, and is run
    again on the connection's thread with the real busy timeout. The first write of a transaction is
    the one that takes the lock (pysqlite's BEGIN is deferred and takes none), so retrying that
    statement is retrying the transaction's start; later statements of the transaction hold the lock.
    """

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        connection = self._connection
        if _OFF_LOOP.get():
            return await super()._execute(_trying, connection, fn, args, kwargs)
        if (fn == connection.commit or fn == connection.rollback) and connection.in_transaction:
            return await super()._execute(fn, *args, **kwargs)
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in _WAITABLE:
                raise
        return await super()._execute(_waiting, connection, fn, args, kwargs)


_RETURNED = "cocbot_returned_at"


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Check a pooled connection before use only when it sat unused for `idle_seconds`.

    A connection can die while it sits in the pool (PostgreSQL restarted, a failover, an idle timeout on
    the way). The pool's pre-ping checks on every checkout, and asyncpg's ping is a transaction of its own
    (BEGIN, a statement, ROLLBACK): three round trips before each of the several transactions a report
    takes. A connection returned a moment ago was working a moment ago, so only one that sat idle is
    checked; a dead one is replaced (the pool tries a new one). A server that goes away while connections
    are in constant use fails the statement in flight, as it would with the pre-ping, and that failure
    makes the pool replace every connection opened before it.
    """
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    def returned(dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if time.monotonic() - record.info.get(_RETURNED, 0.0) < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("a pooled connection failed its check") from exc

    event.listen(pool, "connect", returned)  # just opened: as good as just returned
    event.listen(pool, "checkin", returned)
    event.listen(pool, "checkout", checkout)


# SQLite's result codes for "another connection holds the lock; trying again later can succeed".
# SQLITE_BUSY_SNAPSHOT is not one: the transaction read a snapshot that is now stale, and only a new
# transaction helps, so it is raised as before.
_WAITABLE = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_BUSY_RECOVERY})
# How long a statement may wait for another process's write lock, off the event loop. The operator's
# commands and backups hold it for seconds; waiting costs this process nothing but the transaction's
# turn (the others queue behind it on the Database's lock, not on the loop).
BUSY_TIMEOUT_MS = 30_000


def _waiting(connection: sqlite3.Connection, fn: Callable[..., Any], args: tuple[Any, ...],
             kwargs: dict[str, Any]) -> Any:
    """Run `fn` on the connection's thread, letting SQLite wait for the lock (see InlineSQLite)."""
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}").close()
    try:
        return fn(*args, **kwargs)
    finally:
        connection.execute("PRAGMA busy_timeout=0").close()


def _trying(connection: sqlite3.Connection, fn: Callable[..., Any], args: tuple[Any, ...],
            kwargs: dict[str, Any]) -> Any:
    """On the connection's thread: at once, and if the file is locked, waiting for it (`_waiting`)."""
    try:
        return fn(*args, **kwargs)
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode not in _WAITABLE:
            raise
    return _waiting(connection, fn, args, kwargs)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # busy_timeout=0 first: on the event loop's thread a locked file must fail fast, and InlineSQLite
    # then waits for it on the connection's thread (even for these PRAGMAs, when another process has the
    # file locked as the connection opens). WAL lets the outbox worker read while a report is being
    # written, and other processes read while this one writes. synchronous=NORMAL in WAL mode: a commit is
    # durable against the process crashing (it is in the WAL file once COMMIT returns); only an OS crash
    # or power loss can take back the last commits, never corrupt the file. Reports are confirmed to
    # the reporter after COMMIT, so a crash of cocbot loses nothing.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted content is overwritten with zeros rather than left in free space: a purged report must not
    # stay readable in the file (storage/retention.py checkpoints the WAL, which holds the old pages).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()
