"""The `safety` section: defaults, readable durations, and a problem named at start-up."""

from __future__ import annotations

import pytest

from cocbot.bot.config.community import ConfigError, parse_config
from tests.harness import config_dict


def test_defaults_page_every_15_minutes_with_an_hour_to_answer() -> None:
    config = parse_config(config_dict())
    assert config.safety.resources == ()
    assert config.safety.acknowledge_within_minutes == 60 and config.safety.page_every_minutes == 15


def test_resources_and_readable_durations() -> None:
    config = parse_config(config_dict(safety={
        "acknowledge_within": "30m", "page_every": "5m",
        "resources": [{"name": "Emergency", "reach": "112"},
                      {"name": "Venue", "reach": "desk", "calls": ["Meetup"], "channels": ["C0EVENT"]}]}))
    assert config.safety.acknowledge_within_minutes == 30 and config.safety.page_every_minutes == 5
    assert [r.name for r in config.safety.resources_for()] == ["Emergency"]
    assert [r.name for r in config.safety.resources_for(channel="C0EVENT")] == ["Emergency", "Venue"]
    assert [r.name for r in config.safety.resources_for(calls=("meetup",))] == ["Emergency", "Venue"]


@pytest.mark.parametrize("section, words", [
    ({"acknowledge_within": "soon"}, "acknowledge_within"),
    ({"resources": [{"name": "A", "reach": "1"}, {"name": "a", "reach": "2"}]}, "listed twice"),
    ({"resources": [{"name": "A"}]}, "safety.resources.0.reach"),
    ({"resources": [{"name": "A", "reach": "1", "phone": "2"}]}, "unknown key"),
])
def test_problems_are_named(section: dict, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(config_dict(safety=section))
    assert words in err.value.render()
