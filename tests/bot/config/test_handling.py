"""How reports are handled: the policy's deadlines read in readable durations, mistakes named."""

from __future__ import annotations

import pytest

from cocbot.bot.config.community import ConfigError, parse_config
from cocbot.bot.config.handling import DEFAULT_CATEGORIES, Triage
from tests.bot.config.test_community import MINIMAL


@pytest.mark.parametrize("policy, hours, days", [
    ({"acknowledge_within": "24h", "respond_within": "7d"}, 24, 7),
    ({"acknowledge_within": "90m"}, 1.5, 7),
    ({"acknowledge_within": "2d", "respond_within": "1w"}, 48, 7),
    ({"acknowledge_within_hours": 12}, 12, 7),
])
def test_policy_durations_in_readable_form(policy: dict, hours: float, days: float) -> None:
    config = parse_config({**MINIMAL, "policy": policy})
    assert config.policy.acknowledge_within_hours == hours
    assert config.policy.respond_within_days == days


def test_bad_duration_is_named() -> None:
    with pytest.raises(ConfigError, match="not a duration like 24h"):
        parse_config({**MINIMAL, "policy": {"acknowledge_within": "soon"}})


def test_categories_are_trimmed_deduplicated_and_never_empty() -> None:
    assert Triage(categories=(" Other ", "Other", "Spam")).categories == ("Other", "Spam")
    assert Triage().categories == DEFAULT_CATEGORIES
    with pytest.raises(ValueError, match="at least one category"):
        Triage(categories=(" ",))
