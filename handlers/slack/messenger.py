"""Slack's implementation of the Messenger port, over one shared AsyncWebClient."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import Message
from bot.messenger import DeliveryError, NotInChannel, Posted
from handlers.slack.render import render_blocks, render_text

log = logging.getLogger("cocbot.slack")

_TRANSIENT_CODES = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
                    "team_added_to_org"}
_NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found"}


def _translate(exc: Exception) -> DeliveryError:
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        code = str(exc.response.get("error") or f"http_{status}")
        if status == 429:
            retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
            try:
                seconds = float(retry_after) if retry_after is not None else 1.0
            except ValueError:
                seconds = 1.0
            return DeliveryError("ratelimited", transient=True, retry_after=seconds)
        if status >= 500 or code in _TRANSIENT_CODES:
            return DeliveryError(code, transient=True)
        if code in _NOT_IN_CHANNEL:
            return NotInChannel(code)
        return DeliveryError(code, transient=False)
    if isinstance(exc, (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)):
        return DeliveryError(type(exc).__name__, transient=True)
    raise exc


class SlackMessenger:
    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._bot_user: str | None = None

    async def bot_user_id(self) -> str:
        if self._bot_user is None:
            try:
                resp = await self.client.auth_test()
            except Exception as exc:
                raise _translate(exc) from exc
            self._bot_user = str(resp["user_id"])
        return self._bot_user

    async def channel_members(self, channel: str) -> frozenset[str]:
        members: set[str] = set()
        cursor: str | None = None
        try:
            while True:
                kwargs = {"channel": channel, "limit": 200}
                if cursor:
                    kwargs["cursor"] = cursor
                resp = await self.client.conversations_members(**kwargs)
                members.update(resp.get("members", []))
                cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    return frozenset(members)
        except Exception as exc:
            raise _translate(exc) from exc

    async def create_private_space(self, name: str, *, members: frozenset[str] = frozenset()) -> str:
        # Slack creates the channel with only the bot; delivery invites `members` next.
        try:
            resp = await self.client.conversations_create(name=name, is_private=True)
        except Exception as exc:
            raise _translate(exc) from exc
        return str(resp["channel"]["id"])

    async def invite(self, channel: str, users: frozenset[str]) -> None:
        if not users:
            return
        try:
            await self.client.conversations_invite(channel=channel, users=",".join(sorted(users)))
        except SlackApiError as exc:
            if exc.response.get("error") == "already_in_channel":
                return
            raise _translate(exc) from exc
        except Exception as exc:
            raise _translate(exc) from exc

    async def post(self, channel: str, message: Message, *, thread: str | None = None) -> Posted:
        kwargs = {
            "channel": channel,
            "text": render_text(message),
            "blocks": render_blocks(message),
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread:
            kwargs["thread_ts"] = thread
        try:
            resp = await self.client.chat_postMessage(**kwargs)
        except Exception as exc:
            raise _translate(exc) from exc
        return Posted(channel=str(resp["channel"]), ts=str(resp["ts"]))

    async def update(self, posted: Posted, message: Message) -> None:
        try:
            await self.client.chat_update(channel=posted.channel, ts=posted.ts, text=render_text(message),
                                          blocks=render_blocks(message))
        except Exception as exc:
            raise _translate(exc) from exc

    async def permalink(self, channel: str, ts: str) -> str | None:
        try:
            resp = await self.client.chat_getPermalink(channel=channel, message_ts=ts)
        except SlackApiError as exc:
            # A deleted message or a channel the bot cannot read: the snapshot still stands.
            log.info("no permalink for a flagged message (%s)", exc.response.get("error"))
            return None
        except Exception as exc:
            raise _translate(exc) from exc
        return str(resp.get("permalink") or "") or None
