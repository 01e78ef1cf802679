"""The fake Slack's user and conversation methods (users.*, conversations.*): membership as Slack enforces it,
and history readable only by the bot where it is a member."""

from __future__ import annotations

import re
import time
from typing import Any

from cocbot.handlers.slack.testing.fake_state import FakeChannel, FakeState

# Slack's rule for a channel's name.
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


class ConversationMethods(FakeState):
    """users.*, conversations.* and auth.test."""

    def m_auth_test(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake.slack.com/", "team": "Fake", "user": "cocbot",
                "team_id": "T0FAKE", "user_id": self.bot_user_id, "bot_id": "BFAKE"}

    def m_users_info(self, p: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(p.get("user", ""))
        if not user:
            return self._err("user_not_found")
        # Slack includes the member's locale (like "es-ES") only when asked with include_locale.
        if str(p.get("include_locale", "")).lower() in ("true", "1"):
            return {"ok": True, "user": user}
        return {"ok": True, "user": {k: v for k, v in user.items() if k != "locale"}}

    def m_conversations_members(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self.channels.get(p.get("channel", ""))
        if ch is None:
            return self._err("channel_not_found")
        if self.bot_user_id not in ch.members:
            return self._err("channel_not_found" if ch.is_private else "not_in_channel")
        members = sorted(ch.members)
        limit = int(p.get("limit") or 100)
        start = int(p.get("cursor") or 0)
        page = members[start:start + limit]
        nxt = str(start + limit) if start + limit < len(members) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": nxt}}

    def m_users_conversations(self, p: dict[str, Any]) -> dict[str, Any]:
        # A bot token sees someone's private channels only where the bot is a member too.
        user = str(p.get("user") or self.bot_user_id)
        chans = sorted(c.id for c in self.channels.values() if user in c.members and not c.is_archived
                       and (not c.is_private or self.bot_user_id in c.members))
        return {"ok": True, "channels": [{"id": c} for c in chans], "response_metadata": {"next_cursor": ""}}

    def m_conversations_info(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self.channels.get(p.get("channel", ""))
        if ch is None:
            return self._err("channel_not_found")
        return {"ok": True, "channel": {"id": ch.id, "name": ch.name, "is_private": ch.is_private,
                                        "is_member": self.bot_user_id in ch.members, "is_archived": ch.is_archived}}

    def m_conversations_create(self, p: dict[str, Any]) -> dict[str, Any]:
        name = str(p.get("name", ""))
        if not _NAME.match(name):
            return self._err("invalid_name_specials")
        if any(c.name == name for c in self.channels.values()):
            return self._err("name_taken")
        private = str(p.get("is_private", "")).lower() in ("true", "1")
        cid = f"{'G' if private else 'C'}{next(self._ids)}"
        self.channels[cid] = FakeChannel(cid, name, private, {self.bot_user_id})
        return {"ok": True, "channel": {"id": cid, "name": name, "is_private": private, "is_channel": True,
                                        "created": int(time.time()), "creator": self.bot_user_id}}

    def m_conversations_invite(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self.channels.get(p.get("channel", ""))
        if ch is None:
            return self._err("channel_not_found")
        if self.bot_user_id not in ch.members:
            return self._err("not_in_channel")
        users = [u for u in str(p.get("users", "")).split(",") if u]
        if not users:
            return self._err("no_user")
        unknown = [u for u in users if u not in self.users]
        if unknown:
            return self._err("user_not_found")
        new = [u for u in users if u not in ch.members]
        if not new:
            return self._err("already_in_channel")
        for u in new:
            ch.members.add(u)
            # Joining a channel shows its history.
            for msg in ch.messages:
                self._see([u], "conversations.invite", ch.id, msg)
        return {"ok": True, "channel": {"id": ch.id, "name": ch.name}}

    def m_conversations_kick(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self.channels.get(p.get("channel", ""))
        user = str(p.get("user", ""))
        if ch is None:
            return self._err("channel_not_found")
        if self.bot_user_id not in ch.members:
            return self._err("not_in_channel")
        if user == self.bot_user_id:
            return self._err("cant_kick_self")
        if user not in self.users:
            return self._err("user_not_found")
        if user not in ch.members:
            return self._err("not_in_channel")
        ch.members.discard(user)
        return {"ok": True}

    def m_users_lookupByEmail(self, p: dict[str, Any]) -> dict[str, Any]:
        email = str(p.get("email", "")).lower()
        user = next((u for u in self.users.values() if str(u.get("email", "")).lower() == email), None)
        return {"ok": True, "user": user} if user else self._err("users_not_found")

    def m_conversations_open(self, p: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(p.get("users", "")).split(",") if u]
        if len(users) != 1 or users[0] not in self.users:
            return self._err("user_not_found")
        ch = self._resolve(users[0])
        assert ch is not None
        return {"ok": True, "channel": {"id": ch.id}}

    def _readable(self, p: dict[str, Any]) -> FakeChannel | dict[str, Any]:
        channel = str(p.get("channel", ""))
        if channel.startswith(("U", "W")):  # history takes conversation ids, never user ids
            return self._err("channel_not_found")
        ch = self._resolve(channel)
        if ch is None:
            return self._err("channel_not_found")
        if self.bot_user_id not in ch.members:
            return self._err("not_in_channel")
        return ch

    @staticmethod
    def _listed(messages: list[dict[str, Any]], p: dict[str, Any]) -> dict[str, Any]:
        oldest = float(p.get("oldest") or 0)
        limit = int(p.get("limit") or 100)
        with_metadata = str(p.get("include_all_metadata", "")).lower() in ("1", "true")
        newer = [m for m in messages if float(m["ts"]) > oldest]
        shown = []
        for m in newer[:limit]:
            out = {"type": "message", "user": m["user"], "ts": m["ts"], "text": m["text"], "blocks": m["blocks"]}
            if m.get("thread_ts"):
                out["thread_ts"] = m["thread_ts"]
            if with_metadata and "metadata" in m:
                out["metadata"] = m["metadata"]
            shown.append(out)
        return {"ok": True, "messages": shown, "has_more": len(newer) > limit}

    def m_conversations_history(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self._readable(p)
        if isinstance(ch, dict):
            return ch
        top = [m for m in ch.messages if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
        return self._listed(sorted(top, key=lambda m: float(m["ts"]), reverse=True), p)  # newest first

    def m_conversations_replies(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self._readable(p)
        if isinstance(ch, dict):
            return ch
        parent = str(p.get("ts", ""))
        thread = [m for m in ch.messages if m["ts"] == parent or m.get("thread_ts") == parent]
        if not thread:
            return self._err("thread_not_found")
        return self._listed(sorted(thread, key=lambda m: float(m["ts"])), p)  # oldest first

    def m_conversations_archive(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve(str(p.get("channel", "")))
        if ch is None or ch.id.startswith("D"):
            return self._err("channel_not_found" if ch is None else "method_not_supported_for_channel_type")
        if self.bot_user_id not in ch.members:
            return self._err("not_in_channel")
        if ch.is_archived:
            return self._err("already_archived")
        ch.is_archived = True
        return {"ok": True}
