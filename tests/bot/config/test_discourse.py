"""The optional `discourse` config section."""

from __future__ import annotations

from typing import Any

import pytest

from cocbot.bot.config.community import ConfigError, parse_config
from tests.harness import config_dict


def section(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"base_url": "https://forum.example.org/", "api_key": "k" * 64, "api_username": "CocBot",
                            "webhook_secret": "s" * 32, "public_url": "https://cocbot.example.org"}
    data.update(overrides)
    return data


def problems(**overrides: Any) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config(config_dict(discourse=section(**overrides)))
    return err.value.problems


def test_absent_means_off_and_committee_keys_alone_still_work() -> None:
    assert parse_config(config_dict()).discourse is None


def test_a_full_section_is_normalised() -> None:
    config = parse_config(config_dict(discourse=section(
        committee=["@Alice", "bob"], identities={"UALICE": "Alice"}, committee_space="discourse",
        flag_types=["inappropriate", "illegal"], escalation_contact="Esme")))
    d = config.discourse
    assert d is not None
    assert d.base_url == "https://forum.example.org" and d.api_username == "cocbot"
    assert d.committee == ("alice", "bob") and d.identities == {"UALICE": "alice"}
    assert d.flag_type_ids == {4, 10} and d.form_link_minutes == 30 and d.public_form is False


@pytest.mark.parametrize("overrides,needle", [
    ({"webhook_secret": "short"}, "discourse.webhook_secret"),
    ({"webhook_secret": "x" * 31}, "discourse.webhook_secret: at least 32 characters (it has 31)"),
    ({"webhook_secret": None}, "discourse.webhook_secret"),
    ({"base_url": "forum.example.org"}, "http(s) URL"),
    ({"flag_types": ["rude"]}, "unknown flag type"),
    ({"committee_space": "discourse"}, "list the committee's Discourse usernames"),
    ({"identities": {"alice": "alice"}}, "not a Slack user id"),
    ({"identities": {"UA1": "alice", "UB2": "Alice"}}, "linked to two Slack ids"),
    ({"committee": ["not a name"]}, "not a Discourse username"),
    ({"surprise": 1}, "unknown key"),
])
def test_mistakes_are_named(overrides: dict[str, Any], needle: str) -> None:
    assert any(needle in p for p in problems(**overrides)), problems(**overrides)


def test_missing_secret_is_required() -> None:
    data = section()
    del data["webhook_secret"]
    with pytest.raises(ConfigError) as err:
        parse_config(config_dict(discourse=data))
    assert any("webhook_secret" in p for p in err.value.problems)


def test_the_example_config_documents_the_section() -> None:
    from pathlib import Path

    import yaml

    text = (Path(__file__).resolve().parents[3] / "cocbot.example.yml").read_text()
    assert parse_config(yaml.safe_load(text)).discourse is None  # commented out: off by default
    for key in ("base_url", "api_key", "api_username", "webhook_secret", "public_url", "committee",
                "escalation_contact", "committee_space", "flag_types", "form_link_minutes", "reconcile_seconds",
                "public_form", "public_form_per_hour", "identities"):
        assert f"{key}:" in text, key


def test_the_example_section_is_valid_once_uncommented() -> None:
    from pathlib import Path

    import yaml

    text = (Path(__file__).resolve().parents[3] / "cocbot.example.yml").read_text()
    block = text[text.index("# discourse:"):]
    lines = [line[2:] if line.startswith("# ") else line for line in block.splitlines() if line.startswith("#")]
    data = yaml.safe_load(text[:text.index("# Discourse (optional)")])
    data.update(yaml.safe_load("\n".join(lines)))
    config = parse_config(data)
    assert config.discourse is not None and config.discourse.identities == {"U01AAA": "alice"}
