"""The community config: three keys suffice, mistakes are named precisely, the example is valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocbot.bot.config.community import ConfigError, load_config, parse_config
from tests.fakes.specs import REPO

MINIMAL = {"committee": {"channel": "C0123COMMIT", "members": ["U01AAA", "U02BBB"], "escalation_contact": "U09ZZZ"}}


def test_only_the_three_committee_keys_are_required() -> None:
    config = parse_config(MINIMAL)
    assert config.committee.members == ("U01AAA", "U02BBB")
    assert config.policy.acknowledge_within_hours == 24


def test_example_config_is_valid() -> None:
    config = load_config(REPO / "cocbot.example.yml")
    assert config.committee.channel == "C0123COMMIT"


@pytest.mark.parametrize("data, where", [
    ({}, "committee"),
    ({"committee": {**MINIMAL["committee"], "channel": "general"}}, "committee.channel"),
    ({"committee": {**MINIMAL["committee"], "members": []}}, "committee.members"),
    ({"committee": {**MINIMAL["committee"], "members": ["alice"]}}, "committee.members"),
    ({"committee": {**MINIMAL["committee"], "escalation_contact": "bob"}}, "committee.escalation_contact"),
    ({**MINIMAL, "comittee_typo": 1}, "comittee_typo"),
    ({**MINIMAL, "policy": {"timezone": "Mars/Olympus"}}, "timezone"),
])
def test_mistakes_are_named(data: dict, where: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert where in err.value.render()


def test_unreadable_and_invalid_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("committee: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)


def test_chair_must_be_on_the_committee() -> None:
    with pytest.raises(ConfigError, match="chair U07XYZ must also be listed"):
        parse_config({"committee": {**MINIMAL["committee"], "chair": "U07XYZ"}})
    assert parse_config({"committee": {**MINIMAL["committee"], "chair": "U01AAA"}}).committee.chair == "U01AAA"
