"""Settings come from the environment once; every problem is named together."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocbot.bot.config.settings import SettingsError, load_settings, normalise_database_url


def env(tmp_path: Path, **kw: str) -> dict[str, str]:
    config = tmp_path / "cocbot.yml"
    config.write_text("committee: {}\n")
    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "COCBOT_CONFIG": str(config)}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


def test_defaults(tmp_path: Path) -> None:
    s = load_settings(env(tmp_path))
    assert s.port == 3000 and not s.socket_mode
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.database_url == "sqlite+aiosqlite:///cocbot.sqlite3"


def test_socket_mode_needs_no_signing_secret(tmp_path: Path) -> None:
    s = load_settings(env(tmp_path, SLACK_SIGNING_SECRET="", SLACK_APP_TOKEN="xapp-1"))
    assert s.socket_mode


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings({"SLACK_BOT_TOKEN": "nope", "PORT": "http", "SLACK_API_URL": "ftp://x",
                       "DATABASE_URL": "mysql://x", "COCBOT_CONFIG": str(tmp_path / "missing.yml")})
    text = err.value.render()
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PORT", "SLACK_API_URL", "DATABASE_URL", "COCBOT_CONFIG"):
        assert name in text
    assert len(err.value.problems) == 6


@pytest.mark.parametrize("given, expected", [
    ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
    ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
])
def test_database_urls_get_async_drivers(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_a_discourse_only_community_hears_about_stray_slack_settings_beside_every_other_problem(
        tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "PORT": "http", "COCBOT_CONFIG": str(tmp_path / "missing.yml")},
                      uses_slack=False)
    problems = err.value.problems
    assert len(problems) == 3, problems
    assert "SLACK_BOT_TOKEN is set, but the community config has no committee section for Slack" in problems[0]
    assert not any("SLACK_SIGNING_SECRET" in p for p in problems)  # not asked for: Slack is not used at all
    assert any(p.startswith("PORT") for p in problems) and any(p.startswith("COCBOT_CONFIG") for p in problems)


def test_log_format_is_text_unless_json_is_asked_for(tmp_path: Path) -> None:
    assert load_settings(env(tmp_path)).log_format == "text"
    assert load_settings(env(tmp_path, COCBOT_LOG_FORMAT="JSON")).log_format == "json"


def test_an_unknown_log_format_is_listed_beside_the_other_problems(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings(env(tmp_path, COCBOT_LOG_FORMAT="yaml", PORT="http"))
    assert len(err.value.problems) == 2
    assert "COCBOT_LOG_FORMAT must be one of text, json, got 'yaml'" in err.value.render()
