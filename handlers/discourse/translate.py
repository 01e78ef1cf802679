"""Discourse payloads → neutral values (bot/discourse/incoming.py). Nothing else in the project reads
Discourse's payload shapes."""

from __future__ import annotations

import re
from typing import Any
from collections.abc import Iterable

from cocbot.bot.config.discourse import FLAG_TYPES, normalise_username
from cocbot.bot.discourse.incoming import IncomingFlag, IncomingPost
from cocbot.bot.reports.intake import Anonymity

_SPLIT = re.compile(r"[\s,;]+")
FLAG_NAMES = {v: k for k, v in FLAG_TYPES.items()}


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def post(data: dict[str, Any]) -> IncomingPost | None:
    if not isinstance(data, dict) or not data.get("id") or not data.get("topic_id"):
        return None
    archetype = data.get("topic_archetype") or data.get("archetype") or ""
    return IncomingPost(
        id=_int(data["id"]), topic_id=_int(data["topic_id"]), post_number=_int(data.get("post_number"), 1),
        username=normalise_username(str(data.get("username") or "")), raw=str(data.get("raw") or ""),
        version=_int(data.get("version"), 1), private_message=archetype == "private_message",
        category_id=_int(data.get("category_id")) or None,
    )


def _score_type(score: dict[str, Any]) -> int | None:
    for key in ("reviewable_score_type", "score_type_id", "post_action_type_id"):
        if isinstance(score.get(key), int):
            return int(score[key])
    kind = score.get("score_type") or score.get("type")
    if isinstance(kind, dict):
        kind = kind.get("id") or kind.get("type")
    if isinstance(kind, int):
        return kind
    if isinstance(kind, str):
        return FLAG_TYPES.get(kind)
    return None


def flag(data: dict[str, Any]) -> IncomingFlag | None:
    """A flagged post from a `reviewable` payload; None for other kinds of review item."""
    if not isinstance(data, dict) or data.get("type") != "ReviewableFlaggedPost":
        return None
    post_id = _int(data.get("target_id"))
    if not post_id:
        return None
    scores = [s for s in data.get("reviewable_scores") or [] if isinstance(s, dict)]
    types = {t for t in (_score_type(s) for s in scores) if t is not None}
    flagger = next((_int(s.get("user_id")) for s in scores if s.get("user_id")), None) \
        or _int(data.get("created_by_id")) or None
    return IncomingFlag(_int(data.get("id")), post_id, frozenset(types), flagger, _int(data.get("version"), 0))


def usernames(text: str) -> tuple[str, ...]:
    names = [normalise_username(n) for n in _SPLIT.split(text or "") if n.strip().lstrip("@")]
    return tuple(dict.fromkeys(names))


def anonymity(value: str | None) -> Anonymity:
    try:
        return Anonymity(value or "confidential")
    except ValueError:
        return Anonymity.CONFIDENTIAL


def one_of(value: str | None, allowed: Iterable[str], default: str) -> str:
    return value if value in set(allowed) else default

