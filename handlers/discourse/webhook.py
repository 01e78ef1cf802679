"""`POST /discourse/webhook`: verify the signature, answer pings, translate, hand over to the edge.

Discourse signs the raw body: `X-Discourse-Event-Signature: sha256=<hex HMAC-SHA256(secret, body)>`.
There is no timestamp, and each retry carries a new event id, so de-duplication is on what the payload
is about (see `DiscourseEdge.handle`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger("cocbot.discourse")

MAX_BODY = 2 * 1024 * 1024


def signature_for(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    if not header:
        return False
    return hmac.compare_digest(signature_for(secret, body).encode(), header.strip().encode())


Handle = Callable[[str, str, dict[str, Any]], Awaitable[str]]


def webhook_route(secret: str, get_handle: Callable[[], Handle]) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def discourse_webhook(request: web.Request) -> web.Response:
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.json_response({"error": "body too large"}, status=413)
        body = await request.read()
        if not verify(secret, body, request.headers.get("X-Discourse-Event-Signature")):
            # Same answer for missing and wrong: nothing to learn by probing.
            return web.json_response({"error": "missing or invalid X-Discourse-Event-Signature"}, status=401)
        event_type = request.headers.get("X-Discourse-Event-Type", "")
        event = request.headers.get("X-Discourse-Event", "")
        if event_type == "ping" or event == "ping":
            return web.json_response({"ok": True, "pong": True})
        try:
            payload = json.loads(_json_part(body, request.content_type))
        except ValueError:
            return web.json_response(
                {"error": "the body is not JSON: set the webhook's content type to application/json"}, status=400)
        if not isinstance(payload, dict):
            return web.json_response({"error": "the body must be a JSON object"}, status=400)
        outcome = await get_handle()(event_type, event, payload)
        log.info("discourse %s/%s: %s", event_type or "-", event or "-", outcome)
        return web.json_response({"ok": True, "outcome": outcome})

    return discourse_webhook


def _json_part(body: bytes, content_type: str) -> bytes:
    """The JSON document: the body itself, or its `payload` field when the webhook is set to send forms."""
    if content_type == "application/x-www-form-urlencoded":
        from urllib.parse import parse_qs

        fields = parse_qs(body.decode("utf-8", errors="replace"))
        if "payload" in fields:
            return fields["payload"][0].encode()
    return body
