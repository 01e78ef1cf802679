"""`/onduty`: who is on duty here; and for facilitators take/off/handover/schedule/list/cancel.

The command is acknowledged at once; the answer follows as an ephemeral reply on the response_url, so
slower checks (the channel, the person's time zone) never risk Slack's 3-second window.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.duty import commands, roster
from cocbot.bot.duty import rules as decisions
from cocbot.bot.duty.commands import DutyCommand
from cocbot.bot.duty.service import DutyService, Reply
from cocbot.bot.i18n import N_, Translator, english
from cocbot.bot.i18n.phrases import Phrase
from cocbot.bot.services import Services
from cocbot.handlers.slack import duty_views, translate

COMMAND = "/onduty"
log = logging.getLogger("cocbot.slack")

async def _channel_problem(client: AsyncWebClient, channel: str) -> str | None:
    """Announcements need the bot in the channel: say so now rather than fail silently later."""
    try:
        resp = await client.conversations_info(channel=channel)
    except SlackApiError as exc:
        if exc.response.get("error") in ("channel_not_found", "not_in_channel"):
            return Phrase(N_("I can't see %(channel)s. If it is a private channel, invite me with /invite @cocbot "
                             "and try again."), channel=f"{{c:{channel}}}")
        raise
    info = resp.get("channel") or {}
    if info.get("is_archived"):
        return Phrase(N_("%(channel)s is archived."), channel=f"{{c:{channel}}}")
    if not info.get("is_member"):
        return Phrase(N_("I'm not in %(channel)s, so I couldn't announce the shift there. Invite me with "
                         "/invite @cocbot in that channel, then try again."), channel=f"{{c:{channel}}}")
    return None


async def _timezone(client: AsyncWebClient, user: str) -> str | None:
    try:
        resp = await client.users_info(user=user)
    except SlackApiError:
        return None
    tz = (resp.get("user") or {}).get("tz")
    return str(tz) if tz else None


async def _scope(client: AsyncWebClient, c: DutyCommand, here: str) -> tuple[frozenset[str], str | None]:
    """The channels a shift covers: those named, `all`, or the channel the command was typed in."""
    if c.all_channels:
        return frozenset(), None
    channels = list(c.channels) or ([here] if here[:1] in ("C", "G") else [])
    if not channels:
        # Translators: keep `all` in English: it is what cocbot understands.
        return frozenset(), N_("Use this in the channel you are covering, or name channels (or `all`): "
                               "/onduty take 2h #channel")
    for ch in dict.fromkeys(channels):
        problem = await _channel_problem(client, ch)
        if problem:
            return frozenset(), problem
    return frozenset(channels), None


async def answer(service: DutyService, client: AsyncWebClient, user: str, channel: str,
                 text: str, tr: Translator = english()) -> tuple[str, list[dict[str, Any]]]:
    config = service.config
    c = commands.parse(text, translate.reference)
    if c.action == "status":
        return duty_views.status_message(await service.status(channel), config, tr)
    if c.action == "help":
        return duty_views.help_message(config, tr=tr)
    if c.action == "unknown":
        return duty_views.help_message(config, tr.gettext("I don't know “%(typed)s”.") % {"typed": c.typed}, tr=tr)
    if not roster.is_facilitator(user, config):
        return duty_views.reply_message(decisions.NOT_A_FACILITATOR, config, ok=False, tr=tr)
    if c.problem:
        return duty_views.reply_message(c.problem, config, ok=False, tr=tr)
    reply: Reply
    if c.action in ("take", "schedule"):
        channels, problem = await _scope(client, c, channel)
        if problem:
            return duty_views.reply_message(problem, config, ok=False, tr=tr)
        if c.action == "take":
            reply = await service.take(user, channels, c.duration)
        else:
            reply = await service.schedule(user, c.users[0], channels, list(c.words), await _timezone(client, user))
    elif c.action == "off":
        reply = await service.off(user)
    elif c.action == "handover":
        reply = await service.handover(user, c.users[0], channel)
    elif c.action == "cancel":
        assert c.shift is not None  # the grammar refuses a cancel without a number
        reply = await service.cancel(user, c.shift)
    else:  # list
        up = await service.upcoming()
        return duty_views.list_message(up.shifts, up.occurrences, service.clock.now(), config, tr)
    return duty_views.reply_message(reply.text, config, ok=reply.ok, tr=tr)


def register(app: AsyncApp, services: Services) -> None:
    async def onduty(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        await ack()
        service = services.duty
        user, channel, text = translate.command(body)
        # Answered on the response_url after the ack: there is time to look the member's language up.
        tr = await services.member_translator_lookup("slack", user)
        try:
            summary, blocks = await answer(service, client, user, channel, text, tr)
        except Exception:
            # The person gets a plain apology, the operator the traceback (no user text in either).
            log.exception("/onduty failed")
            summary, blocks = duty_views.reply_message(
                N_("Sorry, something went wrong on cocbot's side. Check /onduty list to see whether your change "
                   "was made, then try again; if it keeps happening, tell the committee."), service.config, ok=False,
                tr=tr)
        await respond(text=summary, blocks=blocks, response_type="ephemeral", replace_original=False)

    app.command(COMMAND)(onduty)
