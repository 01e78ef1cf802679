"""Fixtures shared by every test: the fake Slack, a database URL and the running bot."""

from __future__ import annotations

import os
from typing import AsyncIterator

import pytest

from bot.clock import ManualClock
from tests.fakes.slack import FakeSlack
from tests.harness import Harness, make_config, standard_world

POSTGRES_ENV = "COCBOT_TEST_POSTGRES_URL"


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/cocbot.sqlite3"


async def reset_postgres(url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlmodel import SQLModel

    import storage.tables  # noqa: F401

    from sqlalchemy import text

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
        await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await engine.dispose()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run), e.g. "
                    "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    from bot.settings import normalise_database_url

    url = normalise_database_url(url)
    await reset_postgres(url)
    yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[str]:
    """Both engines, for the tests that must hold on either."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/cocbot.sqlite3"
    else:
        url = os.environ.get(POSTGRES_ENV)
        if not url:
            pytest.skip(f"PostgreSQL variant needs {POSTGRES_ENV} (set by .ci/run)")
        from bot.settings import normalise_database_url

        url = normalise_database_url(url)
        await reset_postgres(url)
        yield url


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


@pytest.fixture
async def bot(slack: FakeSlack, sqlite_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = Harness(slack, make_config(), sqlite_url, clock)
    await harness.start()
    yield harness
    await harness.stop()


# Whether the fakes check calls against the third-party specs (COCBOT_SPECS_DIR), said at start and end.
from tests.fakes.specs import pytest_report_header, pytest_terminal_summary  # noqa: E402,F401
