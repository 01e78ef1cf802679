"""What arrives from the forum, as neutral values: a post, a flag, and the words cocbot answers to.

The edge's translate module is the one place that reads Discourse's payloads; it hands these over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Discourse's own accounts: their PMs (welcome messages, tutorials) are not people asking to report.
SYSTEM_USERS = frozenset({"system", "discobot"})


@dataclass(frozen=True)
class IncomingPost:
    id: int
    topic_id: int
    post_number: int
    username: str
    raw: str
    version: int
    private_message: bool
    category_id: int | None = None


@dataclass(frozen=True)
class IncomingFlag:
    reviewable_id: int
    post_id: int
    flag_types: frozenset[int]
    flagger_id: int | None
    version: int


def duty_words(raw: str) -> list[str] | None:
    """The words after `onduty` when a private message starts with it (`onduty take 2h` → ["take", "2h"])."""
    m = re.match(r"\s*@?on-?duty\b(.*)$", raw or "", re.IGNORECASE | re.DOTALL)
    return m.group(1).split() if m else None


def asks_onduty(raw: str, bot: str) -> bool:
    """`@cocbot onduty` anywhere in a post (mention and word, in any case)."""
    return bool(re.search(rf"(?<![\w@])@{re.escape(bot)}\b", raw, re.IGNORECASE)) and \
        bool(re.search(r"\bon-?duty\b", raw, re.IGNORECASE))
