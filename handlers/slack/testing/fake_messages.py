"""The fake Slack's message and view methods (chat.*, views.*): what is posted, edited or shown, attributed to
the people who could read it."""

from __future__ import annotations

import json
import time
from typing import Any

from cocbot.handlers.slack.testing.fake_state import FakeState


class MessageMethods(FakeState):
    """chat.* and views.*."""

    def m_chat_postMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        if not p.get("text") and not p.get("blocks"):
            return self._err("no_text")
        ch = self._resolve(str(p.get("channel", "")))
        if ch is None:
            return self._err("channel_not_found")
        if self.bot_user_id not in ch.members:
            return self._err("not_in_channel")
        if ch.is_archived:
            return self._err("is_archived")
        ts = self._new_ts()
        msg = {"ts": ts, "text": p.get("text", ""), "blocks": p.get("blocks") or [],
               "thread_ts": p.get("thread_ts"), "user": self.bot_user_id,
               "unfurl_links": p.get("unfurl_links"), "unfurl_media": p.get("unfurl_media")}
        if p.get("metadata") is not None:
            metadata = json.loads(p["metadata"]) if isinstance(p["metadata"], str) else p["metadata"]
            if not isinstance(metadata, dict) or not metadata.get("event_type") \
                    or not isinstance(metadata.get("event_payload"), dict):
                return self._err("invalid_metadata_format")
            msg["metadata"] = metadata
        ch.messages.append(msg)
        self._see(ch.members, "chat.postMessage", ch.id, {"text": msg["text"], "blocks": msg["blocks"]})
        return {"ok": True, "channel": ch.id, "ts": ts, "message": msg}

    def m_chat_update(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve(str(p.get("channel", "")))
        if ch is None:
            return self._err("channel_not_found")
        for msg in ch.messages:
            if msg["ts"] == p.get("ts"):
                msg["text"] = p.get("text", msg["text"])
                msg["blocks"] = p.get("blocks") or msg["blocks"]
                self._see(ch.members, "chat.update", ch.id, {"text": msg["text"], "blocks": msg["blocks"]})
                return {"ok": True, "channel": ch.id, "ts": msg["ts"], "text": msg["text"]}
        return self._err("message_not_found")

    def m_chat_delete(self, p: dict[str, Any]) -> dict[str, Any]:
        ch = self._resolve(str(p.get("channel", "")))
        if ch is None:
            return self._err("channel_not_found")
        for msg in ch.messages:
            if msg["ts"] == str(p.get("ts", "")):
                if msg["user"] != self.bot_user_id:
                    return self._err("cant_delete_message")
                # A deleted thread parent leaves its replies, as in Slack; each reply is deleted on its own.
                ch.messages.remove(msg)
                return {"ok": True, "channel": ch.id, "ts": msg["ts"]}
        return self._err("message_not_found")

    def m_chat_postEphemeral(self, p: dict[str, Any]) -> dict[str, Any]:
        user = str(p.get("user", ""))
        if user not in self.users:
            return self._err("user_not_found")
        self._see([user], "chat.postEphemeral", p.get("channel"), {"text": p.get("text"), "blocks": p.get("blocks")})
        return {"ok": True, "message_ts": self._new_ts()}

    def m_chat_getPermalink(self, p: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(p.get("channel", "")), str(p.get("message_ts", ""))
        if channel not in self.channels and not channel.startswith("D"):
            return self._err("channel_not_found")
        return {"ok": True, "channel": channel,
                "permalink": f"https://fake.slack.com/archives/{channel}/p{ts.replace('.', '')}"}

    def _store_view(self, view: dict[str, Any], owner: str, view_id: str | None = None) -> dict[str, Any]:
        view_id = view_id or f"V{next(self._ids)}"
        stored = {**view, "id": view_id, "hash": f"h{next(self._ids)}", "team_id": "T0FAKE",
                  "app_id": "AFAKE", "bot_id": "BFAKE"}
        self.views[view_id] = stored
        self.view_owner[view_id] = owner
        self._see([owner], "views", None, view)
        return stored

    def m_views_open(self, p: dict[str, Any]) -> dict[str, Any]:
        trigger = str(p.get("trigger_id", ""))
        if trigger not in self.triggers:
            return self._err("invalid_trigger_id")
        user, issued, used = self.triggers[trigger]
        if used:
            return self._err("exchanged_trigger_id")
        if time.monotonic() - issued > self.trigger_window:
            return self._err("expired_trigger_id")
        self.triggers[trigger] = (user, issued, True)
        if not isinstance(p.get("view"), dict):
            return self._err("invalid_arguments")
        return {"ok": True, "view": self._store_view(p["view"], user)}

    def m_views_push(self, p: dict[str, Any]) -> dict[str, Any]:
        return self.m_views_open(p)

    def m_views_update(self, p: dict[str, Any]) -> dict[str, Any]:
        view_id = str(p.get("view_id", ""))
        if view_id not in self.views:
            return self._err("not_found")
        return {"ok": True, "view": self._store_view(p["view"], self.view_owner[view_id], view_id)}

    def m_views_publish(self, p: dict[str, Any]) -> dict[str, Any]:
        user = str(p.get("user_id", ""))
        if user not in self.users:
            return self._err("user_not_found")
        return {"ok": True, "view": self._store_view(p["view"], user, f"VHOME{user}")}
