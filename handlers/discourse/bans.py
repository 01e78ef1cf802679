"""The forum's side of bans enforcement (bot/bans/ports.py ForumBans): suspending or silencing an account
until the ban ends through the Admin API, and lifting it. Needs an admin API key; a 403 is the forum
refusing, which the domain turns into an alert instead."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from cocbot.bot.bans.rules import PERMANENT_UNTIL
from cocbot.bot.messenger import DeliveryError, NotInChannel
from cocbot.handlers.discourse.messenger import DiscourseMessenger


class ForumBanTools:
    def __init__(self, messenger: DiscourseMessenger) -> None:
        self.messenger = messenger

    async def _user_id(self, username: str) -> int:
        _, body, _ = await self.messenger._call("GET", f"/u/{quote(username)}.json")
        user = (body or {}).get("user") or {}
        if not isinstance(user.get("id"), int):
            raise DeliveryError("forum_user_unknown", transient=False)
        return int(user["id"])

    async def restrict(self, username: str, action: str, until: datetime | None, reason: str) -> None:
        try:
            user_id = await self._user_id(username)
        except NotInChannel:
            raise DeliveryError("forum_user_unknown", transient=False) from None
        if action == "suspend":
            body = {"suspend_until": until.strftime("%Y-%m-%d") if until else PERMANENT_UNTIL, "reason": reason}
        else:
            till = until.strftime("%Y-%m-%dT%H:%M:%S.000Z") if until else f"{PERMANENT_UNTIL}T00:00:00.000Z"
            body = {"silenced_till": till, "reason": reason}
        await self.messenger._call("PUT", f"/admin/users/{user_id}/{action}.json", json=body)

    async def lift(self, username: str, action: str) -> None:
        try:
            user_id = await self._user_id(username)
            await self.messenger._call("PUT", f"/admin/users/{user_id}/un{action}.json")
        except NotInChannel:
            return  # the account is gone: nothing left to lift
