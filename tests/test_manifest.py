"""manifest.yml is a valid Slack app manifest whose commands and shortcuts match the registered listeners."""

from __future__ import annotations

import json

import yaml

from cocbot.handlers import slack as slack_handlers
from tests.fakes.specs import REPO, spec_file
from tests.harness import GENERAL, Harness

MANIFEST = yaml.safe_load((REPO / "manifest.yml").read_text())


def test_manifest_is_valid_against_slacks_schema() -> None:
    import jsonschema

    path = spec_file("slack", "app-manifest", "slackapi-manifest-schema", "schemas", "manifest.schema.1.0.0.json")
    schema = json.loads(path.read_text())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(MANIFEST)]
    assert not errors


def test_every_manifest_command_and_shortcut_has_a_listener_and_vice_versa() -> None:
    commands = {c["command"] for c in MANIFEST["features"].get("slash_commands", [])}
    shortcuts = {s["callback_id"] for s in MANIFEST["features"].get("shortcuts", [])}
    assert commands == set(slack_handlers.COMMANDS)
    assert shortcuts == set(slack_handlers.SHORTCUTS)


def test_manifest_enables_socket_mode_and_interactivity() -> None:
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True


async def test_every_manifest_command_is_answered(bot: Harness) -> None:
    for command in MANIFEST["features"]["slash_commands"]:
        before = len(bot.fake.calls_to("views.open")) + len(bot.fake.responses)
        resp = await bot.slash("UREPORTER", GENERAL, command=command["command"])
        assert resp.status == 200
        # A modal opens (/report) or an ephemeral answer comes back on the response_url (/onduty).
        await bot.until(lambda before=before: len(bot.fake.calls_to("views.open")) + len(bot.fake.responses) > before)


def test_bot_scopes_cover_the_web_api_methods_the_bot_uses() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    needed = {"commands", "chat:write", "groups:write", "groups:read", "users:read"}
    assert needed <= scopes, needed - scopes
    # No scope is requested that nothing uses: every scope must be explained by a comment in the file.
    text = (REPO / "manifest.yml").read_text()
    for scope in scopes:
        line = next(line for line in text.splitlines() if line.strip().startswith(f"- {scope}"))
        assert "#" in line, f"scope {scope} has no comment saying what uses it"
