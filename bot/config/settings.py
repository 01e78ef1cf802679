"""Process settings, read once from the environment into a frozen object.

Every problem is collected before failing so that an operator fixes them all in one go instead of
discovering them one restart at a time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Mapping

from cocbot.storage.content import check_key

LOG_FORMATS = ("text", "json")
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///cocbot.sqlite3"


class SettingsError(Exception):
    """Raised with every problem found; `problems` lists them one per entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))

    def render(self) -> str:
        lines = ["cocbot cannot start; fix these settings:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str
    slack_app_token: str | None
    slack_signing_secret: str | None
    slack_api_url: str
    database_url: str
    config_path: Path
    port: int
    host: str = "0.0.0.0"
    # Encrypt report content at rest: the first key seals, every key reads (rotation). Empty: plain JSON.
    content_keys: tuple[str, ...] = ()
    # /metrics on a port of its own (e.g. reachable only from the monitoring network); None: on `port`.
    metrics_port: int | None = None
    metrics_host: str | None = None  # None: `host`
    log_format: str = "text"

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def slack_enabled(self) -> bool:
        """False for a community on Discourse only: no Slack client, no Bolt app, no /slack/events."""
        return bool(self.slack_bot_token)


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, sqlite:///) and pick the async drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://"):]
    if url.startswith("sqlite:///") or url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://"):]
    return url


def config_path_from(env: Mapping[str, str]) -> Path:
    return Path(env.get("COCBOT_CONFIG", "").strip() or "cocbot.yml")


def slack_problems(bot_token: str | None, app_token: str | None, signing_secret: str | None) -> list[str]:
    problems = []
    if bot_token is None:
        problems.append("SLACK_BOT_TOKEN is not set (the bot token, xoxb-…, from 'OAuth & Permissions')")
    elif not bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN must be a bot token starting with 'xoxb-'")
    if app_token is not None and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN must be an app-level token starting with 'xapp-' (connections:write)")
    if app_token is None and signing_secret is None:
        problems.append(
            "SLACK_SIGNING_SECRET is not set; HTTP mode needs it to verify requests "
            "(or set SLACK_APP_TOKEN to use Socket Mode)"
        )
    return problems


def check_platforms(settings: Settings, *, uses_slack: bool) -> None:
    """The community config says whether Slack is used; the settings must agree (raises SettingsError)."""
    if uses_slack:
        problems = slack_problems(settings.slack_bot_token or None, settings.slack_app_token,
                                  settings.slack_signing_secret)
    elif settings.slack_enabled:
        problems = ["SLACK_BOT_TOKEN is set, but the community config has no committee section for Slack "
                    "(it runs on Discourse only): add the committee section or unset the SLACK_* settings"]
    else:
        problems = []
    if problems:
        raise SettingsError(problems)


SLACK_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")


def load_settings(env: Mapping[str, str] | None = None, *, require_slack: bool = True,
                  uses_slack: bool | None = None, require_config: bool = True) -> Settings:
    """With `require_slack=False` the Slack settings may all be absent (a community on Discourse only);
    any that are given are still checked. `uses_slack`, when the community config is known, says whether
    Slack settings belong at all: for a community on Discourse only, any SLACK_* setting is one problem
    listed beside the others, rather than a request for the rest of the Slack settings."""
    env = os.environ if env is None else env
    problems: list[str] = []

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    bot_token = get("SLACK_BOT_TOKEN")
    app_token = get("SLACK_APP_TOKEN")
    signing_secret = get("SLACK_SIGNING_SECRET")
    if uses_slack is False:
        given = [name for name in SLACK_SETTINGS if get(name)]
        if given:
            problems.append(f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} set, but the community "
                            "config has no committee section for Slack (it runs on Discourse only): add the "
                            "committee section or unset the SLACK_* settings")
    elif uses_slack or require_slack or bot_token or app_token or signing_secret:
        problems += slack_problems(bot_token, app_token, signing_secret)

    api_url = get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not api_url.startswith(("http://", "https://")):
        problems.append(f"SLACK_API_URL must be an http(s) URL, got {api_url!r}")
    if not api_url.endswith("/"):
        api_url += "/"

    database_url = normalise_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        problems.append("DATABASE_URL must be a sqlite:/// or postgresql:// URL")

    port_text = get("PORT") or "3000"
    port = 0
    try:
        port = int(port_text)
        if not 0 <= port <= 65535:
            raise ValueError
    except ValueError:
        problems.append(f"PORT must be a TCP port number, got {port_text!r}")

    config_path = config_path_from(env)
    if require_config and not config_path.is_file():
        problems.append(
            f"COCBOT_CONFIG: no community config at {config_path} (copy cocbot.example.yml and edit it)"
        )

    content_keys = tuple(k.strip() for k in (get("COCBOT_CONTENT_KEYS") or "").split(",") if k.strip())
    for number, key in enumerate(content_keys, 1):
        why = check_key(key)
        if why:
            problems.append(f"COCBOT_CONTENT_KEYS: key {number} {why}")

    metrics_text = get("COCBOT_METRICS_PORT")
    metrics_port: int | None = None
    if metrics_text is not None:
        try:
            metrics_port = int(metrics_text)
            if not 1 <= metrics_port <= 65535 or metrics_port == port:
                raise ValueError
        except ValueError:
            problems.append(f"COCBOT_METRICS_PORT must be a TCP port number other than PORT, got {metrics_text!r}")

    log_format = (get("COCBOT_LOG_FORMAT") or "text").lower()
    if log_format not in LOG_FORMATS:
        problems.append(f"COCBOT_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}")

    if problems:
        raise SettingsError(problems)
    return Settings(
        slack_bot_token=bot_token or "",
        slack_app_token=app_token,
        slack_signing_secret=signing_secret,
        slack_api_url=api_url,
        database_url=database_url,
        config_path=config_path,
        port=port,
        host=get("HOST") or "0.0.0.0",
        content_keys=content_keys,
        metrics_port=metrics_port,
        metrics_host=get("COCBOT_METRICS_HOST"),
        log_format=log_format,
    )
