"""Discourse's implementation of the Messenger port, over one shared aiohttp session.

Conversations are private messages (PMs). A channel is either `topic:<id>` (an existing PM topic; posts
are replies in it) or a username (a new PM to that person alone, like a Slack DM). Message ids (`ts`)
are post ids. Every call sends `Api-Key` and `Api-Username`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import aiohttp

from cocbot.bot.discourse.incoming import IncomingPost
from cocbot.bot.discourse.threads import topic_channel, topic_id_of
from cocbot.bot.messages import Message
from cocbot.bot.messenger import DeliveryError, NotInChannel, Posted
from cocbot.handlers.discourse.render import render, title
from cocbot.handlers.discourse.translate import post as translate_post

log = logging.getLogger("cocbot.discourse")

MAY_REPEAT = ("*cocbot could not check whether an earlier attempt to send this arrived; "
              "if one did, this post repeats it.*")


def _retry_after(resp: aiohttp.ClientResponse, body: Any) -> float:
    header = resp.headers.get("Retry-After")
    try:
        if header is not None:
            return max(float(header), 0.0)
    except ValueError:
        pass
    extras = body.get("extras") if isinstance(body, dict) else None
    if isinstance(extras, dict) and isinstance(extras.get("wait_seconds"), (int, float)):
        return float(extras["wait_seconds"])
    return 5.0


class DiscourseMessenger:
    platform = "discourse"

    def __init__(self, http: aiohttp.ClientSession, base_url: str, api_key: str, api_username: str,
                 *, timeout: float = 15.0, names: Callable[[str], str | None] | None = None) -> None:
        self.http = http
        # How a Person part is named on the forum (render.forum_name); by default the id is the username.
        self.names = names or (lambda person: person)
        self.base_url = base_url.rstrip("/")
        self.api_username = api_username
        self._headers = {"Api-Key": api_key, "Api-Username": api_username, "Accept": "application/json"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def _call(self, method: str, path: str, *, json: dict[str, Any] | None = None,
                    redirects: bool = True) -> tuple[int, Any, Mapping[str, str]]:
        url = self.base_url + path
        try:
            async with self.http.request(method, url, json=json, headers=self._headers, timeout=self._timeout,
                                         allow_redirects=redirects) as resp:
                try:
                    body: Any = await resp.json(content_type=None)
                except ValueError:
                    body = None
                status, headers = resp.status, resp.headers
                if status == 429:
                    raise DeliveryError("ratelimited", transient=True, retry_after=_retry_after(resp, body))
        except (TimeoutError, aiohttp.ClientError, ConnectionError) as exc:
            raise DeliveryError(type(exc).__name__, transient=True) from exc
        if status >= 500:
            raise DeliveryError(f"http_{status}", transient=True)
        if status in (401, 403):
            # A wrong key, or the bot lacks permission: the operator must act; retrying will not help.
            raise DeliveryError(f"http_{status}", transient=False)
        if status == 404:
            raise NotInChannel("not_found")
        if status >= 400:
            # 422 carries Discourse's validation errors; they can quote the post, so only the status is kept.
            raise DeliveryError(f"http_{status}", transient=False)
        return status, body, headers

    # ---- the Messenger port ----
    async def bot_user_id(self) -> str:
        return self.api_username

    async def channel_members(self, channel: str) -> frozenset[str]:
        """Who can read a PM topic: its allowed users (Discourse sends them for PMs), else its posters."""
        topic = topic_id_of(channel)
        if topic is None:
            return frozenset({channel.lower()})
        _, body, _ = await self._call("GET", f"/t/{topic}.json")
        details = (body or {}).get("details") or {}
        people = details.get("allowed_users") or details.get("participants") or []
        members = {str(u.get("username", "")).lower() for u in people if u.get("username")}
        if details.get("allowed_groups"):
            # A group can hold anyone; the gate cannot vouch for its members, so refuse the space.
            members.add("group:" + ",".join(str(g.get("name")) for g in details["allowed_groups"]))
        return frozenset(members)

    async def create_private_space(self, name: str, *, members: frozenset[str] = frozenset()) -> str:
        # A retry after a lost response must not open a second PM: the space is found by its external id.
        existing = await self._topic_by_external_id(name)
        if existing is not None:
            readers = await self.channel_members(topic_channel(existing)) - {self.api_username}
            if readers <= members:
                return topic_channel(existing)
            # The name belongs to an earlier space with other readers (the case is moving): like Slack's
            # name_taken, so that delivery picks a new name.
            raise DeliveryError("name_taken", transient=False)
        if not members:
            raise DeliveryError("no_members", transient=False)
        _, body, _ = await self._call("POST", "/posts.json", json={
            "title": f"Code of Conduct report space {name}",
            "raw": ("This private message holds one Code of Conduct report for the committee members who may "
                    "see it. cocbot posts the report below."),
            "target_recipients": ",".join(sorted(members)),
            "archetype": "private_message",
            "external_id": name,
        })
        return topic_channel(int(body["topic_id"]))

    async def _topic_by_external_id(self, external_id: str) -> int | None:
        try:
            status, _, headers = await self._call("GET", f"/t/external_id/{quote(external_id, safe='')}.json",
                                                  redirects=False)
        except NotInChannel:
            return None
        location = str(headers.get("Location", "")) if status in (301, 302) else ""
        for part in reversed(location.split("?")[0].rstrip("/").split("/")):
            digits = part.removesuffix(".json")
            if digits.isdigit():
                return int(digits)
        return None

    async def invite(self, channel: str, users: frozenset[str]) -> None:
        topic = topic_id_of(channel)
        if topic is None:
            raise DeliveryError("not_a_topic", transient=False)
        # Usually they were named when the PM was created; invite only who is missing.
        missing = users - await self.channel_members(channel)
        for user in sorted(missing):
            await self._call("POST", f"/t/{topic}/invite.json", json={"user": user})

    async def remove(self, channel: str, user: str) -> bool:
        # Discourse's published API has no call that takes a participant out of a private message.
        return False

    async def post(self, channel: str, message: Message, *, thread: str | None = None,
                   key: str | None = None, earlier_since: datetime | None = None) -> Posted:
        raw = render(message, self.names)
        if earlier_since is not None:
            # Discourse keeps no metadata on a post to find it by, so a retry that cannot know whether an
            # earlier attempt arrived says so instead.
            raw = f"{raw}\n\n{MAY_REPEAT}"
        topic = topic_id_of(channel)
        if topic is not None:
            _, body, _ = await self._call("POST", "/posts.json", json={"topic_id": topic, "raw": raw})
        else:
            _, body, _ = await self._call("POST", "/posts.json", json={
                "title": title(message), "raw": raw, "target_recipients": channel,
                "archetype": "private_message"})
        return Posted(channel=topic_channel(int(body["topic_id"])), ts=str(body["id"]))

    async def update(self, posted: Posted, message: Message) -> None:
        await self._call("PUT", f"/posts/{int(posted.ts)}.json", json={"post": {"raw": render(message, self.names)}})

    async def delete_post(self, channel: str, ts: str) -> None:
        """Delete one of the bot's own posts (the purge). Discourse keeps a deleted post for staff to restore
        unless the site permits and asks for permanent deletion; a post already gone answers 404."""
        if not ts.isdigit():
            return
        try:
            await self._call("DELETE", f"/posts/{int(ts)}.json")
        except NotInChannel:
            return

    async def close_space(self, channel: str) -> None:
        """Delete the private-message topic the bot started for one case (the purge)."""
        topic = topic_id_of(channel)
        if topic is None:
            return
        try:
            await self._call("DELETE", f"/t/{topic}.json")
        except NotInChannel:
            return

    async def permalink(self, channel: str, ts: str) -> str | None:
        """A post's short link (`/p/<post id>`, which Discourse redirects to the post): no request needed."""
        topic = topic_id_of(channel)
        return f"{self.base_url}/p/{ts}" if topic is not None and ts.isdigit() else None

    # ---- reads used by reconciliation and flags (not part of the port) ----
    async def private_messages(self) -> list[dict[str, Any]]:
        _, body, _ = await self._call("GET", f"/topics/private-messages/{quote(self.api_username)}.json")
        return list(((body or {}).get("topic_list") or {}).get("topics") or [])

    async def topic_post_ids(self, topic_id: int) -> list[tuple[int, int, str]]:
        """(post id, post number, username) of the posts the topic's first page lists."""
        _, body, _ = await self._call("GET", f"/t/{topic_id}.json")
        posts = ((body or {}).get("post_stream") or {}).get("posts") or []
        return [(int(p["id"]), int(p["post_number"]), str(p.get("username", "")).lower()) for p in posts]

    async def get_post(self, post_id: int) -> IncomingPost:
        _, body, _ = await self._call("GET", f"/posts/{post_id}.json")
        post = translate_post(body or {})
        if post is None:
            raise DeliveryError("post_unreadable", transient=False)
        return post

    async def latest_posts(self, before: int | None = None) -> list[dict[str, Any]]:
        """One page of the forum's newest posts (newest first); `before` pages further back by post id."""
        query = f"?before={int(before)}" if before is not None else ""
        _, body, _ = await self._call("GET", f"/posts.json{query}")
        return [p for p in (body or {}).get("latest_posts") or [] if isinstance(p, dict)]

    async def flag_counts(self, post_id: int) -> dict[int, int]:
        """How many flags of each type a post has (its `actions_summary`; staff accounts see the counts)."""
        _, body, _ = await self._call("GET", f"/posts/{post_id}.json")
        counts: dict[int, int] = {}
        for action in (body or {}).get("actions_summary") or []:
            if isinstance(action, dict) and isinstance(action.get("id"), int) and int(action.get("count") or 0) > 0:
                counts[int(action["id"])] = int(action["count"])
        return counts

    async def topic_for_announcements(self, topic_id: int) -> str | None:
        """Why the bot could not post announcements in this topic, or None when it can."""
        try:
            _, body, _ = await self._call("GET", f"/t/{topic_id}.json")
        except NotInChannel:
            return "does not exist or the bot's account cannot read it"
        body = body or {}
        if body.get("archetype") == "private_message":
            return "is a private message, not a forum topic"
        if body.get("closed") or body.get("archived"):
            return "is closed or archived"
        if not (body.get("details") or {}).get("can_create_post", True):
            return "does not let the bot's account reply"
        return None

    async def member_locale(self, username: str) -> str | None:
        """The interface language the member chose in their forum profile (like "fr"); None when they kept
        the site's default."""
        try:
            _, body, _ = await self._call("GET", f"/u/{quote(username, safe='')}.json")
        except NotInChannel:
            return None
        locale = ((body or {}).get("user") or {}).get("locale")
        return str(locale) if locale else None

    async def user_exists(self, username: str) -> bool:
        try:
            await self._call("GET", f"/u/{quote(username, safe='')}.json")
        except NotInChannel:
            return False
        return True

    async def username_of(self, user_id: int) -> str | None:
        try:
            _, body, _ = await self._call("GET", f"/admin/users/{user_id}.json")
        except NotInChannel:
            return None
        name = (body or {}).get("username")
        return str(name).lower() if name else None
