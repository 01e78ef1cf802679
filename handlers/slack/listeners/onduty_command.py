"""`/onduty`: who is on duty here; and for facilitators take/off/handover/schedule/list/cancel.

The command is acknowledged at once; the answer follows as an ephemeral reply on the response_url, so
slower checks (the channel, the person's time zone) never risk Slack's 3-second window.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from cocbot.bot.duty import roster
from cocbot.bot.duty import rules as decisions
from cocbot.bot.duty import times as duty_times
from cocbot.bot.duty.service import DutyService, Reply
from cocbot.bot.services import Services
from cocbot.handlers.slack import duty_views

COMMAND = "/onduty"
log = logging.getLogger("cocbot.slack")

_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")


@dataclass
class Parsed:
    sub: str
    users: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    all_channels: bool = False
    words: list[str] = field(default_factory=list)
    problem: str | None = None


def parse(text: str) -> Parsed:
    # Replies quote what was typed; braces would read as the domain's {u:…}/{c:…}/{t:…} placeholders.
    tokens = text.replace("{", "(").replace("}", ")").split()
    if not tokens:
        return Parsed("status")
    p = Parsed(tokens[0].lower())
    for tok in tokens[1:]:
        if m := _USER.match(tok):
            p.users.append(m.group(1))
        elif m := _CHANNEL.match(tok):
            p.channels.append(m.group(1))
        elif tok.lower() in ("all", "everywhere"):
            p.all_channels = True
        elif tok.startswith("#"):
            p.problem = p.problem or (f"I couldn't find the channel {tok}. Pick it from Slack's suggestions "
                                      "as you type, so it turns into a link.")
        elif tok.startswith("@"):
            p.problem = p.problem or (f"I couldn't find the person {tok}. Pick them from Slack's suggestions "
                                      "as you type, so their name turns into a mention.")
        else:
            p.words.append(tok)
    return p


async def _channel_problem(client: AsyncWebClient, channel: str) -> str | None:
    """Announcements need the bot in the channel: say so now rather than fail silently later."""
    try:
        resp = await client.conversations_info(channel=channel)
    except SlackApiError as exc:
        if exc.response.get("error") in ("channel_not_found", "not_in_channel"):
            return (f"I can't see {{c:{channel}}}. If it is a private channel, invite me with /invite @cocbot "
                    "and try again.")
        raise
    info = resp.get("channel") or {}
    if info.get("is_archived"):
        return f"{{c:{channel}}} is archived."
    if not info.get("is_member"):
        return (f"I'm not in {{c:{channel}}}, so I couldn't announce the shift there. Invite me with "
                "/invite @cocbot in that channel, then try again.")
    return None


async def _timezone(client: AsyncWebClient, user: str) -> str | None:
    try:
        resp = await client.users_info(user=user)
    except SlackApiError:
        return None
    tz = (resp.get("user") or {}).get("tz")
    return str(tz) if tz else None


async def _scope(client: AsyncWebClient, p: Parsed, here: str) -> tuple[frozenset[str], str | None]:
    """The channels a shift covers: those named, `all`, or the channel the command was typed in."""
    if p.all_channels:
        if p.channels:
            return frozenset(), "Name channels or say `all`, not both."
        return frozenset(), None
    channels = p.channels or ([here] if here[:1] in ("C", "G") else [])
    if not channels:
        return frozenset(), ("Use this in the channel you are covering, or name channels (or `all`): "
                             "/onduty take 2h #channel")
    for ch in dict.fromkeys(channels):
        problem = await _channel_problem(client, ch)
        if problem:
            return frozenset(), problem
    return frozenset(channels), None


async def answer(service: DutyService, client: AsyncWebClient, user: str, channel: str,
                 text: str) -> tuple[str, list[dict[str, Any]]]:
    config = service.config
    p = parse(text)
    if p.sub in ("status", "who", "now"):
        return duty_views.status_message(await service.status(channel), config)
    if p.sub == "help":
        return duty_views.help_message(config)
    known = ("take", "off", "handover", "schedule", "list", "cancel")
    if p.sub not in known:
        return duty_views.help_message(config, f"I don't know “{p.sub}”.")
    if not roster.is_facilitator(user, config):
        return duty_views.reply_message(decisions.NOT_A_FACILITATOR, config, ok=False)
    if p.problem:
        return duty_views.reply_message(p.problem, config, ok=False)
    reply: Reply
    if p.sub == "take":
        try:
            length = duty_times.shift_duration(p.words[0]) if p.words else None
        except duty_times.DutyInputError as exc:
            return duty_views.reply_message(str(exc), config, ok=False)
        if len(p.words) > 1:
            return duty_views.reply_message("Give one duration, like /onduty take 2h.", config, ok=False)
        channels, problem = await _scope(client, p, channel)
        if problem:
            return duty_views.reply_message(problem, config, ok=False)
        reply = await service.take(user, channels, length)
    elif p.sub == "off":
        reply = await service.off(user)
    elif p.sub == "handover":
        if len(p.users) != 1:
            return duty_views.reply_message("Name one person to hand over to: /onduty handover @someone",
                                            config, ok=False)
        reply = await service.handover(user, p.users[0], channel)
    elif p.sub == "schedule":
        if len(p.users) != 1:
            return duty_views.reply_message("Name one facilitator: /onduty schedule @someone #channel "
                                            "2026-03-05 14:00 16:00", config, ok=False)
        if not p.channels and not p.all_channels:
            return duty_views.reply_message("Name the channel(s) the shift covers, or `all`: /onduty schedule "
                                            "@someone #channel 2026-03-05 14:00 16:00", config, ok=False)
        channels, problem = await _scope(client, p, channel)
        if problem:
            return duty_views.reply_message(problem, config, ok=False)
        reply = await service.schedule(user, p.users[0], channels, p.words, await _timezone(client, user))
    elif p.sub == "cancel":
        number = p.words[0].lstrip("#") if len(p.words) == 1 else ""
        if not number.isdigit():
            return duty_views.reply_message("Say which shift: /onduty cancel 12 (numbers are in /onduty list).",
                                            config, ok=False)
        reply = await service.cancel(user, int(number))
    else:  # list
        up = await service.upcoming()
        return duty_views.list_message(up.shifts, up.occurrences, service.clock.now(), config)
    return duty_views.reply_message(reply.text, config, ok=reply.ok)


def register(app: AsyncApp, services: Services) -> None:
    async def onduty(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        await ack()
        service = services.duty
        if service is None:
            await respond(text="On-duty shifts are not set up on this cocbot.", response_type="ephemeral")
            return
        user, channel = str(body.get("user_id") or ""), str(body.get("channel_id") or "")
        try:
            summary, blocks = await answer(service, client, user, channel, str(body.get("text") or ""))
        except Exception:
            # The person gets a plain apology, the operator the traceback (no user text in either).
            log.exception("/onduty failed")
            summary, blocks = duty_views.reply_message(
                "Sorry, something went wrong on cocbot's side. Check /onduty list to see whether your change "
                "was made, then try again; if it keeps happening, tell the committee.", service.config, ok=False)
        await respond(text=summary, blocks=blocks, response_type="ephemeral", replace_original=False)

    app.command(COMMAND)(onduty)
