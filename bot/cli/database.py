"""The database as the command-line tools (`cocbot bans`, `calls`, `content reseal`) open it.

They read the same settings as `cocbot run` (DATABASE_URL with the same normalisation, COCBOT_CONTENT_KEYS),
so they see what the bot stored. And they only ever open a database that exists: a mistyped DATABASE_URL,
or a command run from another directory, must not create an empty database and report that it holds
nothing ("No bans in force") — only `cocbot run` creates one.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cocbot.bot.config.settings import Settings, SettingsError, load_settings

T = TypeVar("T")


class CommandError(Exception):
    """A problem the operator fixes (settings, a missing database): printed as is, exit status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def command_settings(*, require_config: bool = False) -> Settings:
    """The bot's settings for a command that does not talk to Slack (any Slack settings given are checked)."""
    try:
        return load_settings(require_slack=False, require_config=require_config)
    except SettingsError as exc:
        raise CommandError(exc.render().replace("cocbot cannot start", "cocbot cannot run this command")) from None


def missing_database(url: str) -> str | None:
    """Why `url` names no existing database, or None. Only SQLite can be checked without connecting; a
    PostgreSQL database that does not exist fails to connect instead, and never gets created either."""
    if not url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    path = Path(name)
    if path.is_file():
        return None
    return (f"DATABASE_URL points at {path.resolve()}, which does not exist. Run the command where the bot "
            "runs, with the same DATABASE_URL; only `cocbot run` creates a database.")


def open_database(settings: Settings):  # type: ignore[no-untyped-def]
    """The bot's database with its content keys, refusing one that does not exist (CommandError)."""
    from cocbot.storage.content import ContentSeal
    from cocbot.storage.db import Database

    why = missing_database(settings.database_url)
    if why:
        raise CommandError(why)
    return Database(settings.database_url, seal=ContentSeal(settings.content_keys))


def describe_failure(exc: BaseException) -> tuple[str, int]:
    """A one-line message and exit status for a command that could not use the database."""
    from cocbot.storage.content import ContentKeyError

    if isinstance(exc, CommandError):
        return exc.message, 2
    if isinstance(exc, ContentKeyError):
        return f"{exc} (set COCBOT_CONTENT_KEYS as for `cocbot run`)", 2
    if type(exc).__name__ == "InvalidCatalogNameError" or "does not exist" in str(getattr(exc, "orig", "")):
        return f"the database in DATABASE_URL does not exist ({type(exc).__name__})", 2
    # A driver's own error, not SQLAlchemy's wrapper: the wrapper's text carries the statement's parameters.
    return f"{type(exc).__name__}: {getattr(exc, 'orig', None) or exc}", 1


async def with_database(work: Callable[[Any], Awaitable[T]], settings: Settings | None = None) -> T:
    """`work` on the bot's database (`settings`: the command's own, else read now), disposed of afterwards."""
    db = open_database(command_settings() if settings is None else settings)
    try:
        await db.create_schema()
        return await work(db)
    finally:
        await db.dispose()


@dataclass(frozen=True)
class Failed:
    """A command's work could not run; why was printed already, `status` is the exit status."""

    status: int


def run_or_say(work: Coroutine[Any, Any, T], failure: str, *, config_errors: bool = False) -> T | Failed:
    """Run a command's work; what stops it is printed as "<failure>: <why>" rather than as a traceback (a
    missing or unreachable database, a missing key). `config_errors`: a ConfigError is printed as rendered."""
    from cocbot.bot.config.community import ConfigError

    try:
        return asyncio.run(work)
    except Exception as exc:
        if config_errors and isinstance(exc, ConfigError):
            print(exc.render(), file=sys.stderr)
            return Failed(2)
        message, status = describe_failure(exc)
        print(f"{failure}: {message}", file=sys.stderr)
        return Failed(status)
