"""One-time report-form links: signed, bound to one Discourse user, single-use, expiring.

A link is `<public_url>/discourse/report/<token id>.<signature>`. The token id is derived from what
asked for it (the post id), so a webhook retried or caught again by reconciliation yields the same link;
the signature (HMAC-SHA256 with a key derived from the webhook secret) covers the id, the user and the
expiry, so a link cannot be forged, moved to another user or extended. The database row makes it
single-use: `FormLinks` creates, opens and spends them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import Clock
from cocbot.bot.config.discourse import DiscourseConfig
from cocbot.bot.messenger import DeliveryError
from cocbot.storage import discourse as dq
from cocbot.storage.db import Database


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@dataclass(frozen=True)
class LinkSigner:
    key: bytes

    @classmethod
    def from_secret(cls, webhook_secret: str) -> LinkSigner:
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


@dataclass(frozen=True)
class LinkState:
    """What a link opened in a browser is: its token id and member when it can still send a report, else
    why not (`refusal`: invalid, used or expired; `ref` is the report a used link sent)."""

    token_id: str = ""
    username: str = ""
    refusal: str | None = None
    ref: str | None = None


@dataclass
class FormLinks:
    """The rows behind the links: one per link, bound to its member, spent by the report it sends."""

    db: Database
    clock: Clock
    settings: DiscourseConfig

    def __post_init__(self) -> None:
        self.signer = LinkSigner.from_secret(self.settings.webhook_secret)

    def token_id(self, post_id: int) -> str:
        return self.signer.token_id(f"post:{post_id}")

    async def create(self, session: AsyncSession, token_id: str, username: str) -> None:
        now = self.clock.now()
        await dq.create_token(session, token_id=token_id, username=username, now=now,
                              expires_at=now + timedelta(minutes=self.settings.form_link_minutes))

    async def to_send(self, token_id: str) -> tuple[str, str]:
        """(member, link) for the PM that carries a link."""
        async with self.db.transaction() as session:
            token = await dq.get_token(session, token_id)
        if token is None or token.username is None:
            raise DeliveryError("form_token_missing", transient=False)
        link = self.signer.link_token(token.id, token.username, token.expires_at)
        return token.username, f"{self.settings.public_url}/discourse/report/{link}"

    async def open(self, link: str) -> LinkState:
        async with self.db.transaction() as session:
            token = await dq.get_token(session, split(link))
        if token is None or not self.signer.verify(link, token.username, token.expires_at) or token.username is None:
            return LinkState(refusal="invalid")
        if token.used_at is not None:
            return LinkState(refusal="used", ref=token.report_ref)
        if self.clock.now() >= token.expires_at:
            return LinkState(refusal="expired")
        return LinkState(token.id, token.username)

    async def spend(self, token_id: str, ref: str) -> None:
        async with self.db.transaction() as session:
            await dq.use_token(session, token_id, ref=ref, now=self.clock.now())
