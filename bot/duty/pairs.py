"""Facilitators in pairs: up to `duty.max_on_duty` people on duty in one channel or call at once.

A shift still clashes with the same person's own shifts (a double booking), and with others only once the
channel would have more people on duty than allowed.
"""

from __future__ import annotations

from collections.abc import Sequence

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty.roster import Shift


def blocking(clashes: Sequence[Shift], facilitator: str, config: CommunityConfig) -> list[Shift]:
    """The clashes that stop `facilitator`'s new shift: their own, or others' once the channel is full."""
    own = [c for c in clashes if c.facilitator == facilitator]
    if own:
        return own
    others = [c for c in clashes if c.facilitator != facilitator]
    if len({c.facilitator for c in others}) >= config.duty.max_on_duty:
        return others
    return []


GUIDE = "duty_guide"


def guide_key(facilitator: str) -> str:
    """One guide per person, ever: the outbox key is the record that they have had it."""
    return f"duty:guide:{facilitator}"
