"""Signed webhook deliveries: signature check, ping, de-duplication across Discourse's retries."""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp import web

from cocbot.bot.runtime.app import create_web_app
from cocbot.bot.config.settings import Settings
from cocbot.handlers.discourse.webhook import verify
from cocbot.storage import outbox as outbox_q
from tests.fakes.specs import specs_dir
from tests.handlers.discourse.conftest import SECRET, ForumBot, discourse_section
from tests.harness import make_config


def test_signature_matches_discourses_own_test_vector() -> None:
    facts_file = specs_dir() / "discourse" / "webhooks.json"
    if facts_file.is_file():
        vector = json.loads(facts_file.read_text())["signature"]["test_vector"]
    else:  # the same values, from Discourse's spec/jobs/emit_web_hook_event_spec.rb
        vector = {"secret": "my_lovely_secret_for_web_hook", "body": '{"ping":"OK"}',
                  "expected_header": "sha256=162f107f6b5022353274eb1a7197885cfd35744d8d08e5bcea025d309386b7d6"}
    assert verify(vector["secret"], vector["body"].encode(), vector["expected_header"])
    assert not verify(vector["secret"], vector["body"].encode() + b" ", vector["expected_header"])
    assert not verify(vector["secret"], vector["body"].encode(), None)
    assert not verify(vector["secret"], vector["body"].encode(), "sha256=")


async def test_ping_is_answered(fbot: ForumBot) -> None:
    status, body = await fbot.deliver({"ping": "OK"}, "ping", "ping")
    assert status == 200 and body["pong"] is True


async def test_missing_or_bad_signature_is_refused_and_nothing_happens(fbot: ForumBot) -> None:
    post = fbot.forum.user_pm("rita", "please help")
    for kwargs in ({"secret": None}, {"secret": "another-secret-123456"}, {"signature": "sha256=" + "0" * 64},
                   {"signature": "not-a-signature"}):
        status, body = await fbot.deliver({"post": post}, "post", "post_created", **kwargs)
        assert status == 401, kwargs
        assert "signature" in body["error"].lower()
    await fbot.drain()
    assert fbot.forum.bot_posts_to("rita") == []
    async with fbot.runtime.db.transaction() as session:
        assert await outbox_q.counts(session) == {}


async def test_a_pm_gets_one_link_even_when_delivered_twice_and_retried_with_a_new_event_id(fbot: ForumBot) -> None:
    post = fbot.forum.user_pm("rita", "I want to report something")
    first = await fbot.deliver({"post": post}, "post", "post_created", event_id=41)
    duplicate = await fbot.deliver({"post": post}, "post", "post_created", event_id=41)
    retried = await fbot.deliver({"post": post}, "post", "post_created", event_id=42)
    assert first == (200, {"ok": True, "outcome": "form link issued"})
    assert duplicate[1]["outcome"] == retried[1]["outcome"] == "duplicate"
    await fbot.drain()
    links = [t for t in fbot.forum.bot_posts_to("rita") if "/discourse/report/" in t]
    assert len(links) == 1
    # The link went to a PM with rita alone.
    [topic] = [t for t in fbot.forum.pms_with("rita") if any(p["username"] == "cocbot" for p in t.posts)]
    assert topic.allowed == {"rita", "cocbot"}


async def test_a_pm_that_others_can_read_gets_its_link_in_a_new_pm(fbot: ForumBot) -> None:
    await fbot.pm("rita", "help", others=("wanda",))
    await fbot.drain()
    assert fbot.forum.who_saw("/discourse/report/") == {"rita"}


async def test_edits_public_posts_and_the_bots_own_posts_are_ignored(fbot: ForumBot) -> None:
    post = fbot.forum.user_pm("rita", "hello")
    edited = {**post, "version": 2}
    assert (await fbot.deliver({"post": edited}, "post", "post_edited"))[1]["outcome"] == "ignored"
    public = fbot.forum.public_post("wanda", "a public post")
    public_payload = {**fbot.forum.webhook_post(public["id"])}
    _, body = await fbot.deliver({"post": public_payload}, "post", "post_created")
    assert "not a private message" in body["outcome"]
    own = {**post, "id": post["id"] + 1000, "username": "cocbot"}
    assert "own post" in (await fbot.deliver({"post": own}, "post", "post_created"))[1]["outcome"]
    await fbot.drain()
    assert fbot.forum.bot_posts_to("rita") == []


async def test_form_encoded_deliveries_are_read_from_their_payload_field(fbot: ForumBot) -> None:
    from urllib.parse import urlencode

    post = fbot.forum.user_pm("rita", "form encoded")
    body = urlencode({"payload": json.dumps({"post": post})}).encode()
    headers = fbot.forum.webhook_headers(SECRET, body, "post", "post_created")
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    async with fbot.http.post(fbot.base + "/discourse/webhook", data=body, headers=headers) as resp:
        assert resp.status == 200 and (await resp.json())["outcome"] == "form link issued"


async def test_a_body_that_is_not_json_gets_a_clear_error(fbot: ForumBot) -> None:
    body = b"something=else"
    headers = fbot.forum.webhook_headers(SECRET, body, "post", "post_created")
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    async with fbot.http.post(fbot.base + "/discourse/webhook", data=body, headers=headers) as resp:
        assert resp.status == 400
        assert "application/json" in (await resp.json())["error"]


def test_the_route_is_there_in_socket_mode_too() -> None:
    settings = Settings(slack_bot_token="xoxb-x", slack_app_token="xapp-x", slack_signing_secret=None,
                        slack_api_url="http://127.0.0.1:9/api/", database_url="sqlite+aiosqlite://",
                        config_path=Path("unused.yml"), port=0)
    app = create_web_app(settings, make_config(discourse=discourse_section("http://127.0.0.1:9")))
    routes = {(r.method, r.resource.canonical) for r in app.router.routes() if isinstance(r.resource, web.Resource)}
    assert ("POST", "/discourse/webhook") in routes
    assert ("POST", "/slack/events") not in routes
    plain = create_web_app(settings, make_config())
    resources = [r.resource for r in plain.router.routes() if r.resource is not None]
    assert not any(resource.canonical.startswith("/discourse") for resource in resources)


async def test_a_second_link_is_not_posted_where_someone_else_was_added_meanwhile(fbot: ForumBot) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    [thread] = [t for t in fbot.forum.pms_with("rita") if t.posts[0]["username"] == "cocbot"]
    await fbot.pm("rita", "the link expired, another please", topic_id=thread.id)
    thread.allowed.add("wanda")  # rita invited someone to the PM before cocbot answered
    await fbot.drain()
    assert fbot.forum.who_saw("/discourse/report/") == {"rita"}
    assert len([t for t in fbot.forum.bot_posts_to("rita") if "/discourse/report/" in t]) == 2


async def test_system_messages_get_no_link(fbot: ForumBot) -> None:
    fbot.forum.add_user("system")
    status, body = await fbot.deliver({"post": fbot.forum.user_pm("system", "Welcome to the forum!")},
                                      "post", "post_created")
    assert "system message" in body["outcome"]


async def test_start_up_check_names_forum_accounts_that_do_not_exist(fbot: ForumBot) -> None:
    from cocbot.handlers.discourse import check_forum_setup

    assert await check_forum_setup(fbot.edge.messenger, fbot.runtime.config) == []
    config = make_config(discourse=discourse_section(fbot.forum.base_url, committee=["alice", "alcie"]))
    problems = await check_forum_setup(fbot.edge.messenger, config)
    assert problems == ["discourse.committee lists 'alcie', but the forum has no such user"]


async def test_start_up_check_names_announcement_topics_the_bot_cannot_post_in(fbot: ForumBot) -> None:
    from cocbot.handlers.discourse import check_forum_setup

    good = fbot.forum.public_post("alice", "Community calls: announcements here")["topic_id"]
    closed = fbot.forum.public_post("alice", "Old announcements")["topic_id"]
    fbot.forum.topics[closed].closed = True
    private = fbot.forum.user_pm("rita", "hello")["topic_id"]
    config = make_config(discourse=discourse_section(fbot.forum.base_url), duty={"discourse_topics": {
        "*": good, "CGENERAL": closed, "CCOMMITTEE": private, "CRANDOM": 99999}})
    problems = await check_forum_setup(fbot.edge.messenger, config)
    assert problems == [
        f"duty.discourse_topics['CCOMMITTEE']: topic {private} is a private message, not a forum topic",
        f"duty.discourse_topics['CGENERAL']: topic {closed} is closed or archived",
        "duty.discourse_topics['CRANDOM']: topic 99999 does not exist or the bot's account cannot read it",
    ]
