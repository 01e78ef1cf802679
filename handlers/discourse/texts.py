"""What Discourse members are told in private messages (the report itself uses bot/texts.py)."""

from __future__ import annotations

from bot.config import CommunityConfig
from bot.messages import Heading, Link, Message, Note, Text


def form_link(config: CommunityConfig, url: str, minutes: float) -> Message:
    return Message(
        summary="Your private link to report a Code of Conduct concern",
        blocks=(
            Heading("Report a Code of Conduct concern"),
            Text(f"This link opens a private form. What you write there goes only to the "
                 f"{config.community.name} Code of Conduct committee — never to the people you name or anyone "
                 "you exclude. It is not posted on the forum."),
            Link("Open the private report form", url),
            Note(f"The link is only for you, works once and expires in {minutes:g} minutes. If it has expired, "
                 "send me another message and I will send a fresh one."),
        ),
    )


def information_added(ref: str) -> Message:
    return Message(summary=f"Added to {ref}",
                   blocks=(Text(f"Thank you. This was added to report {ref} and passed to the committee."),))


def information_refused(reason: str) -> Message:
    return Message(summary="Not added", blocks=(Text(reason),))
