"""Another process writing the SQLite file (the operator's CLI, a backup, the sqlite3 shell), played by a
plain sqlite3 connection on its own thread that holds the write lock until the test lets go."""

from __future__ import annotations

import sqlite3
import threading
from types import TracebackType


def sqlite_path(url: str) -> str:
    return url.split(":///", 1)[1]


class OtherWriter:
    def __init__(self, path: str) -> None:
        self.path = path
        self._held = threading.Event()
        self._release = threading.Event()
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        try:
            connection = sqlite3.connect(self.path, isolation_level=None)
            try:
                connection.execute("BEGIN IMMEDIATE")
                self._held.set()
                self._release.wait()
                connection.execute("COMMIT")
            finally:
                connection.close()
        except BaseException as exc:  # surfaced by __enter__/release
            self._failed = exc
            self._held.set()

    def __enter__(self) -> OtherWriter:
        self._thread.start()
        self._held.wait()
        if self._failed is not None:
            raise self._failed
        return self

    def release(self) -> None:
        """Commit and let go of the lock (waits until it is let go)."""
        self._release.set()
        self._thread.join()
        if self._failed is not None:
            raise self._failed

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._thread.is_alive():
            self.release()
