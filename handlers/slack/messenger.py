"""Slack's implementation of the Messenger port, over one shared AsyncWebClient."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.messages import Message
from cocbot.bot.messenger import DeliveryError, NotInChannel, Posted
from cocbot.handlers.slack.render import render_blocks, render_text

log = logging.getLogger("cocbot.slack")
operator_log = logging.getLogger("cocbot.operator")

_TRANSIENT_CODES = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
                    "team_added_to_org"}
_NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found"}

# Message metadata naming the outbox row a post delivers; read back by _find_posted.
METADATA_EVENT = "cocbot_delivery"
MAY_REPEAT = ("_cocbot could not check whether an earlier attempt to send this arrived; "
              "if one did, this message repeats it._")
# Reading back: the newest messages since the row was queued; Slack and the bot's clocks may differ a little.
_LOOK_BACK = 100
_CLOCK_MARGIN_SECONDS = 120.0
_MAX_BLOCKS = 50
# conversations.members page size: Slack's cursor-paginated methods take a limit under 1,000.
MEMBERS_PAGE = 999


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
        # Posts go through a twin of the client without slack_sdk's retry on a dropped connection: that
        # retry re-sends at once, even when Slack had taken the first request. The outbox retries instead,
        # looking for the earlier post first (see post()).
        self._poster = AsyncWebClient(token=client.token, base_url=client.base_url, session=client.session,
                                      timeout=client.timeout, logger=client.logger, retry_handlers=[])
        self._bot_user: str | None = None

    async def bot_user_id(self) -> str:
        if self._bot_user is None:
            try:
                resp = await self.client.auth_test()
            except Exception as exc:
                raise _translate(exc) from exc
            self._bot_user = str(resp["user_id"])
        return self._bot_user

    async def member_locale(self, user: str) -> str | None:
        """The member's Slack language (like "es-ES"); None when Slack does not say."""
        if user[:1] not in ("U", "W"):
            return None
        try:
            resp = await self.client.users_info(user=user, include_locale=True)
        except Exception as exc:
            raise _translate(exc) from exc
        locale = (resp.get("user") or {}).get("locale")
        return str(locale) if locale else None

    async def channel_members(self, channel: str) -> frozenset[str]:
        members: set[str] = set()
        cursor: str | None = None
        try:
            while True:
                # Pages as large as Slack serves (under 1,000): a committee channel of thousands is read in
                # a few calls, not dozens, on every report's routing.
                resp = await self.client.conversations_members(channel=channel, limit=MEMBERS_PAGE, cursor=cursor)
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

    async def remove(self, channel: str, user: str) -> bool:
        try:
            await self.client.conversations_kick(channel=channel, user=user)
        except SlackApiError as exc:
            if exc.response.get("error") == "not_in_channel":  # gone already (left, or an earlier attempt)
                return True
            raise _translate(exc) from exc
        except Exception as exc:
            raise _translate(exc) from exc
        return True

    async def post(self, channel: str, message: Message, *, thread: str | None = None,
                   key: str | None = None, earlier_since: datetime | None = None) -> Posted:
        blocks = render_blocks(message)
        text = render_text(message)
        if key is not None and earlier_since is not None:
            try:
                found = await self._find_posted(channel, key, earlier_since, thread)
            except DeliveryError as exc:
                if exc.transient:
                    raise  # look again on the retry rather than risk a second post now
                # E.g. the app was not reinstalled with the history scopes: post, saying it may repeat.
                operator_log.warning("could not look for an earlier attempt of delivery %s (%s); it is sent "
                                     "again, marked as possibly repeated", key, exc.code)
                found = None
                text = f"{text}\n\n{MAY_REPEAT}"
                if len(blocks) < _MAX_BLOCKS:
                    blocks = [*blocks, {"type": "context", "elements": [{"type": "mrkdwn", "text": MAY_REPEAT}]}]
            if found is not None:
                log.info("delivery %s was posted by an earlier attempt; adopting that message", key)
                return found
        kwargs: dict[str, Any] = {
            "channel": channel,
            "text": text,
            "blocks": blocks,
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread:
            kwargs["thread_ts"] = thread
        if key is not None:
            # The row's key (an id, never content) lets a retry recognise this message (_find_posted).
            kwargs["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"key": key}}
        try:
            # The same JSON body chat_postMessage would send: it only converts Block Kit objects (these are
            # already dicts), drops None values (there are none) and warns about a missing text (there is
            # one), walking every block of every post to do so.
            resp = await self._poster.api_call("chat.postMessage", json=kwargs)
        except Exception as exc:
            raise _translate(exc) from exc
        return Posted(channel=str(resp["channel"]), ts=str(resp["ts"]))

    async def _find_posted(self, channel: str, key: str, since: datetime, thread: str | None) -> Posted | None:
        """This bot's message carrying `key`, posted after `since`, in the conversation (or the thread)."""
        oldest = f"{since.timestamp() - _CLOCK_MARGIN_SECONDS:.6f}"
        try:
            bot_user = await self.bot_user_id()
            conversation = channel
            if channel.startswith(("U", "W")):  # a direct message, addressed by user id when posting
                opened = await self.client.conversations_open(users=channel)
                conversation = str(opened["channel"]["id"])
            if thread:
                resp = await self.client.conversations_replies(channel=conversation, ts=thread, oldest=oldest,
                                                               limit=_LOOK_BACK, include_all_metadata=True)
            else:
                resp = await self.client.conversations_history(channel=conversation, oldest=oldest,
                                                               limit=_LOOK_BACK, include_all_metadata=True)
        except Exception as exc:
            raise _translate(exc) from exc
        for msg in resp.get("messages") or []:
            meta = msg.get("metadata") or {}
            if (meta.get("event_type") == METADATA_EVENT and (meta.get("event_payload") or {}).get("key") == key
                    and msg.get("user") == bot_user and msg.get("ts")):
                return Posted(channel=conversation, ts=str(msg["ts"]))
        return None

    async def update(self, posted: Posted, message: Message) -> None:
        try:
            await self.client.chat_update(channel=posted.channel, ts=posted.ts, text=render_text(message),
                                          blocks=render_blocks(message))
        except Exception as exc:
            raise _translate(exc) from exc

    async def delete_post(self, channel: str, ts: str) -> None:
        """Delete one of the bot's own messages (the purge); one already gone is not an error."""
        try:
            await self.client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as exc:
            if exc.response.get("error") == "message_not_found":
                return
            raise _translate(exc) from exc
        except Exception as exc:
            raise _translate(exc) from exc

    async def close_space(self, channel: str) -> None:
        """Archive a private channel the bot created for one case (the purge)."""
        try:
            await self.client.conversations_archive(channel=channel)
        except SlackApiError as exc:
            if exc.response.get("error") == "already_archived":
                return
            raise _translate(exc) from exc
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
