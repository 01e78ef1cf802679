"""Copies of a SQLite database: a backup taken while the bot runs, and its restore while the bot is stopped.

Both go through SQLite's online backup API rather than copying files: a live database in WAL mode is the
main file plus the committed pages still in its -wal file, so a file copy can miss the last reports or
catch a page half-written. The backup API reads one consistent snapshot through SQLite itself, and in WAL
mode that read blocks no writer: the bot keeps taking reports while the copy is made.

Plain blocking functions: the command line calls them directly, anything on an event loop through
asyncio.to_thread.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing as _closing
from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    """A copy that was refused or failed; the message says why and what to do. Nothing was overwritten."""


@dataclass(frozen=True)
class Copied:
    path: Path
    reports: int
    revision: str | None  # the schema revision recorded in the copy (None: not a cocbot database yet)


def backup(source: Path, target: Path) -> Copied:
    """Copy the live database `source` to the new file `target` (never overwritten: BackupError)."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    if target.exists():
        raise BackupError(f"{target} already exists; backups are never overwritten, name a new file")
    try:
        with _closing(_open(source)) as live:
            return _copy_to_new_file(live, target)
    except sqlite3.Error as exc:
        raise BackupError(f"{source} could not be copied: {exc}") from None


def restore(backup_file: Path, target: Path, *, force: bool = False) -> Copied:
    """Make `target` (the bot's database path) a copy of `backup_file`. An existing `target` is replaced only
    with `force`, and only when no process has it open (the bot must be stopped): BackupError otherwise."""
    if not backup_file.is_file():
        raise BackupError(f"{backup_file} does not exist")
    with _closing(_open(backup_file)) as source:
        _check(source, backup_file)
        if not target.exists():
            return _copy_to_new_file(source, target)
        if not force:
            raise BackupError(
                f"{target} already exists. Restoring replaces every report in it with those in the backup: "
                "stop the bot, back it up first if it holds anything you may need, then run restore again "
                "with --force")
        with _closing(_open(target)) as current:
            _lock_out_everyone_else(current, target)
            # Through SQLite rather than over the file: a -wal file left by a bot that crashed belongs to
            # the old database, and written over by a file copy it would be replayed onto the new one.
            try:
                source.backup(current)
            except sqlite3.Error as exc:
                raise BackupError(f"{target} could not be restored, it is unchanged: {exc}") from None
            return _describe(current, target)


def _copy_to_new_file(source: sqlite3.Connection, target: Path) -> Copied:
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and linked into place at the end: an interrupted copy leaves no file that
    # looks like a backup, and the link fails rather than replace a file that appeared meanwhile.
    fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    try:
        with _closing(sqlite3.connect(partial, isolation_level=None)) as copy:
            source.backup(copy)  # one step: one consistent snapshot of the source
            # One self-contained file: a copy in WAL mode would need its -wal file carried along with it.
            copy.execute("PRAGMA journal_mode=DELETE").close()
            _check(copy, target)
            copied = _describe(copy, target)
        try:
            os.link(partial, target)
        except FileExistsError:
            raise BackupError(f"{target} already exists; backups are never overwritten, name a new file") from None
        return copied
    finally:
        os.unlink(partial)


def _open(path: Path) -> sqlite3.Connection:
    # mode=rw: a mistyped path fails instead of creating an empty database.
    connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=30000").close()  # the bot's commits are short
    return connection


def _check(connection: sqlite3.Connection, path: Path) -> None:
    try:
        result = connection.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database ({exc})") from None
    if not result or result[0] != "ok":
        raise BackupError(f"{path} is damaged: SQLite's check says {result[0] if result else 'nothing'}")


def _describe(connection: sqlite3.Connection, path: Path) -> Copied:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    reports = connection.execute("SELECT count(*) FROM reports").fetchone()[0] if "reports" in tables else 0
    revision = (connection.execute("SELECT version_num FROM alembic_version").fetchone() or (None,))[0] \
        if "alembic_version" in tables else None
    return Copied(path, reports, revision)


def _lock_out_everyone_else(connection: sqlite3.Connection, path: Path) -> None:
    """Hold `path` exclusively until `connection` closes; BackupError if another connection has it open.

    In WAL mode every open connection keeps a shared lock on the database file, even an idle one in a
    pool, so an exclusive lock is granted only when no bot (and no other tool) has the database open."""
    connection.execute("PRAGMA busy_timeout=0").close()
    connection.execute("PRAGMA locking_mode=EXCLUSIVE").close()
    try:
        connection.execute("BEGIN EXCLUSIVE").close()
    except sqlite3.OperationalError:
        raise BackupError(f"{path} is open in another process: stop the bot (and any other command using the "
                          "database), then restore again") from None
    connection.execute("COMMIT").close()  # the exclusive locking mode keeps the lock after the transaction
