"""`cocbot backup FILE` and `cocbot restore FILE`: copies of the bot's SQLite database (storage/backup.py).

They find the database as every other command does (DATABASE_URL with the bot's settings, a missing
database refused). A PostgreSQL database is backed up with PostgreSQL's own tools; these commands say so
rather than pretend.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

_POSTGRES = ("DATABASE_URL is a PostgreSQL database: back it up with PostgreSQL's own tools, e.g. "
             "`pg_dump --format=custom --file=cocbot.dump \"$DATABASE_URL\"`, and restore with "
             "`pg_restore --clean --if-exists --no-owner --dbname=\"$DATABASE_URL\" cocbot.dump` while every "
             "replica is stopped (README, Operations).")


def add_backup_commands(sub: Any) -> None:
    backup = sub.add_parser("backup", help="copy the bot's SQLite database to FILE, safely while the bot runs")
    backup.add_argument("file", type=Path, help="the new backup file (never overwritten)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="replace the bot's SQLite database with the backup FILE (the bot "
                                             "must be stopped; it migrates the restored database at start)")
    restore.add_argument("file", type=Path, help="a file made by `cocbot backup`")
    restore.add_argument("--force", action="store_true",
                         help="replace a database that exists (every report in it is replaced by the backup's)")
    restore.set_defaults(func=cmd_restore)


def _sqlite_path(command: str, url: str, *, must_exist: bool) -> Path:
    """The bot's SQLite file, or CommandError (PostgreSQL, or a database that does not exist)."""
    from sqlalchemy.engine import make_url

    from cocbot.bot.cli.database import CommandError, missing_database

    if not url.startswith("sqlite"):
        raise CommandError(_POSTGRES)
    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise CommandError(f"cocbot {command} needs DATABASE_URL to name a SQLite file (sqlite:///path)")
    why = missing_database(url) if must_exist else None
    if why:
        raise CommandError(why)
    return Path(name)


def cmd_backup(args: argparse.Namespace) -> int:
    from cocbot.bot.cli.database import CommandError, command_settings
    from cocbot.storage.backup import BackupError, backup

    try:
        settings = command_settings()
        copied = backup(_sqlite_path("backup", settings.database_url, must_exist=True), args.file)
    except (CommandError, BackupError) as exc:
        print(f"cocbot backup: {exc}", file=sys.stderr)
        return 2
    keys = ("its reports are encrypted: keep COCBOT_CONTENT_KEYS too, apart from it (without them the backup "
            "cannot be read)" if settings.content_keys else "its reports are plain text (COCBOT_CONTENT_KEYS is "
            "not set)")
    print(f"backed up {copied.reports} reports to {copied.path} (schema revision {copied.revision}). Keep it as "
          f"safe as the database: {keys}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from cocbot.bot.cli.database import CommandError, command_settings
    from cocbot.storage.backup import BackupError, restore

    try:
        path = _sqlite_path("restore", command_settings().database_url, must_exist=False)
        copied = restore(args.file, path, force=bool(args.force))
    except (CommandError, BackupError) as exc:
        print(f"cocbot restore: {exc}", file=sys.stderr)
        return 2
    print(f"restored {copied.reports} reports into {copied.path.resolve()} (schema revision {copied.revision}). "
          "Start the bot with the same COCBOT_CONTENT_KEYS as when the backup was made; it upgrades the "
          "schema at start if the backup is older.")
    return 0
