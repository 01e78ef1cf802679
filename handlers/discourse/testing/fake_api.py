"""A local fake of the Discourse API: an aiohttp server on loopback that keeps users, private-message
topics and posts, answers like Discourse, injects faults, records every request, and records who could
read what (`seen`) — the transcript the privacy tests attack.

Every request (and every response the fake gives) is handed to `checker`, which tests wire to
Discourse's published OpenAPI document (tests/fakes/discourse_specs.py); problems land in `violations`.
It also signs webhook deliveries the way Discourse does, for tests and demos.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

from aiohttp import web

BOT = "cocbot"
API_KEY = "test-discourse-api-key"
_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]()<>#+\-.!|~:&\"'=$%^/;,?@])")

# (method, path, query, json body, headers) → problems
RequestChecker = Callable[[str, str, dict[str, str], Any, dict[str, str]], list[str]]
# (method, path, status, response body) → problems
ResponseChecker = Callable[[str, str, int, Any], list[str]]


def readable(raw: str) -> str:
    """What a person reads once Discourse has rendered cocbot's Markdown (escapes gone)."""
    return _UNESCAPE.sub(r"\1", raw).replace("\u2060", "")


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    status: int
    response: Any
    at: float


@dataclass
class Seen:
    user: str
    how: str
    topic_id: int | None
    text: str


@dataclass
class Fault:
    status: int = 500
    retry_after: float | None = None
    disconnect: bool = False
    delay: float = 0.0


@dataclass
class FakeTopic:
    id: int
    title: str
    archetype: str
    allowed: set[str]
    posts: list[dict[str, Any]] = field(default_factory=list)
    external_id: str | None = None
    closed: bool = False


class FakeDiscourse:
    def __init__(self, *, checker: RequestChecker | None = None,
                 response_checker: ResponseChecker | None = None, bot: str = BOT, api_key: str = API_KEY) -> None:
        self.bot = bot
        self.api_key = api_key
        self.users: dict[str, int] = {}
        self.locales: dict[str, str] = {}
        self.topics: dict[int, FakeTopic] = {}
        self.posts: dict[int, dict[str, Any]] = {}
        self.calls: list[Call] = []
        self.seen: list[Seen] = []
        self.violations: list[str] = []
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.checker = checker
        self.response_checker = response_checker
        self._ids = itertools.count(100)
        # What the bot deleted (the purge), by id.
        self.deleted_posts: list[int] = []
        self.deleted_topics: list[int] = []
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        # Forum admin actions: whether the API key is an admin's, and who is suspended or silenced until when.
        self.admin = True
        self.restricted: dict[str, dict[str, str]] = {}
        self.add_user(bot)

    # ---- world ----
    def add_user(self, username: str, *, locale: str | None = None) -> int:
        username = username.lower()
        if username not in self.users:
            self.users[username] = next(self._ids)
        if locale is not None:
            # A profile's interface language; absent from /u/{username}.json when the member never chose one.
            self.locales[username] = locale
        return self.users[username]

    def fail(self, key: str, times: int = 1, **fault: Any) -> None:
        """Fault the next `times` requests whose "METHOD path" starts with `key` (e.g. "POST /posts.json")."""
        for _ in range(times):
            self.faults[key].append(Fault(**fault))

    def user_pm(self, username: str, raw: str, *, title: str = "Hello", topic_id: int | None = None,
                others: tuple[str, ...] = ()) -> dict[str, Any]:
        """A member writes to the bot: a new PM (or a reply in `topic_id`). Returns the post as the
        webhook's `post` object (WebHookPostSerializer: the post plus topic_archetype, raw, …)."""
        username = username.lower()
        self.add_user(username)
        if topic_id is None:
            topic = self._new_topic(title, {username, self.bot, *others})
        else:
            topic = self.topics[topic_id]
        post = self._add_post(topic, username, raw)
        return self.webhook_post(post["id"])

    def webhook_post(self, post_id: int) -> dict[str, Any]:
        post = self.posts[post_id]
        topic = self.topics[post["topic_id"]]
        return {**post, "topic_title": topic.title, "topic_archetype": topic.archetype,
                "topic_posts_count": len(topic.posts), "topic_filtered_posts_count": len(topic.posts),
                "category_slug": None}

    def public_post(self, username: str, raw: str, title: str = "A public topic") -> dict[str, Any]:
        username = username.lower()
        self.add_user(username)
        topic = self._new_topic(title, set(), archetype="regular")
        return self._add_post(topic, username, raw)

    def flag(self, post_id: int, flag_type: int, by: str) -> dict[str, Any]:
        """Someone flags a post: Discourse opens (or adds a score to) the post's review item. Returns the
        webhook's `reviewable` object, which a test may deliver or drop (a missed webhook)."""
        post = self.posts[post_id]
        flagger = self.users[by.lower()]
        flags = post.setdefault("flags", [])
        flags.append((flag_type, flagger))
        if "reviewable_id" not in post:
            post["reviewable_id"] = next(self._ids)
        return {"id": post["reviewable_id"], "type": "ReviewableFlaggedPost", "target_type": "Post",
                "target_id": post_id, "topic_id": post["topic_id"], "status": 0, "version": len(flags) - 1,
                "created_by_id": flags[0][1],
                "reviewable_scores": [{"reviewable_score_type": t, "user_id": u} for t, u in flags]}

    # ---- queries ----
    def calls_to(self, method: str, path_prefix: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.startswith(path_prefix)]

    def who_saw(self, needle: str) -> set[str]:
        return {s.user for s in self.seen if needle in s.text}

    def pms_with(self, username: str) -> list[FakeTopic]:
        return [t for t in self.topics.values() if t.archetype == "private_message" and username in t.allowed]

    def bot_posts_to(self, username: str) -> list[str]:
        """Readable text of every bot post in PMs `username` can read."""
        return [readable(p["raw"]) for t in self.pms_with(username) for p in t.posts if p["username"] == self.bot]

    # ---- webhooks ----
    @staticmethod
    def sign(secret: str, body: bytes) -> str:
        return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()

    def webhook_headers(self, secret: str | None, body: bytes, event_type: str, event: str,
                        event_id: int | None = None) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "X-Discourse-Instance": self.base_url or "http://forum",
                   "X-Discourse-Event-Id": str(event_id if event_id is not None else next(self._ids)),
                   "X-Discourse-Event-Type": event_type, "X-Discourse-Event": event,
                   "User-Agent": "Discourse/3.5.0"}
        if secret is not None:
            headers["X-Discourse-Event-Signature"] = self.sign(secret, body)
        return headers

    # ---- server ----
    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method, path = request.method, request.path
        query = dict(request.query)
        raw = await request.read()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode(errors="replace")
                self.violations.append(f"{method} {path}: body is not JSON")
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("api-")}
        if self.checker is not None:
            self.violations.extend(self.checker(method, path, query, body, dict(request.headers)))
        username = request.headers.get("Api-Username", "").lower()
        if request.headers.get("Api-Key") != self.api_key or username != self.bot:
            return self._record(method, path, query, body, headers, 403, {"errors": ["not allowed"],
                                                                          "error_type": "invalid_access"})
        for key in list(self.faults):
            if self.faults[key] and f"{method} {path}".startswith(key):
                fault = self.faults[key].popleft()
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.disconnect:
                    self._record(method, path, query, body, headers, 0, None)
                    assert request.transport is not None
                    request.transport.close()
                    await asyncio.sleep(0.01)
                    return web.Response(status=500)
                extra = {"Retry-After": str(int(fault.retry_after))} if fault.retry_after is not None else {}
                payload: dict[str, Any] = {"errors": ["fault injected"],
                                           "error_type": "rate_limit" if fault.status == 429 else "x"}
                if fault.status == 429 and fault.retry_after is not None:
                    payload["extras"] = {"wait_seconds": fault.retry_after}
                return self._record(method, path, query, body, headers, fault.status, payload, extra)
        status, response, extra = self._route(method, path, body or {}, query)
        if self.response_checker is not None and 200 <= status < 300:
            self.violations.extend(self.response_checker(method, path, status, response))
        return self._record(method, path, query, body, headers, status, response, extra)

    def _record(self, method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str],
                status: int, response: Any, extra: dict[str, str] | None = None) -> web.Response:
        self.calls.append(Call(method, path, query, body, headers, status, response, time.monotonic()))
        if status in (301, 302):
            return web.Response(status=status, headers=extra or {})
        return web.json_response(response, status=status or 500, headers=extra or {})

    def _route(self, method: str, path: str, body: dict[str, Any],
               query: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:
        m = re.fullmatch(r"/t/external_id/([^/]+)\.json", path)
        if method == "GET" and m:
            found = next((t for t in self.topics.values() if t.external_id == m.group(1)), None)
            if found is None:
                return 404, {"errors": ["not found"], "error_type": "not_found"}, {}
            return 301, None, {"Location": f"{self.base_url}/t/{found.id}.json"}
        if method == "POST" and path == "/posts.json":
            return self._create_post(body)
        if method == "GET" and path == "/posts.json":
            return 200, self._latest_posts(int((query or {}).get("before") or 0) or None), {}
        m = re.fullmatch(r"/t/(\d+)/invite\.json", path)
        if method == "POST" and m:
            return self._invite(int(m.group(1)), str(body.get("user", "")))
        m = re.fullmatch(r"/posts/(\d+)\.json", path)
        if m and method == "DELETE":
            return self._delete_post(int(m.group(1)))
        m2 = re.fullmatch(r"/t/(\d+)\.json", path)
        if m2 and method == "DELETE":
            return self._delete_topic(int(m2.group(1)))
        if m and method == "PUT":
            return self._edit(int(m.group(1)), body)
        if m and method == "GET":
            post = self.posts.get(int(m.group(1)))
            if post is None or not self._can_read(self.bot, self.topics[post["topic_id"]]):
                return 404, {"errors": ["not found"], "error_type": "not_found"}, {}
            return 200, self._post_json(post, with_raw=True), {}
        m = re.fullmatch(r"/t/(\d+)\.json", path)
        if m and method == "GET":
            topic = self.topics.get(int(m.group(1)))
            if topic is None or not self._can_read(self.bot, topic):
                return 404, {"errors": ["not found"], "error_type": "not_found"}, {}
            return 200, self._topic_json(topic), {}
        m = re.fullmatch(r"/topics/private-messages/([^/]+)\.json", path)
        if m and method == "GET":
            return 200, self._pm_list(m.group(1).lower()), {}
        m = re.fullmatch(r"/u/([^/]+)\.json", path)
        if m and method == "GET":
            name = m.group(1).lower()
            if name not in self.users:
                return 404, {"errors": ["not found"], "error_type": "not_found"}, {}
            user: dict[str, Any] = {"id": self.users[name], "username": name}
            if name in self.locales:
                user["locale"] = self.locales[name]
            return 200, {"user": user}, {}
        m = re.fullmatch(r"/admin/users/(\d+)\.json", path)
        if m and method == "GET":
            name = next((u for u, i in self.users.items() if i == int(m.group(1))), None)
            if name is None:
                return 404, {"errors": ["not found"], "error_type": "not_found"}, {}
            return 200, {"id": int(m.group(1)), "username": name, "active": True}, {}
        m = re.fullmatch(r"/admin/users/(\d+)/(suspend|silence|unsuspend|unsilence)\.json", path)
        if m and method == "PUT":
            return self._restrict(int(m.group(1)), m.group(2), body)
        self.violations.append(f"{method} {path}: the fake does not implement it")
        return 404, {"errors": ["not found"], "error_type": "not_found"}, {}

    def _restrict(self, user_id: int, action: str, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        """Admin suspensions and silences (`restricted`: username → {"suspend"|"silence": until}); only an
        admin key may (`admin`), as on Discourse."""
        name = next((u for u, i in self.users.items() if i == user_id), None)
        if name is None:
            return 404, {"errors": ["not found"], "error_type": "not_found"}, {}
        if not self.admin:
            return 403, {"errors": ["You are not permitted to view the requested resource."],
                         "error_type": "invalid_access"}, {}
        held = self.restricted.setdefault(name, {})
        by = {"id": self.users[self.bot], "username": self.bot, "name": self.bot, "avatar_template": ""}
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        if action in ("unsuspend", "unsilence"):
            held.pop(action.removeprefix("un"), None)
            return 200, {"success": "OK"}, {}
        reason = str(body.get("reason", ""))
        if action == "suspend":
            held["suspend"] = str(body.get("suspend_until", ""))
            return 200, {"suspension": {"suspend_reason": reason, "full_suspend_reason": reason,
                                        "suspended_till": held["suspend"], "suspended_at": now,
                                        "suspended_by": by}}, {}
        held["silence"] = str(body.get("silenced_till", ""))
        return 200, {"silence": {"silenced": True, "silence_reason": reason, "full_silence_reason": reason,
                                 "silenced_till": held["silence"], "silenced_at": now, "silenced_by": by}}, {}

    def _can_read(self, user: str, topic: FakeTopic) -> bool:
        return topic.archetype != "private_message" or user in topic.allowed

    def _new_topic(self, title: str, allowed: set[str], archetype: str = "private_message",
                   external_id: str | None = None) -> FakeTopic:
        topic = FakeTopic(next(self._ids), title, archetype, {a.lower() for a in allowed}, external_id=external_id)
        self.topics[topic.id] = topic
        return topic

    def _add_post(self, topic: FakeTopic, username: str, raw: str) -> dict[str, Any]:
        post: dict[str, Any] = {
            "id": next(self._ids), "topic_id": topic.id, "post_number": len(topic.posts) + 1,
            "username": username, "raw": raw, "cooked": f"<p>{raw}</p>", "version": 1,
            "created_at": "2026-03-02T09:00:00.000Z", "post_type": 1}
        topic.posts.append(post)
        self.posts[post["id"]] = post
        readers = topic.allowed if topic.archetype == "private_message" else set(self.users)
        for user in readers:
            if user != self.bot:
                self.seen.append(Seen(user, "post", topic.id, readable(topic.title + "\n" + raw)))
        return post

    def _create_post(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        raw = str(body.get("raw") or "")
        if not raw.strip():
            return 422, {"errors": ["Body is too short"], "error_type": "invalid"}, {}
        if body.get("topic_id"):
            topic = self.topics.get(int(body["topic_id"]))
            if topic is None or not self._can_read(self.bot, topic):
                return 404, {"errors": ["not found"], "error_type": "not_found"}, {}
            if topic.closed:
                return 403, {"errors": ["You are not permitted to view the requested resource."],
                             "error_type": "invalid_access"}, {}
            return 200, self._post_json(self._add_post(topic, self.bot, raw), with_raw=True), {}
        if body.get("archetype") != "private_message":
            return 422, {"errors": ["cocbot only writes private messages"], "error_type": "invalid"}, {}
        recipients = [r.strip().lower() for r in str(body.get("target_recipients") or "").split(",") if r.strip()]
        unknown = [r for r in recipients if r not in self.users]
        if not recipients or unknown or not str(body.get("title") or "").strip():
            return 422, {"errors": ["invalid recipients or title"], "error_type": "invalid"}, {}
        ext = body.get("external_id")
        if ext and any(t.external_id == ext for t in self.topics.values()):
            return 422, {"errors": ["External ID has already been taken"], "error_type": "invalid"}, {}
        topic = self._new_topic(str(body["title"]), {self.bot, *recipients}, external_id=ext)
        return 200, self._post_json(self._add_post(topic, self.bot, raw), with_raw=True), {}

    def _invite(self, topic_id: int, user: str) -> tuple[int, Any, dict[str, str]]:
        topic = self.topics.get(topic_id)
        user = user.lower()
        if topic is None or user not in self.users:
            return 404 if topic is None else 422, {"errors": ["not found"], "error_type": "not_found"}, {}
        if user not in topic.allowed:
            topic.allowed.add(user)
            for post in topic.posts:  # a new participant can scroll back
                self.seen.append(Seen(user, "invite", topic.id, readable(topic.title + "\n" + post["raw"])))
        return 200, {"user": {"id": self.users[user], "username": user}}, {}

    def _edit(self, post_id: int, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        post = self.posts.get(post_id)
        raw = str(((body or {}).get("post") or {}).get("raw") or "")
        if post is None or not raw:
            return 404, {"errors": ["not found"], "error_type": "not_found"}, {}
        post["raw"], post["version"] = raw, post["version"] + 1
        topic = self.topics[post["topic_id"]]
        for user in topic.allowed - {self.bot}:
            self.seen.append(Seen(user, "edit", topic.id, readable(raw)))
        return 200, {"post": self._post_json(post, with_raw=True)}, {}

    def _delete_post(self, post_id: int) -> tuple[int, Any, dict[str, str]]:
        post = self.posts.get(post_id)
        if post is None:
            return 404, {"errors": ["not found"], "error_type": "not_found"}, {}
        topic = self.topics[post["topic_id"]]
        if post["post_number"] == 1:
            # Discourse deletes the whole topic with its first post.
            return self._delete_topic(topic.id)
        topic.posts = [p for p in topic.posts if p["id"] != post_id]
        del self.posts[post_id]
        self.deleted_posts.append(post_id)
        return 200, {}, {}

    def _delete_topic(self, topic_id: int) -> tuple[int, Any, dict[str, str]]:
        topic = self.topics.pop(topic_id, None)
        if topic is None:
            return 404, {"errors": ["not found"], "error_type": "not_found"}, {}
        for post in topic.posts:
            self.posts.pop(post["id"], None)
            self.deleted_posts.append(post["id"])
        self.deleted_topics.append(topic_id)
        return 200, {}, {}

    def _post_json(self, post: dict[str, Any], *, with_raw: bool) -> dict[str, Any]:
        out = {"id": post["id"], "topic_id": post["topic_id"], "post_number": post["post_number"],
               "username": post["username"], "cooked": post["cooked"], "version": post["version"],
               "created_at": post["created_at"], "post_type": post["post_type"]}
        if with_raw:
            out["raw"] = post["raw"]
        if "flags" in post:  # what a staff account sees of a flagged post
            counts: dict[int, int] = defaultdict(int)
            for flag_type, _ in post["flags"]:
                counts[flag_type] += 1
            out["actions_summary"] = [{"id": t, "count": n} for t, n in sorted(counts.items())]
            out["reviewable_id"] = post["reviewable_id"]
            out["reviewable_score_count"] = out["reviewable_score_pending_count"] = len(post["flags"])
        return out

    def _latest_posts(self, before: int | None, per_page: int = 50) -> dict[str, Any]:
        """GET /posts.json: the newest posts of topics everyone can read, newest first, `before` a post id."""
        posts = sorted((p for p in self.posts.values() if self.topics[p["topic_id"]].archetype != "private_message"
                        and (before is None or p["id"] < before)), key=lambda p: -p["id"])[:per_page]
        latest = []
        for post in posts:
            item = self._post_json(post, with_raw=True)
            item.pop("actions_summary", None)  # here Discourse lists only which actions a viewer can take
            if "reviewable_id" in item:
                item["reviewable_id"] = str(item["reviewable_id"])  # documented as a string in this list
            else:
                item.update(reviewable_id=None, reviewable_score_count=0, reviewable_score_pending_count=0)
            latest.append(item)
        return {"latest_posts": latest}

    def _topic_json(self, topic: FakeTopic) -> dict[str, Any]:
        posts = [self._post_json(p, with_raw=False) for p in topic.posts[:20]]
        details: dict[str, Any] = {
            "participants": [{"id": self.users[u], "username": u} for u in
                             dict.fromkeys(p["username"] for p in topic.posts)],
        }
        if topic.archetype == "private_message":
            # Discourse sends these for PMs; the OpenAPI document does not list them (see discourse_specs).
            details["allowed_users"] = [{"id": self.users[u], "username": u} for u in sorted(topic.allowed)]
            details["allowed_groups"] = []
        details["can_create_post"] = not topic.closed
        return {"id": topic.id, "title": topic.title, "archetype": topic.archetype, "closed": topic.closed,
                "highest_post_number": len(topic.posts), "posts_count": len(topic.posts),
                "post_stream": {"posts": posts}, "details": details}

    def _pm_list(self, username: str) -> dict[str, Any]:
        topics = [{"id": t.id, "title": t.title, "archetype": t.archetype, "posts_count": len(t.posts),
                   "highest_post_number": len(t.posts), "last_poster_username": t.posts[-1]["username"]
                   if t.posts else None}
                  for t in sorted(self.topics.values(), key=lambda t: -t.id)
                  if t.archetype == "private_message" and username in t.allowed]
        return {"users": [{"id": i, "username": u} for u, i in self.users.items()],
                "topic_list": {"per_page": 30, "topics": topics}}
