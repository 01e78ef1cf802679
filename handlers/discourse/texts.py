"""What Discourse members are told in private messages (the report itself uses bot/texts.py)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty.roster import Occurrence, duty_timezone
from cocbot.bot.messages import Heading, Link, LocalTime, Message, Note, Text
from cocbot.handlers.discourse.render import forum_name


def form_link(config: CommunityConfig, url: str, minutes: float) -> Message:
    return Message(
        summary="Your private link to report a Code of Conduct concern",
        blocks=(
            Heading("Report a Code of Conduct concern"),
            Text(f"This link opens a private form. What you write there goes only to the "
                 f"Code of Conduct committee of {config.community.name} — never to the people you name or anyone "
                 "you exclude. It is not posted on the forum."),
            Link("Open the private report form", url),
            Note(f"The link is only for you, works once and expires in {minutes:g} minutes. If it has expired, "
                 "send me another message and I will send a fresh one."),
        ),
    )


def information_added(ref: str) -> Message:
    return Message(summary=f"Added to {ref}",
                   blocks=(Text(f"Thank you. This was added to report {ref}; cocbot is passing it to the committee."),))


def information_refused(reason: str) -> Message:
    return Message(summary="Not added", blocks=(Text(reason),))


def _who(entry: Any, names: dict[str, str]) -> str:
    person = entry.facilitator
    name = names.get(person) if person else None
    who = f"{name} (forum username)" if name else "a facilitator who is reachable on Slack"
    if isinstance(entry, Occurrence):
        return f"{who}, for {entry.call_name}" if person else f"nobody named for {entry.call_name}"
    return who


def on_duty(status: Any, names: dict[str, str], config: CommunityConfig) -> Message:
    """Who is on duty, for a member who asked with `onduty`. Facilitators are named by forum username when
    the identity map knows it; a Slack id is never shown on the forum."""
    blocks: list = [Heading("Code of Conduct facilitators on duty")]
    if status.now:
        for entry in status.now:
            blocks.append(Text(f"On duty now: {_who(entry, names)}."))
            blocks.append(LocalTime("Until", entry.end))
    else:
        blocks.append(Text("Nobody is on duty right now."))
    if status.next is not None:
        blocks.append(Text(f"Next: {_who(status.next, names)}."))
        blocks.append(LocalTime("From", status.next.start))
        blocks.append(LocalTime("Until", status.next.end))
    blocks.append(Text("To report a concern privately to the Code of Conduct committee, send me a private "
                       "message and I will send you a private report form. You can exclude anyone, including "
                       "the facilitator."))
    blocks += safety_blocks(status, config)
    if config.community.code_of_conduct_url:
        blocks.append(Link("Code of Conduct", config.community.code_of_conduct_url))
    return Message(summary="Who is on duty for the Code of Conduct", blocks=tuple(blocks))


_PLACEHOLDER = re.compile(r"\{([uct]):([^{}]+)\}")


def duty_reply(text: str, config: CommunityConfig) -> str:
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


def safety_blocks(status: Any, config: CommunityConfig) -> list:
    """The emergency contacts for the calls under way, under the answer to `onduty`."""
    from cocbot.bot.i18n import english
    from cocbot.bot.safety import texts as safety_texts

    calls = tuple(e.call_name for e in status.now if isinstance(e, Occurrence))
    return list(safety_texts.resource_blocks(english(), safety_texts.resources_for(config, calls=calls)))
