"""The example files' ids and secrets parse (the demo replays them) but are refused for a real bot."""

from __future__ import annotations

import re

import yaml

from cocbot.bot.config.community import parse_config
from cocbot.bot.config.placeholders import EXAMPLE_SLACK_IDS, example_value_problems
from tests.fakes.specs import REPO
from tests.harness import config_dict

EXAMPLES = ("cocbot.example.yml", "cocbot.discourse.example.yml")


def test_every_slack_id_in_the_example_files_is_known_as_an_example() -> None:
    for name in EXAMPLES:
        text = (REPO / name).read_text()  # commented-out keys included: people uncomment them
        found = set(re.findall(r"\b[CGUW]0\d[A-Z0-9]{3,}\b", text))
        assert found <= EXAMPLE_SLACK_IDS, (name, found - EXAMPLE_SLACK_IDS)


def test_both_example_files_parse_but_each_placeholder_is_named() -> None:
    slack = parse_config(yaml.safe_load((REPO / "cocbot.example.yml").read_text()))
    assert [p.split(":")[0] for p in example_value_problems(slack)] == [
        "committee.channel", "committee.members", "committee.escalation_contact"]
    forum = parse_config(yaml.safe_load((REPO / "cocbot.discourse.example.yml").read_text()))
    assert [p.split(":")[0] for p in example_value_problems(forum)] == [
        "discourse.api_key", "discourse.webhook_secret", "discourse.base_url", "discourse.public_url"]


def test_uncommented_example_ids_elsewhere_are_named_too() -> None:
    config = parse_config(config_dict(triage={"announcement_channel": "C0123GENRL"},
                                      duty={"facilitators": ["U04DDD", "UFAC1"]}))
    problems = example_value_problems(config)
    assert any(p.startswith("triage.announcement_channel: C0123GENRL is an example id") for p in problems)
    assert any(p.startswith("duty.facilitators: U04DDD is an example id") for p in problems)


def test_the_test_suites_own_config_has_no_example_values() -> None:
    assert example_value_problems(parse_config(config_dict())) == []
