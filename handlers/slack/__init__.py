"""The Slack edge. `register` wires every listener; COMMANDS and SHORTCUTS are checked against manifest.yml."""

from __future__ import annotations

from typing import Protocol

from slack_bolt.async_app import AsyncApp

from cocbot.bot.services import Services
from cocbot.handlers.slack.listeners import (
    add_information, app_home, onduty_command, report_command, report_message_shortcut, report_submission,
    triage_announcement, triage_assess, triage_assign, triage_buttons, triage_committee_text, triage_decide,
    triage_recuse, triage_reply, transparency_request,
)
from cocbot.handlers.slack.listeners import ban_member_joined, ban_team_join
from cocbot.handlers.slack.listeners import talk_buttons, talk_command, talk_submissions
from cocbot.handlers.slack.listeners import behalf_confirm, readers_answer, safety_ack
from cocbot.handlers.slack.listeners import earlier_view, hold_buttons


class Listeners(Protocol):
    """A listener module: it wires its listeners onto the Bolt app."""

    def register(self, app: AsyncApp, services: Services) -> None: ...


LISTENER_MODULES: tuple[Listeners, ...] = (
    report_command, report_message_shortcut, report_submission, add_information,
    onduty_command, app_home,
    # Committee triage: every button on the report's messages, then the submission of each form they open.
    triage_buttons, triage_assign, triage_recuse, triage_assess, triage_committee_text, triage_reply,
    triage_decide, triage_announcement,
    # Bans enforced: a banned person joining a channel or the workspace.
    ban_member_joined, ban_team_join,
    # Talk first: /talk, the conversation's buttons, and the submission of each form they open.
    talk_command, talk_buttons, talk_submissions,
    # Danger pages: "I'm on it".
    safety_ack,
    # The reporter's answer about who may see their report.
    readers_answer,
    # Confirming a report filed on someone's behalf.
    behalf_confirm,
    transparency_request,
    # A reporter's held reports; an earlier case opened from a new case's listing.
    hold_buttons, earlier_view,
)
COMMANDS: tuple[str, ...] = (report_command.COMMAND, onduty_command.COMMAND, talk_command.COMMAND)
# Events API subscriptions (manifest settings.event_subscriptions.bot_events).
EVENTS: tuple[str, ...] = (app_home.EVENT, ban_member_joined.EVENT, ban_team_join.EVENT)
SHORTCUTS: tuple[str, ...] = (report_message_shortcut.CALLBACK_ID,)


def register(app: AsyncApp, services: Services) -> None:
    for module in LISTENER_MODULES:
        module.register(app, services)
