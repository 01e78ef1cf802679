"""On-duty announcements as posted in a Discourse topic (`duty.discourse_topics`).

The same announcements as in Slack (bot/duty_texts.py), said the forum's way: facilitators are named by
forum username through the identity map (a Slack id is never shown on the forum), times use Discourse's
local-date markup so each reader sees their own zone, and reporting is by private message to the bot.
No report content, ever: these go through the gate's content-free path.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty.roster import duty_timezone
from cocbot.bot.duty.texts import BYPASS
from cocbot.bot.messages import Heading, Link, Message, Note, Text
from cocbot.handlers.discourse.render import LocalTime


def forum_name(person: str, config: CommunityConfig) -> str | None:
    """A facilitator's forum username: themselves in a Discourse-only community, else via the identity map."""
    if not config.uses_slack:
        return person
    identities = config.discourse.identities if config.discourse is not None else {}
    return identities.get(person)


def _name(person: str, config: CommunityConfig) -> str:
    name = forum_name(person, config)
    return f"{name} (forum username)" if name else "a facilitator who is reachable on Slack"


_PLACEHOLDER = re.compile(r"\{([uct]):([^{}]+)\}")


def reply_text(text: str, config: CommunityConfig) -> str:
    """A duty reply's `{u:…}`/`{c:…}`/`{t:…}` as plain words for a private message (escaped when rendered)."""
    zone = ZoneInfo(duty_timezone(config))

    def sub(m: re.Match[str]) -> str:
        kind, value = m.group(1), m.group(2)
        if kind == "u":
            return forum_name(value, config) or "a facilitator on Slack"
        if kind == "c":
            return f"forum category {value.rsplit(':', 1)[-1]}" if value.startswith("discourse:category:") \
                else "a Slack channel"
        try:
            local = datetime.fromisoformat(value).astimezone(zone)
        except ValueError:
            return value
        return f"{local:%a %d %b %H:%M} {local.tzname()}"

    return _PLACEHOLDER.sub(sub, text)


def _how_to_reach(config: CommunityConfig) -> list:
    blocks: list = [
        Text("To talk to them privately, send them a private message. To report a concern to the Code of "
             "Conduct committee, send me a private message and I will send you a private report form: you "
             "can exclude anyone, including the facilitator."),
    ]
    if config.community.code_of_conduct_url:
        blocks.append(Link("Code of Conduct", config.community.code_of_conduct_url))
    # The Slack wording names /report; on the forum the same bypass is the private form.
    blocks.append(Note(BYPASS.replace("use /report", "send me a private message for the report form")))
    return blocks


def shift_announcement(facilitator: str, end: datetime, config: CommunityConfig) -> Message:
    return Message(
        summary="A Code of Conduct facilitator is on duty",
        blocks=(
            Heading("Code of Conduct facilitator on duty"),
            Text(f"On duty: {_name(facilitator, config)}."),
            LocalTime("Until", end),
            Text("They are here for questions about the Code of Conduct and can help you report a concern."),
            *_how_to_reach(config),
        ),
    )


def call_announcement(call_name: str, facilitator: str | None, end: datetime, config: CommunityConfig) -> Message:
    if facilitator:
        who: list = [Text(f"Code of Conduct facilitator for {call_name}: {_name(facilitator, config)}."),
                     LocalTime("Until", end)]
    else:
        who = [Text(f"{call_name} has no named facilitator today; the Code of Conduct committee is reachable "
                    "by private message to me throughout.")]
    return Message(
        summary=f"{call_name} is starting: the Code of Conduct applies here too",
        blocks=(
            Heading(f"{call_name} is starting"[:150]),
            Text(f"The Code of Conduct of {config.community.name} applies in the call and here."),
            *who,
            *_how_to_reach(config),
        ),
    )


def handover_announcement(old: str, new: str, config: CommunityConfig) -> Message:
    blocks: list = [Heading("Code of Conduct facilitator handover")]
    if old:
        blocks.append(Text(f"Handing over: {_name(old, config)}."))
    blocks.append(Text(f"Now on duty: {_name(new, config)}."))
    return Message(summary="A new Code of Conduct facilitator is on duty",
                   blocks=(*blocks, *_how_to_reach(config)))
