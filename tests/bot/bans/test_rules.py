"""Who a ban covers and where (identity map included), and the `bans:` config section."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cocbot.bot.bans import rules
from cocbot.bot.config.community import ConfigError
from cocbot.storage.bans import EnforcedBan, Places
from cocbot.storage.triage import BanRecord
from tests.harness import make_config

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
FORUM = {"base_url": "https://forum.example.org", "api_key": "k" * 20, "api_username": "cocbot",
         "webhook_secret": "s" * 40, "public_url": "https://cocbot.example.org", "identities": {"UMAL": "mallory"}}


NOWHERE = Places()


def ban(*subjects: str, places: Places = NOWHERE) -> EnforcedBan:
    return EnforcedBan(BanRecord(1, 1, 1, NOW, "temporary_ban", subjects, "", None), "R-0001", places)


def test_a_ban_covers_a_person_on_both_platforms_through_the_identity_map() -> None:
    config = make_config(discourse=FORUM)
    on_slack, on_forum = ban("UMAL"), ban("Mallory")
    for b in (on_slack, on_forum):
        assert rules.covers(b, "UMAL", config) and rules.covers(b, "mallory", config)
        assert not rules.covers(b, "UOTHER", config)
    assert rules.forum_people(on_slack, config) == ("mallory",)
    assert rules.slack_people(on_forum, config) == ("UMAL",)


def test_places() -> None:
    channels = Places(channels=("CEVENTS",))
    assert rules.covers_channel(channels, "CEVENTS") and not rules.covers_channel(channels, "COTHER")
    assert rules.covers_channel(Places(workspace=True), "COTHER")
    assert rules.covers_category(Places(categories=(5,)), 5) and not rules.covers_category(Places(categories=(5,)), 6)
    assert rules.covers_category(Places(forum=True), None)
    assert Places().empty and not Places(forum=True).empty


def test_the_bans_section() -> None:
    assert make_config().bans.enforce == ("alert",)
    both = make_config(discourse=FORUM, bans={"enforce": ["remove", "silence"]}).bans
    assert both.removes and both.forum_action == "silence"
    with pytest.raises(ConfigError, match="suspend or silence"):
        make_config(discourse=FORUM, bans={"enforce": ["suspend", "silence"]})
    with pytest.raises(ConfigError, match="no discourse section"):
        make_config(bans={"enforce": "suspend"})
    with pytest.raises(ConfigError, match="bans.enforce"):
        make_config(bans={"enforce": "ban-hammer"})
