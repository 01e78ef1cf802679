"""The Slack edge. `register` wires every listener; COMMANDS and SHORTCUTS are checked against manifest.yml."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from handlers.slack.listeners import add_information, report_command, report_message_shortcut, report_submission
from handlers.slack.listeners import app_home, onduty_command

LISTENER_MODULES = (report_command, report_message_shortcut, report_submission, add_information)
LISTENER_MODULES += (onduty_command, app_home)
COMMANDS: tuple[str, ...] = (report_command.COMMAND,)
COMMANDS += (onduty_command.COMMAND,)
# Events API subscriptions (manifest settings.event_subscriptions.bot_events).
EVENTS: tuple[str, ...] = (app_home.EVENT,)
SHORTCUTS: tuple[str, ...] = (report_message_shortcut.CALLBACK_ID,)


def register(app: AsyncApp, services: Services) -> None:
    for module in LISTENER_MODULES:
        module.register(app, services)
