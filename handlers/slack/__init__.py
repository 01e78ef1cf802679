"""The Slack edge. `register` wires every listener; COMMANDS and SHORTCUTS are checked against manifest.yml."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from cocbot.bot.services import Services
from cocbot.handlers.slack.listeners import add_information, report_command, report_message_shortcut, report_submission
from cocbot.handlers.slack.listeners import app_home, onduty_command
from cocbot.handlers.slack.listeners import (
    triage_acknowledge, triage_announcement, triage_ask, triage_assess, triage_assign, triage_close, triage_decide,
    triage_history, triage_note, triage_recuse, triage_reopen, triage_reply, triage_view_report,
)

LISTENER_MODULES = (report_command, report_message_shortcut, report_submission, add_information)
LISTENER_MODULES += (onduty_command, app_home)
# Committee triage (issue 3): buttons on the report's message and their modals.
LISTENER_MODULES += (triage_acknowledge, triage_assign, triage_recuse, triage_assess, triage_note, triage_ask,
                     triage_reply, triage_decide, triage_announcement, triage_close, triage_reopen,
                     triage_view_report, triage_history)
COMMANDS: tuple[str, ...] = (report_command.COMMAND,)
COMMANDS += (onduty_command.COMMAND,)
# Events API subscriptions (manifest settings.event_subscriptions.bot_events).
EVENTS: tuple[str, ...] = (app_home.EVENT,)
SHORTCUTS: tuple[str, ...] = (report_message_shortcut.CALLBACK_ID,)


def register(app: AsyncApp, services: Services) -> None:
    for module in LISTENER_MODULES:
        module.register(app, services)
