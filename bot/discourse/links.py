"""One-time report-form links: signed, bound to one Discourse user, single-use, expiring.

A link is `<public_url>/discourse/report/<token id>.<signature>`. The token id is derived from what
asked for it (the post id), so a webhook retried or caught again by reconciliation yields the same link;
the signature (HMAC-SHA256 with a key derived from the webhook secret) covers the id, the user and the
expiry, so a link cannot be forged, moved to another user or extended. The database row makes it
single-use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@dataclass(frozen=True)
class LinkSigner:
    key: bytes

    @classmethod
    def from_secret(cls, webhook_secret: str) -> "LinkSigner":
        # A key of its own, so a leaked form link says nothing about the webhook secret.
        return cls(hmac.new(webhook_secret.encode(), b"cocbot report-form links v1", hashlib.sha256).digest())

    def token_id(self, origin: str) -> str:
        return _b64(hmac.new(self.key, f"id|{origin}".encode(), hashlib.sha256).digest()[:18])

    def signature(self, token_id: str, username: str | None, expires_at: datetime) -> str:
        message = f"{token_id}|{username or ''}|{int(expires_at.timestamp())}".encode()
        return _b64(hmac.new(self.key, message, hashlib.sha256).digest()[:24])

    def link_token(self, token_id: str, username: str | None, expires_at: datetime) -> str:
        return f"{token_id}.{self.signature(token_id, username, expires_at)}"

    def verify(self, link_token: str, username: str | None, expires_at: datetime) -> bool:
        token_id, _, signature = link_token.partition(".")
        expected = self.signature(token_id, username, expires_at)
        return hmac.compare_digest(expected.encode(), signature.encode())


def split(link_token: str) -> str:
    """The token id part of a link token (not yet verified)."""
    return link_token.partition(".")[0]
