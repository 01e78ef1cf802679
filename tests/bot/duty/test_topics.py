"""Which Discourse topics get a copy of an on-duty announcement (`duty.discourse_topics`), and the keys
that make each copy exactly-once. Pure: notices as data, no forum."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from cocbot.bot.config.community import ConfigError, parse_config
from cocbot.bot.duty import notices as duty_notices
from cocbot.bot.duty import roster

UTC = timezone.utc
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FORUM = {"base_url": "https://forum.example.org", "api_key": "k" * 20, "api_username": "cocbot",
         "webhook_secret": "s" * 32, "public_url": "https://cocbot.example.org"}


def config(topics: dict[str, int], **duty_keys: object):
    return parse_config({"committee": {"channel": "CCOMMITTEE", "members": ["UALICE"], "escalation_contact": "UESC"},
                         "duty": {"discourse_topics": topics, **duty_keys}, "discourse": FORUM})


def shift(channels: frozenset[str], start: datetime = NOW) -> roster.Shift:
    return roster.Shift(7, "UFAC1", channels, start, start + timedelta(hours=2))


def occurrence() -> roster.Occurrence:
    return roster.Occurrence(3, 1, "Community call", "CCALLS", NOW, NOW + timedelta(hours=1), NOW + timedelta(hours=2),
                           "UFAC1")


def topic_rows(notices: list[duty_notices.Notice]) -> dict[str, str]:
    return {n.key: str(n.payload["channel"]) for n in notices if n.payload.get("platform") == "discourse"}


@pytest.mark.parametrize(("topics", "channels", "announce_channel", "expected"), [
    ({}, {"CCALLS"}, None, {}),
    ({"CCALLS": 42}, {"CCALLS"}, None, {"announce:shift:7:topic:42": "topic:42"}),
    ({"CCALLS": 42}, {"CEVENTS"}, None, {}),
    # Two channels sharing a topic: one copy, keyed by the topic.
    ({"CCALLS": 42, "CEVENTS": 42}, {"CCALLS", "CEVENTS"}, None, {"announce:shift:7:topic:42": "topic:42"}),
    ({"CCALLS": 42, "CEVENTS": 43}, {"CCALLS", "CEVENTS"}, None,
     {"announce:shift:7:topic:42": "topic:42", "announce:shift:7:topic:43": "topic:43"}),
    ({"*": 40, "CCALLS": 42}, {"CCALLS"}, None,
     {"announce:shift:7:topic:40": "topic:40", "announce:shift:7:topic:42": "topic:42"}),
    # Every channel: "*" hears of it even when no Slack channel announces it; a channel's topic does not.
    ({"*": 40}, set(), None, {"announce:shift:7:topic:40": "topic:40"}),
    ({"CGENERAL": 41}, set(), None, {}),
    ({"CGENERAL": 41}, set(), "CGENERAL", {"announce:shift:7:topic:41": "topic:41"}),
])
def test_shift_copies(topics: dict[str, int], channels: set[str], announce_channel: str | None,
                      expected: dict[str, str]) -> None:
    extra = {"announce_channel": announce_channel} if announce_channel else {}
    notices = duty_notices.shift_notices(shift(frozenset(channels)), NOW, config(topics, **extra))
    assert topic_rows(notices) == expected
    for n in notices:
        if n.payload.get("platform") == "discourse":
            assert n.kind == duty_notices.ANNOUNCE and n.due_at == NOW and n.payload["shift"] == 7


def test_call_copy_is_due_at_the_start_with_its_own_key() -> None:
    notices = duty_notices.occurrence_notices(occurrence(), NOW, config({"CCALLS": 42}))
    [copy] = [n for n in notices if n.payload.get("platform") == "discourse"]
    assert copy.key == "announce:call:1:2026-03-02T10:00:00Z:topic:42"
    assert copy.due_at == NOW + timedelta(hours=1)
    assert copy.payload == {"call": 1, "slot": "2026-03-02T09:00:00Z", "start": "2026-03-02T10:00:00Z",
                            "channel": "topic:42", "platform": "discourse"}
    # Computing the notices again (the hourly refresh, a restart) gives the same keys: written once.
    assert duty_notices.occurrence_notices(occurrence(), NOW, config({"CCALLS": 42})) == notices


def test_handover_copy() -> None:
    notice = duty_notices.handover_notice("CCALLS", "UFAC1", "UFAC2", NOW, "shift")
    [copy] = duty_notices.topic_notices([notice], config({"CCALLS": 42}))
    assert copy.key == notice.key + ":topic:42" and copy.payload["to"] == "UFAC2"


def test_reminders_are_never_copied() -> None:
    notices = duty_notices.occurrence_notices(occurrence(), NOW, config({"*": 42}))
    assert [n.kind for n in notices if n.payload.get("platform")] == [duty_notices.ANNOUNCE]


@pytest.mark.parametrize(("topics", "with_forum", "problem"), [
    ({"#calls": 42}, True, "'#calls' is not a Slack channel id"),
    ({"CCALLS": 0}, True, "0 is not a Discourse topic id"),
    ({"CCALLS": 42}, False, "duty.discourse_topics needs a discourse section"),
])
def test_config_mistakes_are_named(topics: dict[str, int], with_forum: bool, problem: str) -> None:
    data: dict[str, object] = {"committee": {"channel": "CCOMMITTEE", "members": ["UALICE"],
                                             "escalation_contact": "UESC"}, "duty": {"discourse_topics": topics}}
    if with_forum:
        data["discourse"] = FORUM
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert problem in str(err.value)


def test_off_by_default() -> None:
    assert parse_config({"committee": {"channel": "CCOMMITTEE", "members": ["UALICE"],
                                       "escalation_contact": "UESC"}}).duty.discourse_topics == {}
