"""The one seam through which report content goes to and from the database.

Descriptions, snapshots, addenda, notes, the people named in a report and the reporter's identity are
all stored as sealed strings produced here, in the columns whose names end in `_sealed`.

- `v1:` values are plain JSON (what every database holds when no content key is set).
- `v2:` values are JSON encrypted and authenticated with Fernet (AES-128-CBC + HMAC-SHA256), under the
  first of the keys in `COCBOT_CONTENT_KEYS`; every listed key can read, so keys are rotated by putting a
  new one first and running `cocbot content reseal`, which rewrites every sealed value under it.
Plain values stay readable after encryption is switched on, so a database never has to be converted at
once; `reseal` converts it when the operator chooses.

Each Database carries its seal and makes it current for its transactions (`using`), so storage modules
call `SEAL.seal` / `SEAL.unseal` without knowing the keys, and two bots in one process never mix them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from collections.abc import Callable, Hashable, Iterator, Sequence

_PLAIN = "v1:"
_SEALED = "v2:"


class ContentKeyError(Exception):
    """The database holds encrypted content this process cannot read (no key, or not the right one)."""


# `cryptography` is imported only where keys are used: a bot without content keys never loads it (it
# costs several MB of resident memory, and an idle bot's memory is a budget).

def new_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def check_key(key: str) -> str | None:
    """Why `key` is not a content key, or None when it is one."""
    from cryptography.fernet import Fernet

    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        return "is not a content key (32 random bytes, url-safe base64; make one with `cocbot keygen`)"
    return None


class ContentSeal:
    """Turns content into the string stored in the database and back; encrypts when given keys."""

    def __init__(self, keys: Sequence[str] = ()) -> None:
        self._fernet: Any = None
        # Index keys for people (person_keys): derived from the content keys, so an index of who is named
        # in which report is no more readable than the reports themselves once keys are set.
        self._person_index = [hashlib.sha256(b"cocbot person index\0" + k.encode()).digest() for k in keys] or [
            b"cocbot person index (no content key)"]
        self._person_keys: dict[str, list[str]] = {}
        self._derived: dict[Hashable, Any] = {}
        if keys:
            from cryptography.fernet import Fernet, MultiFernet

            self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    def seal(self, value: Any) -> str:
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if self._fernet is None:
            return _PLAIN + data
        return _SEALED + self._fernet.encrypt(data.encode()).decode("ascii")

    def unseal(self, stored: str | None) -> Any:
        if stored is None:
            return None
        if stored.startswith(_PLAIN):
            return json.loads(stored[len(_PLAIN):])
        if stored.startswith(_SEALED):
            if self._fernet is None:
                raise ContentKeyError("report content in the database is encrypted, but COCBOT_CONTENT_KEYS "
                                      "is not set")
            from cryptography.fernet import InvalidToken

            try:
                return json.loads(self._fernet.decrypt(stored[len(_SEALED):].encode("ascii")))
            except InvalidToken:
                raise ContentKeyError("report content in the database was encrypted with a key that is not "
                                      "in COCBOT_CONTENT_KEYS") from None
        raise ValueError("sealed value has an unknown format")

    def person_keys(self, person: str) -> list[str]:
        """The index values of a person (a Slack id or a forum username), current key first: one keyed
        hash per content key, so rows indexed before a key rotation are still found."""
        found = self._person_keys.get(person)
        if found is None:
            # Remembered: every new report asks again for the committee's own people (the earlier-cases check
            # of who reads it). Bounded, so a long-running bot never holds more than a few thousand.
            if len(self._person_keys) >= 4096:
                self._person_keys.clear()
            value = person.strip().lower().encode()
            found = self._person_keys[person] = [hmac.new(k, value, hashlib.sha256).hexdigest()[:40]
                                                 for k in self._person_index]
        return list(found)

    def derived(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """A value computed from index keys (e.g. what each key means for a committee's readers), kept for the
        next caller with the same `key`: a committee of thousands asks the same on every new report, and
        hashing each reader again costs more than the rest of the check. A handful are kept."""
        if key not in self._derived:
            if len(self._derived) >= 16:
                self._derived.clear()
            self._derived[key] = compute()
        return self._derived[key]

    def reseal(self, stored: str | None) -> str | None:
        """The value sealed under the current first key (None when it already is, or is empty)."""
        if stored is None:
            return None
        if self._fernet is not None and stored.startswith(_SEALED):
            from cryptography.fernet import InvalidToken

            try:
                rotated = _SEALED + self._fernet.rotate(stored[len(_SEALED):].encode("ascii")).decode("ascii")
            except InvalidToken:
                raise ContentKeyError("a sealed value was encrypted with a key that is not in "
                                      "COCBOT_CONTENT_KEYS") from None
            return rotated
        if self._fernet is None and stored.startswith(_PLAIN):
            return None  # plain stays plain without a key
        return self.seal(self.unseal(stored))


PLAIN = ContentSeal()
_CURRENT: ContextVar[ContentSeal] = ContextVar("cocbot_content_seal", default=PLAIN)


@contextmanager
def using(seal: ContentSeal) -> Iterator[None]:
    """Make `seal` the one SEAL uses in this task (Database.transaction wraps each unit of work in it)."""
    token = _CURRENT.set(seal)
    try:
        yield
    finally:
        _CURRENT.reset(token)


class _CurrentSeal:
    """What storage modules call: the seal of the Database whose transaction is running."""

    def seal(self, value: Any) -> str:
        return _CURRENT.get().seal(value)

    def unseal(self, stored: str | None) -> Any:
        return _CURRENT.get().unseal(stored)

    def person_keys(self, person: str) -> list[str]:
        return _CURRENT.get().person_keys(person)

    def derived(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        return _CURRENT.get().derived(key, compute)


SEAL = _CurrentSeal()
