"""The facilitator guide, sent once to each person the first time they are on duty."""

from __future__ import annotations

from typing import Any

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.i18n import Translator
from cocbot.bot.messages import Block, Heading, Link, Message, Text
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.storage.outbox import ClaimedItem


def guide_message(tr: Translator, config: CommunityConfig) -> Message | None:
    guide = config.duty.guide
    if guide is None:
        return None
    head = tr.gettext("Welcome, and thank you for facilitating")
    blocks: list[Block] = [Heading(head), Text(guide.text)]
    if guide.link:
        blocks.append(Link(tr.gettext("The facilitator guide"), guide.link))
    return Message(summary=head, blocks=tuple(blocks))


async def send_guide(gate: PrivacyGate, config: CommunityConfig, item: ClaimedItem) -> dict[str, Any]:
    if config.duty.guide is None:
        return {"skipped": "no guide configured"}
    platform = "slack" if config.uses_slack else "discourse"
    # The facilitator reads it in their own language, else the community's.
    tr = await gate.messengers.locales.translator_for(platform, str(item.payload["user"]), config.community.language)
    message = guide_message(tr, config)
    if message is None:
        return {"skipped": "no guide configured"}
    posted = await gate.post_without_content(str(item.payload["user"]), message, platform=platform)
    return {"channel": posted.channel, "ts": posted.ts}
