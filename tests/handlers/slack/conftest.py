"""Fixtures shared by the Slack edge's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cocbot.bot.clock import ManualClock
from tests.fakes.slack import FakeSlack
from tests.harness import Harness, make_config


@pytest.fixture
async def engine_bot(slack: FakeSlack, database_url: str, clock: ManualClock) -> AsyncIterator[Harness]:
    """The bot on each database engine: SQLite, and PostgreSQL when a test database is given."""
    harness = Harness(slack, make_config(), database_url, clock)
    await harness.start()
    yield harness
    await harness.stop()
