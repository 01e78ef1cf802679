"""Slack's side of bans enforcement (bot/bans/ports.py SlackBans): removing a person from a channel and
finding an account by email. Errors become DeliveryErrors like the messenger's."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.handlers.slack.messenger import _translate

# The person is not there (any more): nothing to remove.
_GONE = {"not_in_channel", "user_not_in_channel"}
# The token may not look people up by email, or nobody has that email: the check goes on without it.
_NO_LOOKUP = {"users_not_found", "missing_scope", "not_allowed_token_type", "no_permission", "invalid_email"}
_REFUSED = {"missing_scope", "not_allowed_token_type", "no_permission"}


class SlackBanTools:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        # Set when Slack refused an email lookup for want of users:read.email: the check says so.
        self.email_lookup_refused = False

    async def kick(self, channel: str, user: str) -> bool:
        try:
            await self.client.conversations_kick(channel=channel, user=user)
        except SlackApiError as exc:
            if exc.response.get("error") in _GONE:
                return False
            raise _translate(exc) from exc
        except Exception as exc:
            raise _translate(exc) from exc
        return True

    async def conversations_of(self, user: str) -> frozenset[str]:
        # users.conversations with `user`: channels:read and groups:read, scopes cocbot already has; a bot
        # token sees the person's private channels only where cocbot is a member too.
        found: set[str] = set()
        cursor: str | None = None
        try:
            while True:
                resp = await self.client.users_conversations(user=user, types="public_channel,private_channel",
                                                             exclude_archived=True, limit=999, cursor=cursor)
                channels: list[dict[str, Any]] = resp.get("channels") or []
                found.update(str(c["id"]) for c in channels if c.get("id"))
                cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    return frozenset(found)
        except Exception as exc:
            raise _translate(exc) from exc

    async def user_by_email(self, email: str) -> str | None:
        try:
            resp = await self.client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            if exc.response.get("error") in _NO_LOOKUP:
                self.email_lookup_refused |= exc.response.get("error") in _REFUSED
                return None
            raise _translate(exc) from exc
        except Exception as exc:
            raise _translate(exc) from exc
        user = resp.get("user") or {}
        return str(user["id"]) if user.get("id") else None
