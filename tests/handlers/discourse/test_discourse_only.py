"""A community that lives on Discourse alone: no Slack section, no Slack token, the committee works in
forum private messages, and the whole process (report, routing, triage, reminders, flags) runs."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from cocbot.bot.clock import ManualClock
from cocbot.bot.config.community import ConfigError, parse_config
from cocbot.bot.config.settings import SettingsError, check_platforms, load_settings
from cocbot.bot.discourse.threads import topic_id_of
from cocbot.handlers.discourse.testing.fake_api import FakeDiscourse
from tests.bot.cli.test_main import clean_env, cocbot, until_ready
from tests.fakes.slack import FakeSlack
from tests.handlers.discourse.conftest import SECRET, ForumBot, discourse_section, running_bot
from tests.ports import free_port


def forum_only(base_url: str = "https://forum.example.org", **overrides: Any) -> dict[str, Any]:
    section = discourse_section(base_url, identities={}, chair="alice")
    section.pop("committee_space", None)
    section.update(overrides)
    return {"discourse": section, "policy": {"timezone": "Europe/Berlin"}}


def test_a_discourse_section_alone_is_a_complete_config() -> None:
    config = parse_config(forum_only(committee=["Alice", "@bob", "carol"]))
    assert not config.uses_slack
    assert config.committee.platform == "discourse"
    assert config.committee.members == ("alice", "bob", "carol")
    assert (config.committee.escalation_contact, config.committee.chair) == ("esme", "alice")
    assert config.committee.channel is None
    assert config.discourse is not None and config.discourse.committee_space == "discourse"


@pytest.mark.parametrize("change, problem", [
    ({"committee": []}, "discourse.committee: list the committee's forum usernames"),
    ({"committee_space": "slack"}, "there is no committee section for Slack"),
    ({"chair": "zed"}, "chair zed must also be listed in discourse.committee"),
])
def test_forum_only_config_mistakes_are_named(change: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(forum_only(**change))
    assert any(problem in p for p in err.value.problems), err.value.problems


def test_slack_only_keys_are_refused_without_slack() -> None:
    data = forum_only()
    data["duty"] = {"facilitators": ["@Fiona", "not a name!"]}
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert "duty.facilitators" in err.value.problems[0] and "not a Discourse username" in err.value.problems[0]
    data["duty"] = {"facilitators": ["@Fiona"]}
    assert parse_config(data).duty.facilitators == ("fiona",)  # forum usernames, as Discourse compares them
    data = forum_only()
    data["triage"] = {"announcement_channel": "CANNOUNCE"}
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert "triage.announcement_channel names a Slack channel" in err.value.problems[0]


def test_no_config_at_all_says_what_to_add() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({"policy": {"timezone": "UTC"}})
    assert "add the committee section" in err.value.problems[0] and "discourse section" in err.value.problems[0]


def test_settings_need_no_slack_token_for_a_forum_only_community(tmp_path: Path) -> None:
    (tmp_path / "cocbot.yml").write_text("x: 1\n")
    env = {"COCBOT_CONFIG": str(tmp_path / "cocbot.yml")}
    settings = load_settings(env, require_slack=False)
    assert not settings.slack_enabled
    check_platforms(settings, uses_slack=False)
    with pytest.raises(SettingsError) as err:
        check_platforms(settings, uses_slack=True)
    assert "SLACK_BOT_TOKEN is not set" in err.value.problems[0]
    with pytest.raises(SettingsError) as err:
        load_settings({**env, "SLACK_BOT_TOKEN": "nope"}, require_slack=False)  # given values are still checked
    assert "xoxb-" in err.value.problems[0]
    slack = load_settings({**env, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, require_slack=False)
    with pytest.raises(SettingsError) as err:
        check_platforms(slack, uses_slack=False)
    assert "no committee section for Slack" in err.value.problems[0]


async def say_in(bot: ForumBot, topic: int | None, username: str, raw: str) -> str:
    post = bot.forum.user_pm(username, raw, topic_id=topic)
    status, body = await bot.deliver({"post": post}, "post", "post_created")
    assert status == 200, body
    await bot.drain()
    return str(body["outcome"])


async def test_report_routing_triage_and_reminders_without_slack(obot: ForumBot, clock: ManualClock) -> None:
    assert obot.runtime.bolt is None
    ref = await obot.report("rita", description="Bob mocked my accent in a thread", implicated="bob")
    await obot.drain()
    report = await obot.stored(ref)
    topic = topic_id_of(report.space_channel or "")
    assert topic is not None and obot.forum.topics[topic].allowed == {"cocbot", "alice", "carol"}
    assert {"alice", "carol"} <= obot.forum.who_saw("mocked my accent") <= {"alice", "carol", "rita"}
    assert any(ref in t for t in obot.forum.bot_posts_to("rita")), "the reporter got no confirmation"

    # Triage by forum username: no identity map is needed when there is no Slack.
    assert await say_in(obot, topic, "mallory", "ack") == "refused"
    assert await say_in(obot, topic, "carol", "ack") == "triage acknowledge: ok"
    assert (await obot.stored(ref)).state == "acknowledged"
    assert await say_in(obot, topic, "carol", "assign me") == "triage assign: ok"
    assert (await obot.stored(ref)).owner == "carol"

    # An unacknowledged report escalates by PM to eligible members only, the chair first.
    late = await obot.report("wanda", description="Nobody looks at this one", exclude=["carol"])
    await obot.drain()
    for _ in range(3 * 24):
        clock.advance(hours=1)
        await obot.drain()
    space = topic_id_of((await obot.stored(late)).space_channel or "")
    escalated = {u for u in ("alice", "bob", "carol")
                 if any(late in p["raw"].replace("\\", "") for t in obot.forum.pms_with(u) if t.id != space
                        for p in t.posts)}
    assert escalated == {"alice", "bob"}
    assert "carol" not in {s.user for s in obot.forum.seen if late in s.text}


async def test_a_flag_files_a_report_for_the_forum_committee(obot: ForumBot) -> None:
    post = obot.forum.public_post("alice", "Newcomers are clueless, go away")
    reviewable = {"id": 91, "type": "ReviewableFlaggedPost", "target_type": "Post", "target_id": post["id"],
                  "topic_id": post["topic_id"], "status": 0, "version": 0,
                  "reviewable_scores": [{"reviewable_score_type": 4, "user_id": obot.forum.users["wanda"]}]}
    status, body = await obot.deliver({"reviewable": reviewable}, "reviewable", "reviewable_created")
    assert (status, body["outcome"]) == (200, "flag queued")
    await obot.drain()
    await obot.drain()
    space_readers = {s.user for s in obot.forum.seen if "R-0001" in s.text and "clueless" in s.text}
    assert space_readers == {"bob", "carol"}  # the author sits on the committee and is left out


async def test_cocbot_run_starts_for_a_forum_only_community_without_slack_settings(
        tmp_path: Path, forum: FakeDiscourse) -> None:
    port = free_port()
    # `cocbot run` refuses the example files' addresses, so the public URL is one of "our own".
    (tmp_path / "cocbot.yml").write_text(yaml.safe_dump(forum_only(forum.base_url,
                                                                   public_url="https://cocbot.our-community.test")))
    refused = cocbot("run", env=clean_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s"), cwd=tmp_path)
    assert refused.returncode == 2 and "no committee section for Slack" in refused.stderr
    assert "Traceback" not in refused.stderr
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "cocbot.bot", "run", cwd=tmp_path,
                                                env=clean_env(PORT=str(port), HOST="127.0.0.1"),
                                                stderr=asyncio.subprocess.PIPE)
    try:
        async with aiohttp.ClientSession() as http:
            await until_ready(http, port)
            body = json.dumps({"ping": "OK"}).encode()
            headers = forum.webhook_headers(SECRET, body, "ping", "ping", None)
            async with http.post(f"http://127.0.0.1:{port}/discourse/webhook", data=body, headers=headers) as r:
                assert r.status == 200
            async with http.post(f"http://127.0.0.1:{port}/slack/events", data=b"{}") as r:
                assert r.status == 404  # no Slack endpoint at all
    finally:
        proc.terminate()
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=20)
    log = stderr.decode()
    assert "Discourse only" in log and "Traceback" not in log


async def test_facilitators_take_and_end_shifts_by_private_message(slack: FakeSlack, forum: FakeDiscourse,
                                                                   sqlite_url: str, clock: ManualClock) -> None:
    data = forum_only(forum.base_url)
    data["duty"] = {"facilitators": ["fiona"]}
    forum.add_user("fiona")
    async with running_bot(slack, forum, parse_config(data), sqlite_url, clock) as bot:
        async def pm(user: str, raw: str) -> tuple[str, str]:
            post = forum.user_pm(user, raw)
            status, body = await bot.deliver({"post": post}, "post", "post_created")
            assert status == 200
            await bot.drain()
            from cocbot.handlers.discourse.testing.fake_api import readable

            replies = [readable(p["raw"]) for p in forum.topics[post["topic_id"]].posts if p["username"] == "cocbot"]
            return str(body["outcome"]), replies[-1] if replies else ""

        outcome, answer = await pm("wanda", "onduty take 2h")
        assert outcome == "onduty take: refused" and "facilitator" in answer
        outcome, answer = await pm("fiona", "onduty take 90 minutes")
        assert outcome == "onduty take: refused" and "not a duration" in answer
        outcome, answer = await pm("fiona", "onduty take 2h")
        assert outcome == "onduty take: ok" and "You are on duty" in answer and "{" not in answer
        outcome, answer = await pm("rita", "onduty")
        assert outcome == "onduty answered by PM" and "On duty now: fiona (forum username)" in answer
        outcome, answer = await pm("fiona", "onduty off")
        assert outcome == "onduty off: ok"
        _, answer = await pm("rita", "onduty")
        assert "Nobody is on duty right now" in answer
        outcome, answer = await pm("fiona", "onduty schedule tomorrow")
        assert outcome == "onduty help" and "onduty take 2h" in answer
    assert slack.calls == []


async def test_with_content_keys_the_forum_flow_works_and_the_database_holds_no_names(
        slack: FakeSlack, forum: FakeDiscourse, tmp_path: Path, clock: ManualClock) -> None:
    from cocbot.storage.content import new_key

    url = f"sqlite+aiosqlite:///{tmp_path}/forum.sqlite3"
    config = parse_config(forum_only(forum.base_url))
    async with running_bot(slack, forum, config, url, clock, content_keys=(new_key(),)) as bot:
        # Names with a "." and text with a space: neither can occur inside url-safe base64, so finding none
        # in the file below proves they are sealed, not that random ciphertext happened to miss them.
        for name in ("rita.r", "mallory.m"):
            forum.add_user(name)
        ref = await bot.report("rita.r", description="Threatened in the forum chat-7731",
                               implicated="mallory.m")
        await bot.drain()
        from cocbot.handlers.discourse.testing.fake_api import readable

        [confirmation] = [t.id for t in forum.pms_with("rita.r") if any(ref in readable(p["raw"]) for p in t.posts)]
        reply = forum.user_pm("rita.r", "One more thing", topic_id=confirmation)
        await bot.deliver({"post": reply}, "post", "post_created")
        await bot.drain()
        assert any("added to report" in t for t in forum.bot_posts_to("rita.r"))  # the thread was found again
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("forum.sqlite3*"))
    assert b"forum chat-7731" not in raw and b"rita.r" not in raw and b"mallory.m" not in raw
