"""Cross-site request forgery on the report forms.

Another website can make a visitor's browser POST to the form; it cannot read our pages. So a POST is
accepted only when it carries a token found in our own form page, and a browser that names the page the
POST came from (`Origin`, or `Referer` when there is no usable Origin) must name this server.

The pages are served with `Referrer-Policy: no-referrer`, so browsers send `Origin: null` and no Referer on
our own form's POST: the token is what proves the POST came from our page.
- The one-time link's form: the token is a MAC of the link's id. Only someone who can open the link sees
  it, and whoever holds the link could submit it anyway.
- The public form has no secret in its address, so anyone can fetch a token; its token is therefore bound
  to a random value in a `SameSite=Strict` cookie, which browsers never send with a cross-site POST.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from collections.abc import Mapping
from urllib.parse import urlsplit

from aiohttp import web

FIELD = "csrf"
COOKIE = "cocbot_form"
PUBLIC_TOKEN_SECONDS = 24 * 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL, lower-cased, or None when it has none."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass(frozen=True)
class FormGuard:
    key: bytes
    public_origin: str | None

    @classmethod
    def from_secret(cls, webhook_secret: str, public_url: str) -> FormGuard:
        # A key of its own, so a form token says nothing about the webhook secret or the links' key.
        key = hmac.new(webhook_secret.encode(), b"cocbot report-form csrf v1", hashlib.sha256).digest()
        return cls(key, origin_of(public_url))

    def _mac(self, message: str) -> str:
        return _b64(hmac.new(self.key, message.encode(), hashlib.sha256).digest()[:24])

    # ---- tokens ----
    def link_token(self, token_id: str) -> str:
        return self._mac(f"link|{token_id}")

    def public_token(self, nonce: str, now: datetime) -> str:
        issued = int(now.timestamp())
        return f"{issued}.{self._mac(f'public|{nonce}|{issued}')}"

    def new_public(self, now: datetime) -> tuple[str, str]:
        """(cookie value, form token) for a fresh public form."""
        nonce = secrets.token_urlsafe(18)
        return nonce, self.public_token(nonce, now)

    def link_token_ok(self, form: Mapping[str, Any], token_id: str) -> bool:
        return hmac.compare_digest(str(form.get(FIELD, "")).encode(), self.link_token(token_id).encode())

    def public_token_ok(self, form: Mapping[str, Any], cookie: str | None, now: datetime) -> bool:
        issued_text, _, mac = str(form.get(FIELD, "")).partition(".")
        if not cookie or not issued_text.isdigit():
            return False
        expected = self._mac(f"public|{cookie}|{issued_text}")
        if not hmac.compare_digest(expected.encode(), mac.encode()):
            return False
        return 0 <= now.timestamp() - int(issued_text) <= PUBLIC_TOKEN_SECONDS

    # ---- where the POST came from ----
    def foreign_origin(self, request: web.Request) -> bool:
        """True when the browser says the POST came from a page of another site."""
        allowed = {o for o in (self.public_origin, origin_of(f"{request.scheme}://{request.host}")) if o}
        origin = request.headers.get("Origin", "").strip()
        if origin and origin != "null":
            return origin.lower() not in allowed
        referer = request.headers.get("Referer", "").strip()
        if referer:
            return origin_of(referer) not in allowed
        return False

    def set_cookie(self, response: web.StreamResponse, request: web.Request, value: str) -> None:
        response.set_cookie(COOKIE, value, max_age=PUBLIC_TOKEN_SECONDS, path="/discourse/report",
                            httponly=True, samesite="Strict", secure=request.secure)
