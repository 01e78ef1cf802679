"""Fixtures for the Discourse edge: the fake forum (spec-checked) and the real bot wired to it and to
the fake Slack, driven by signed webhook deliveries the way Discourse sends them."""

from __future__ import annotations

import json
import re
from contextlib import asynccontextmanager
from typing import Any
from collections.abc import AsyncIterator

import aiohttp
import pytest

from cocbot.bot.clock import ManualClock
from cocbot.bot.config.community import CommunityConfig
from cocbot.handlers.discourse.testing.fake_api import API_KEY, BOT, FakeDiscourse
from cocbot.handlers.slack.testing import markers
from cocbot.storage import reports as reports_q
from tests.fakes.discourse_specs import check_request, check_response, have_discourse_specs
from tests.fakes.slack import FakeSlack
from tests.harness import Harness, make_config

SECRET = "discourse-webhook-secret-0123456789abcdef"
PUBLIC_URL = "https://cocbot.example.org"
FORUM_COMMITTEE = ("alice", "bob", "carol")
# Slack id ↔ Discourse username of the same person (the Slack committee is UALICE, UBOB, UCAROL).
IDENTITIES = {"UALICE": "alice", "UBOB": "bob", "UCAROL": "carol", "UMALLORY": "mallory"}
FORM_TOKEN = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)">')
LINK = re.compile(r"https://cocbot\.example\.org(/discourse/report/[A-Za-z0-9_\-.]+)")


def discourse_section(base_url: str, **overrides: Any) -> dict[str, Any]:
    section: dict[str, Any] = {
        "base_url": base_url, "api_key": API_KEY, "api_username": BOT, "webhook_secret": SECRET,
        "public_url": PUBLIC_URL, "committee": list(FORUM_COMMITTEE), "escalation_contact": "esme",
        "identities": dict(IDENTITIES),
    }
    section.update(overrides)
    return section


class ForumBot:
    """The running bot plus helpers to talk to it as Discourse and as a browser would."""

    def __init__(self, harness: Harness, forum: FakeDiscourse) -> None:
        self.harness = harness
        self.forum = forum
        # Like a browser: keeps the public form's cookie (aiohttp refuses cookies of IP hosts by default).
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    @property
    def base(self) -> str:
        return self.harness.url.removesuffix("/slack/events")

    @property
    def runtime(self) -> Any:
        return self.harness.runtime

    @property
    def edge(self) -> Any:
        from cocbot.handlers.discourse import EDGE

        return self.harness._app[EDGE]  # type: ignore[index]

    async def close(self) -> None:
        await self.http.close()

    async def deliver(self, payload: dict[str, Any], event_type: str, event: str, *, secret: str | None = SECRET,
                      signature: str | None = None, event_id: int | None = None) -> tuple[int, Any]:
        body = json.dumps(payload).encode()
        headers = self.forum.webhook_headers(secret, body, event_type, event, event_id)
        if signature is not None:
            headers["X-Discourse-Event-Signature"] = signature
        async with self.http.post(self.base + "/discourse/webhook", data=body, headers=headers) as resp:
            text = await resp.text()
            return resp.status, (json.loads(text) if text.startswith("{") else text)

    async def pm(self, username: str, raw: str = "I need to report something", **kw: Any) -> dict[str, Any]:
        post = self.forum.user_pm(username, raw, **kw)
        status, body = await self.deliver({"post": post}, "post", "post_created")
        assert status == 200, body
        return post

    async def drain(self) -> int:
        return await self.harness.drain()

    def link_for(self, username: str) -> str:
        links = [m.group(1) for text in self.forum.bot_posts_to(username) for m in LINK.finditer(text)]
        assert links, f"no report link was sent to {username}"
        return self.base + links[-1]

    async def get(self, url: str) -> tuple[int, str]:
        async with self.http.get(url) as resp:
            return resp.status, await resp.text()

    async def form_token(self, url: str) -> str:
        """The anti-forgery token of the form page at `url` ("" when the page shows no form)."""
        _, page = await self.get(url)
        match = FORM_TOKEN.search(page)
        return match.group(1) if match else ""

    async def submit(self, url: str, fields: dict[str, Any], *, headers: dict[str, str] | None = None,
                     token: str | None = None) -> tuple[int, str]:
        """POST the form as a browser does after opening the page (so with the page's token)."""
        markers.note_text(*(v for k, v in fields.items() if k not in ("ongoing", "danger", "anonymity")))
        data = aiohttp.FormData()
        data.add_field("csrf", await self.form_token(url) if token is None else token)
        for key, value in fields.items():
            for v in (value if isinstance(value, (list, tuple)) else [value]):
                data.add_field(key, v)
        async with self.http.post(url, data=data, headers=headers) as resp:
            return resp.status, await resp.text()

    async def report(self, username: str = "rita", **fields: Any) -> str:
        markers.note_reporter(username)
        await self.pm(username)
        await self.drain()
        fields.setdefault("description", "Someone was hostile to me in a thread.")
        status, page = await self.submit(self.link_for(username), fields)
        assert status == 200, page
        match = re.search(r"R-\d{4,}", page)
        assert match, page
        return match.group(0)

    async def stored(self, ref: str) -> reports_q.ReportRecord:
        async with self.runtime.db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
        assert report is not None
        return report


@pytest.fixture
async def forum() -> AsyncIterator[FakeDiscourse]:
    specs = have_discourse_specs()
    fake = FakeDiscourse(checker=check_request if specs else None, response_checker=check_response if specs else None)
    for user in ("rita", "mallory", "wanda", "esme", *FORUM_COMMITTEE):
        fake.add_user(user)
    await fake.start()
    yield fake
    await fake.stop()
    assert not fake.violations, "Discourse API calls that break its published spec:\n" + "\n".join(fake.violations)


async def _forum_bot(slack: FakeSlack, forum: FakeDiscourse, url: str, clock: ManualClock,
                     **section: Any) -> ForumBot:
    config = make_config(discourse=discourse_section(forum.base_url, **section))
    harness = Harness(slack, config, url, clock)
    await harness.start()
    return ForumBot(harness, forum)


@asynccontextmanager
async def running_bot(slack: FakeSlack, forum: FakeDiscourse, config: CommunityConfig, url: str,
                      clock: ManualClock | None = None, *, slack_unused: bool = False,
                      content_keys: tuple[str, ...] = ()) -> AsyncIterator[ForumBot]:
    """The bot with `config`, wired to the fake forum, stopped afterwards. `slack_unused`: a community on
    Discourse alone, where any Slack call is a fault."""
    harness = Harness(slack, config, url, clock, content_keys=content_keys)
    await harness.start()
    bot = ForumBot(harness, forum)
    try:
        yield bot
    finally:
        await bot.close()
        await harness.stop()
    if slack_unused:
        assert slack.calls == [], "a community on Discourse only must not call Slack"


@pytest.fixture
async def obot(slack: FakeSlack, forum: FakeDiscourse, sqlite_url: str,
               clock: ManualClock) -> AsyncIterator[ForumBot]:
    """A community on Discourse alone (the committee in forum PMs, no Slack section): Slack is never called."""
    from cocbot.bot.config.community import parse_config
    from tests.handlers.discourse.test_discourse_only import forum_only

    config = parse_config(forum_only(forum.base_url))
    async with running_bot(slack, forum, config, sqlite_url, clock, slack_unused=True) as bot:
        yield bot


@pytest.fixture
async def fbot(slack: FakeSlack, forum: FakeDiscourse, sqlite_url: str, clock: ManualClock) -> AsyncIterator[ForumBot]:
    """Discourse reports routed to a Discourse PM of the forum committee."""
    config = make_config(discourse=discourse_section(forum.base_url, committee_space="discourse"))
    async with running_bot(slack, forum, config, sqlite_url, clock) as bot:
        yield bot


@pytest.fixture
async def fbot_slack_space(slack: FakeSlack, forum: FakeDiscourse, sqlite_url: str,
                           clock: ManualClock) -> AsyncIterator[ForumBot]:
    """Discourse reports routed to the Slack committee channel."""
    config = make_config(discourse=discourse_section(forum.base_url, committee_space="slack"))
    async with running_bot(slack, forum, config, sqlite_url, clock) as bot:
        yield bot
