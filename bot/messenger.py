"""The platform-neutral port through which the domain talks to a chat platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cocbot.bot.i18n.members import MemberLocales
from cocbot.bot.messages import Message


class DeliveryError(Exception):
    """A platform call failed. `transient` errors are retried; others are not."""

    def __init__(self, code: str, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.transient = transient
        self.retry_after = retry_after


class NotInChannel(DeliveryError):
    def __init__(self, code: str = "not_in_channel") -> None:
        super().__init__(code, transient=False)


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


class Messenger(Protocol):
    """What the domain needs from a chat platform. Slack's implementation lives in handlers/slack/."""

    platform: str

    async def bot_user_id(self) -> str: ...

    async def channel_members(self, channel: str) -> frozenset[str]:
        """Current members; raises NotInChannel when the bot cannot see the channel."""
        ...

    async def create_private_space(self, name: str, *, members: frozenset[str] = frozenset()) -> str:
        """Create a private conversation for one report; returns its id.

        `members` are the readers the privacy gate has cleared. Slack creates the channel with only the
        bot and invites them next; Discourse must name them when it creates a private message.
        """
        ...

    async def invite(self, channel: str, users: frozenset[str]) -> None: ...

    async def post(self, channel: str, message: Message, *, thread: str | None = None,
                   key: str | None = None, earlier_since: datetime | None = None) -> Posted:
        """Post to a channel, or to a user id for a direct message.

        `key`: the outbox row's key, carried by the post where the platform allows, so a retry can find it.
        `earlier_since`: an earlier attempt at this post, made after that time, may have reached the
        platform without cocbot recording it (a crash, a timeout, a failed database write). The messenger
        then returns that earlier post if it can find it, and otherwise posts saying it may repeat one.
        """
        ...

    async def update(self, posted: Posted, message: Message) -> None: ...

    async def permalink(self, channel: str, ts: str) -> str | None: ...

    async def remove(self, channel: str, user: str) -> bool:
        """Take `user` out of a private space cocbot opened; False when the platform offers no way to."""
        ...


class Messengers:
    """The messenger of each platform the community uses, by platform name. The first one given serves any
    platform not listed (a community on one platform only, or a test's single messenger)."""

    def __init__(self, *messengers: Messenger) -> None:
        if not messengers:
            raise ValueError("at least one messenger")
        self.primary = messengers[0]
        self._by_platform = {m.platform: m for m in messengers}
        # Each member's language, as their platform reports it (a messenger's optional `member_locale`).
        self.locales = MemberLocales(lambda platform: getattr(self.on(platform), "member_locale", None))

    def on(self, platform: str) -> Messenger:
        return self._by_platform.get(platform, self.primary)

    def __getitem__(self, platform: str) -> Messenger:
        return self._by_platform[platform]
