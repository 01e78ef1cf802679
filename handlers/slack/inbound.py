"""HTTP requests from Slack → Bolt requests, with a fast path for the interactive payload.

Slack posts interactions (modal submissions, button clicks) as `payload=<url-encoded JSON>`. Bolt decodes
that with `urllib.parse.parse_qsl`, whose percent-decoding runs in Python one escape at a time: for a
report's `view_submission` (~6 KB, nearly every JSON character escaped) that was ~0.3 ms, about 5% of the
CPU cocbot spends per report. Percent-escapes are quoted-printable escapes with `%` for `=`, so
`binascii.a2b_qp` (C) decodes them once `%` is swapped for `=`; the fast path takes only bodies where that is
exactly equivalent, and everything else goes through Bolt's own parser.

Before any of that, `gate` decides whether the request may reach Bolt at all: size, signature, encoding and
shape are checked here, and a refusal is logged as one line without the body. Bolt's own verification logs
the whole body of every request it rejects (a report's text and its reporter's id, in a genuine request
whose timestamp drifted), and Bolt answers a malformed body with a 500 and a traceback.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body

_PREFIX = "payload="
# Anything a2b_qp would read differently from a percent-decoder: a bare `%`, `=`, `&`, line breaks.
_NOT_PLAIN_ESCAPES = re.compile(r"%(?![0-9A-Fa-f]{2})|[=&\r\n]")


def parse_slack_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """What Bolt's `parse_body` returns, faster for `payload=` bodies."""
    if raw.startswith(_PREFIX) and content_type != "application/json":
        encoded = raw[len(_PREFIX):]
        if encoded.isascii() and not _NOT_PLAIN_ESCAPES.search(encoded):
            decoded = binascii.a2b_qp(encoded.replace("+", " ").replace("%", "=").encode("ascii"))
            return json.loads(decoded.decode("utf-8", errors="replace"))
    return parse_body(raw, content_type)


# Slack's own bodies are far smaller (a modal submission is a few KB, a flagged 40,000-character message
# well under this); anything bigger is refused before it is read in full.
MAX_BODY_BYTES = 1024 * 1024
# Slack's replay window: a signed request older or newer than this is refused.
MAX_CLOCK_SKEW_SECONDS = 5 * 60
# Payload types that always come from a person, with their user and (for clicks) their actions.
_FROM_A_USER = frozenset({"block_actions", "view_submission", "view_closed", "message_action", "shortcut",
                          "block_suggestion", "interactive_message", "dialog_submission"})


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


@dataclass(frozen=True)
class Accepted:
    raw: str
    body: dict[str, Any]


async def _read_capped(request: web.Request, cap: int) -> bytes | None:
    if request.content_length is not None and request.content_length > cap:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def signature_problem(raw: bytes, timestamp: str | None, signature: str | None, secret: str,
                      now: float) -> str | None:
    """Why a request is not signed by Slack with `secret`, or None when it is."""
    if not timestamp or not signature:
        return "not signed"
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return "timestamp not a number"
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return "timestamp outside the replay window"
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return "bad signature"
    return None


def shape_problem(body: Any) -> str | None:
    """Why a signed body is not something Slack sends, or None. Listeners may then rely on its user."""
    if not isinstance(body, dict):
        return "body is not an object"
    if "command" in body:
        user = body.get("user_id")
        return None if isinstance(user, str) and user else "command without a user"
    kind = body.get("type")
    if kind in _FROM_A_USER:
        user = body.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
            return f"{kind} without a user"
        if kind == "block_actions":
            actions = body.get("actions")
            if not isinstance(actions, list) or not actions or not all(isinstance(a, dict) for a in actions):
                return "block_actions without actions"
        if kind in ("view_submission", "view_closed"):
            view = body.get("view")
            if not isinstance(view, dict) or not isinstance(view.get("id"), str):
                return f"{kind} without a view"
    return None


async def gate(request: web.Request, signing_secret: str, *, now: float | None = None) -> Accepted | Refusal:
    """Read, verify and parse a request from Slack; a Refusal says what to answer."""
    raw = await _read_capped(request, MAX_BODY_BYTES)
    if raw is None:
        return Refusal(413, "body too large")
    problem = signature_problem(raw, request.headers.get("X-Slack-Request-Timestamp"),
                                request.headers.get("X-Slack-Signature"), signing_secret,
                                time.time() if now is None else now)
    if problem is not None:
        return Refusal(401, problem)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "body is not UTF-8")
    try:
        body = parse_slack_body(text, request.headers.get("Content-Type", "").split(";")[0] or None)
    except (ValueError, TypeError, KeyError, IndexError):  # e.g. `payload=` that is not JSON
        return Refusal(400, "body cannot be parsed")
    problem = shape_problem(body)
    if problem is not None:
        return Refusal(400, problem)
    return Accepted(text, body)


def to_bolt_request(request: web.Request, accepted: Accepted) -> AsyncBoltRequest:
    # Built with an empty body (nothing to parse), then given the raw body and the parsed one, exactly the
    # fields Bolt's constructor sets from them.
    bolt = AsyncBoltRequest(body="", query=request.query_string, headers=request.headers)  # type: ignore[arg-type]
    bolt.raw_body = accepted.raw
    bolt.body = accepted.body
    bolt.context = build_async_context(AsyncBoltContext({}), bolt.body)
    return bolt
