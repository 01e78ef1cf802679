"""Fixtures shared by every test: the fake Slack, a database URL and the running bot."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Iterator

import pytest
from hypothesis import settings

from cocbot.bot.clock import ManualClock
from cocbot.storage.db import Database
from tests.fakes.slack import FakeSlack
from tests.harness import Harness, make_config, standard_world

POSTGRES_ENV = "COCBOT_TEST_POSTGRES_URL"

# Examples per property test that sets no count of its own. The privacy properties start a whole bot per
# example (~0.25 s): 20 keep the README's test command quick; CI (.ci/run sets HYPOTHESIS_PROFILE=ci) runs
# 60, exploring three times as many committees, memberships and clicks on every submission.
settings.register_profile("dev", max_examples=20)
settings.register_profile("ci", max_examples=60)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


class _Everything(logging.Handler):
    """Keeps every record that reaches the root logger, formatted the way a log file would hold it."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.lines: list[tuple[str, str]] = []
        self._format = logging.Formatter("%(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self._format.format(record)  # the message, then any traceback and stack
        except Exception as exc:  # a record that cannot be formatted is still looked at, as raw as it is
            text = f"{record.msg!r} {record.args!r} ({exc!r})"
        self.lines.append((record.name, text))


@pytest.fixture(autouse=True)
def no_report_content_in_logs() -> Iterator[None]:
    """Logs never hold report text or reporters' ids, whoever writes them (cocbot, Bolt, SQLAlchemy,
    aiohttp…): every record of every logger during the test is checked against what the test drivers
    submitted (handlers/slack/testing/markers.py). The root logger is opened to DEBUG; loggers cocbot or a
    library sets to a level of their own keep it, as they would in production."""
    from cocbot.handlers.slack.testing import markers

    markers.clear()
    root = logging.getLogger()
    handler = _Everything()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    leaks = [(name, text, markers.found_in(text)) for name, text in handler.lines]
    leaks = [leak for leak in leaks if leak[2]]
    markers.clear()
    if leaks:
        shown = "\n".join(f"  [{name}] holds {hits}: {text[:300]!r}" for name, text, hits in leaks[:10])
        pytest.fail(f"{len(leaks)} log record(s) hold report content or a reporter's id:\n{shown}",
                    pytrace=False)


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/cocbot.sqlite3"


async def reset_postgres(url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlmodel import SQLModel

    import cocbot.storage.tables  # noqa: F401

    from sqlalchemy import text

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
        await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await engine.dispose()


_WORKER_DATABASES: set[str] = set()


async def worker_database(url: str) -> str:
    """The database this test process works in. Run serially, the one named; under pytest-xdist each worker
    gets its own (`<name>_gw0`, `<name>_gw1`, ...), created beside the named one on first use, because
    every PostgreSQL test drops and recreates the tables and two workers sharing them would collide."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    url, mark, query = url.partition("?")
    base, _, name = url.rpartition("/")
    own = f"{name}_{worker}"
    if own not in _WORKER_DATABASES:
        import asyncpg

        admin = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", own):
                for attempt in range(20):
                    try:
                        await admin.execute(f'CREATE DATABASE "{own}"')
                        break
                    except asyncpg.DuplicateDatabaseError:
                        break
                    except asyncpg.ObjectInUseError:
                        # Another session is copying template1 at this moment (any client on the server).
                        if attempt == 19:
                            raise
                        await asyncio.sleep(0.25)
        finally:
            await admin.close()
        _WORKER_DATABASES.add(own)
    return f"{base}/{own}{mark}{query}"


async def fresh_postgres_url(skip_reason: str) -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(skip_reason)
    from cocbot.bot.config.settings import normalise_database_url

    url = await worker_database(normalise_database_url(url))
    await reset_postgres(url)
    return url


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    yield await fresh_postgres_url(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run), e.g. "
                                   "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[str]:
    """Both engines, for the tests that must hold on either."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/cocbot.sqlite3"
    else:
        yield await fresh_postgres_url(f"PostgreSQL variant needs {POSTGRES_ENV} (set by .ci/run)")


async def _fresh_schema(url: str) -> AsyncIterator[Database]:
    database = Database(url)
    await database.create_schema()
    yield database
    await database.dispose()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A fresh schema on both engines, for tests of storage queries."""
    async for database in _fresh_schema(database_url):
        yield database


@pytest.fixture
async def sqlite_db(sqlite_url: str) -> AsyncIterator[Database]:
    """A fresh schema on SQLite alone, for what only SQLite's single replica does."""
    async for database in _fresh_schema(sqlite_url):
        yield database


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    standard_world(fake)
    await fake.start()
    yield fake
    await fake.stop()
    assert not fake.violations, "Web API calls that break Slack's published spec:\n" + "\n".join(fake.violations)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


async def _running_bot(slack: FakeSlack, url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = Harness(slack, make_config(), url, clock)
    await harness.start()
    yield harness
    await harness.stop()


@pytest.fixture
async def bot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    async for harness in _running_bot(slack, sqlite_url, clock):
        yield harness


@pytest.fixture
async def engine_bot(slack: FakeSlack, database_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    """The bot on each database engine: SQLite, and PostgreSQL when a test database is given."""
    async for harness in _running_bot(slack, database_url, clock):
        yield harness


# Whether the fakes check calls against the third-party specs (COCBOT_SPECS_DIR), said at start and end.
from tests.fakes.specs import pytest_report_header, pytest_terminal_summary  # noqa: E402,F401
