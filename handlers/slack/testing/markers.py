"""What the test drivers submitted as report content and as reporters' ids, for the suite's log guard.

The drivers (the Slack harness, the Discourse form driver) note here every free text a test types into a
report or a modal and the id of every reporter; tests/conftest.py clears the notes before each test and,
after it, fails the test if any log record holds one of them. Only distinctive strings are noted: a short
text such as "ok" could appear in any log line by chance.
"""

from __future__ import annotations

import re

MIN_TEXT = 8

_texts: set[str] = set()
_ids: set[str] = set()


def note_text(*texts: object) -> None:
    for text in texts:
        if isinstance(text, str) and len(text.strip()) >= MIN_TEXT:
            _texts.add(text.strip())


def note_reporter(*ids: object) -> None:
    for value in ids:
        if isinstance(value, str) and len(value) >= 3:
            _ids.add(value)


def clear() -> None:
    _texts.clear()
    _ids.clear()


def found_in(text: str) -> list[str]:
    """The noted strings that `text` holds (ids as whole words, so UBOB does not match UBOBBY)."""
    hits = [t for t in _texts if t in text]
    hits += [i for i in _ids if re.search(rf"(?<![A-Za-z0-9_]){re.escape(i)}(?![A-Za-z0-9_])", text)]
    return sorted(hits)


def noted() -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(_texts), frozenset(_ids)
