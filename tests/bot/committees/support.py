"""Configs for the committee tests: the standard test workspace with a committee of one's choosing."""

from __future__ import annotations

from typing import Any

from cocbot.bot.config.community import CommunityConfig
from tests.harness import COMMITTEE_CHANNEL, ESCALATION, make_config


def committee_config(members: tuple[str, ...], **committee: Any) -> CommunityConfig:
    return make_config(committee={"channel": COMMITTEE_CHANNEL, "members": list(members),
                                  "escalation_contact": ESCALATION, **committee})
