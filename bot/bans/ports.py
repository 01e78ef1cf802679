"""What enforcing a ban needs from each platform beyond the Messenger port. Implemented at the edges
(handlers/slack/bans.py, handlers/discourse/bans.py); absent when the community does not use a platform."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class SlackBans(Protocol):
    async def kick(self, channel: str, user: str) -> bool:
        """Remove `user` from `channel`; False when they were not there (already gone)."""
        ...

    async def conversations_of(self, user: str) -> frozenset[str]:
        """The channels `user` is in that cocbot can see (public ones, private ones cocbot is in too)."""
        ...

    async def user_by_email(self, email: str) -> str | None:
        """The Slack id of the account with this email; None when there is none or the token may not ask."""
        ...


class ForumBans(Protocol):
    async def restrict(self, username: str, action: str, until: datetime | None, reason: str) -> None:
        """Suspend or silence (`action`) the forum user until `until` (None: permanently)."""
        ...

    async def lift(self, username: str, action: str) -> None:
        """Undo `restrict`; nothing happens when it was lifted already."""
        ...
