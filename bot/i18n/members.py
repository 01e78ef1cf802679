"""Whose language: each member's own, as their platform knows it (Slack's `users.info` locale, the forum
profile's `locale`), cached for a while so that opening a form never waits on a lookup."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from cocbot.bot.i18n.catalogs import Translator, translator

log = logging.getLogger("cocbot.i18n")

# A member rarely changes their language; a day keeps lookups to one per member per day.
TTL_SECONDS = 24 * 3600.0
# A lookup made before a message is sent waits this long at most, then the message goes in the
# community's language.
LOOKUP_SECONDS = 3.0


class MemberLocales:
    """Locales by (platform, member). `lookup(platform)` gives the platform's `member_locale` call."""

    def __init__(self, lookup: Callable[[str], Callable[[str], Awaitable[str | None]] | None],
                 *, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._lookup = lookup
        self._ttl = ttl
        self._clock = clock
        self._known: dict[tuple[str, str], tuple[float, str | None]] = {}
        self._warming: dict[tuple[str, str], asyncio.Task[Any]] = {}

    def cached(self, platform: str, user: str) -> str | None:
        found = self._known.get((platform, user))
        if found is None or self._clock() - found[0] > self._ttl:
            return None
        return found[1]

    def remember(self, platform: str, user: str, locale: str | None) -> None:
        self._known[(platform, user)] = (self._clock(), locale)

    def is_known(self, platform: str, user: str) -> bool:
        found = self._known.get((platform, user))
        return found is not None and self._clock() - found[0] <= self._ttl

    async def locale_of(self, platform: str, user: str) -> str | None:
        """The member's locale, looked up when not cached; None when the platform does not say."""
        if self.is_known(platform, user):
            return self.cached(platform, user)
        ask = self._lookup(platform)
        if ask is None:
            return None
        try:
            locale = await asyncio.wait_for(ask(user), LOOKUP_SECONDS)
        except Exception as exc:  # a slow or failing platform: the community's language, and ask again later
            log.info("could not look up a member's language (%s)", type(exc).__name__)
            return None
        self.remember(platform, user, locale)
        return locale

    async def translator_for(self, platform: str, user: str, default: str) -> Translator:
        return translator(await self.locale_of(platform, user) or default)

    def translator_now(self, platform: str, user: str, default: str) -> Translator:
        """Without waiting: the cached language, else `default`; an unknown member is looked up in the
        background so the next text they get is in their language."""
        if self.is_known(platform, user):
            return translator(self.cached(platform, user) or default)
        self.warm(platform, user)
        return translator(default)

    async def translator_within(self, platform: str, user: str, default: str, seconds: float) -> Translator:
        """The member's language if it is cached or can be looked up within `seconds`; else `default`, and
        the lookup goes on in the background for the next text."""
        if self.is_known(platform, user):
            return translator(self.cached(platform, user) or default)
        task = self.warm(platform, user)
        if task is not None:
            await asyncio.wait((task,), timeout=seconds)
            if task.done() and not task.cancelled() and task.exception() is None:
                return translator(task.result() or default)
        return translator(default)

    def warm(self, platform: str, user: str) -> asyncio.Task[Any] | None:
        key = (platform, user)
        if key in self._warming:
            return self._warming[key]
        if self._lookup(platform) is None:
            return None
        try:
            task = asyncio.get_running_loop().create_task(self.locale_of(platform, user))
        except RuntimeError:
            return None
        self._warming[key] = task
        task.add_done_callback(lambda _t: self._warming.pop(key, None))
        return task


def no_lookup(platform: str) -> None:
    return None
