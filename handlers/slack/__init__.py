"""The Slack edge. `register` wires every listener; COMMANDS and SHORTCUTS are checked against manifest.yml."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from handlers.slack.listeners import add_information, report_command, report_message_shortcut, report_submission

LISTENER_MODULES = (report_command, report_message_shortcut, report_submission, add_information)
COMMANDS: tuple[str, ...] = (report_command.COMMAND,)
SHORTCUTS: tuple[str, ...] = (report_message_shortcut.CALLBACK_ID,)


def register(app: AsyncApp, services: Services) -> None:
    for module in LISTENER_MODULES:
        module.register(app, services)
