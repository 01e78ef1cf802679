"""manifest.yml (Socket Mode) and manifest.http.yml (HTTP mode) are valid Slack app manifests whose commands and
shortcuts match the registered listeners and whose scopes are those the code's Web API calls need."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from cocbot.handlers import slack as slack_handlers
from tests.fakes.specs import REPO, spec_file
from tests.harness import GENERAL, Harness

MANIFEST = yaml.safe_load((REPO / "manifest.yml").read_text())
HTTP_MANIFEST = yaml.safe_load((REPO / "manifest.http.yml").read_text())
BOTH = pytest.mark.parametrize("manifest", [MANIFEST, HTTP_MANIFEST], ids=["socket", "http"])


@BOTH
def test_manifest_is_valid_against_slacks_schema(manifest: dict[str, Any]) -> None:
    import jsonschema

    path = spec_file("slack", "app-manifest", "slackapi-manifest-schema", "schemas", "manifest.schema.1.0.0.json")
    schema = json.loads(path.read_text())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(manifest)]
    assert not errors


@BOTH
def test_every_manifest_command_and_shortcut_has_a_listener_and_vice_versa(manifest: dict[str, Any]) -> None:
    commands = {c["command"] for c in manifest["features"].get("slash_commands", [])}
    shortcuts = {s["callback_id"] for s in manifest["features"].get("shortcuts", [])}
    assert commands == set(slack_handlers.COMMANDS)
    assert shortcuts == set(slack_handlers.SHORTCUTS)


def test_manifest_enables_socket_mode_and_interactivity() -> None:
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True


def test_http_manifest_is_the_socket_one_with_every_request_sent_to_slack_events() -> None:
    settings = HTTP_MANIFEST["settings"]
    assert settings["socket_mode_enabled"] is False
    urls = [c["url"] for c in HTTP_MANIFEST["features"]["slash_commands"]]
    urls += [settings["interactivity"]["request_url"], settings["event_subscriptions"]["request_url"]]
    assert len(urls) == len(MANIFEST["features"]["slash_commands"]) + 2
    assert all(url.startswith("https://") and url.endswith("/slack/events") for url in urls)
    # Apart from those, the two must never drift: same commands, scopes, events, texts.
    bare = json.loads(json.dumps(HTTP_MANIFEST))
    for command in bare["features"]["slash_commands"]:
        del command["url"]
    del bare["settings"]["interactivity"]["request_url"], bare["settings"]["event_subscriptions"]["request_url"]
    bare["settings"]["socket_mode_enabled"] = True
    assert bare == MANIFEST


async def test_every_manifest_command_is_answered(bot: Harness) -> None:
    for command in MANIFEST["features"]["slash_commands"]:
        before = len(bot.fake.calls_to("views.open")) + len(bot.fake.responses)
        resp = await bot.slash("UREPORTER", GENERAL, command=command["command"])
        assert resp.status == 200
        # A modal opens (/report) or an ephemeral answer comes back on the response_url (/onduty).
        await bot.until(lambda before=before: len(bot.fake.calls_to("views.open")) + len(bot.fake.responses) > before)


def web_api_methods_called() -> set[str]:
    """Slack Web API methods the product code calls through the SDK (client.conversations_open → conversations.open)."""
    calls = set()
    for folder in ("bot", "handlers"):
        for path in (REPO / folder).rglob("*.py"):
            if "testing" not in path.parts:
                text = path.read_text()
                calls |= set(re.findall(r"\b(?:client|_poster)\.([a-z]+)_([A-Za-z]+)\(", text)) - {("api", "call")}
                # A method called by its name (api_call("chat.postMessage", json=...)) needs its scopes too.
                calls |= set(re.findall(r"\b(?:client|_poster)\.api_call\(\s*\"([a-z]+)\.([A-Za-z]+)\"", text))
    return {f"{family}.{name}" for family, name in calls}


def test_every_requested_scope_is_needed_by_a_method_the_code_calls() -> None:
    openapi = json.loads(spec_file("slack", "slack_web_openapi_v2.json").read_text())
    methods = web_api_methods_called()
    assert {"chat.postMessage", "conversations.open", "conversations.history", "users.info"} <= methods
    needed_by: dict[str, set[str]] = {}
    for method in methods:
        for operation in openapi["paths"][f"/{method}"].values():
            for requirement in operation.get("security", []):
                for scope in requirement.get("slackAuth", []):
                    needed_by.setdefault(scope.removesuffix(":bot"), set()).add(method)
                    if scope == "channels:write":
                        # The document names the legacy scope; granular bot tokens ask for channels:manage.
                        needed_by.setdefault("channels:manage", set()).add(method)
    for manifest in (MANIFEST, HTTP_MANIFEST):
        scopes = set(manifest["oauth_config"]["scopes"]["bot"]) - {"commands"}  # slash commands and shortcuts
        unused = {scope for scope in scopes if scope not in needed_by}
        assert not unused, f"scopes no Web API call of cocbot needs: {unused}"
    # A DM is re-sent only after looking for an earlier attempt in it, which conversations.open finds.
    assert "conversations.open" in needed_by["im:write"]


def test_bot_scopes_cover_the_web_api_methods_the_bot_uses() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    needed = {"commands", "chat:write", "groups:write", "groups:read", "users:read"}
    assert needed <= scopes, needed - scopes
    # No scope is requested that nothing uses: every scope must be explained by a comment in the file.
    text = (REPO / "manifest.yml").read_text()
    for scope in scopes:
        line = next(line for line in text.splitlines() if line.strip().startswith(f"- {scope}"))
        assert "#" in line, f"scope {scope} has no comment saying what uses it"
