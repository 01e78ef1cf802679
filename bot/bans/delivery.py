"""The outbox kinds bans enforcement writes. Alerts go to the case's committee space through the privacy
gate (never to the banned person, never to a member excluded from the case); a removal, the neutral notice
to the removed person, the forum restriction and the end are each a row of their own, so a retry repeats
only the step that failed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.bans import rules, texts
from cocbot.bot.bans.ports import ForumBans, SlackBans
from cocbot.bot.bans.service import alert_row, slack_rows
from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.i18n import Translator, translator
from cocbot.bot.messenger import DeliveryError, NotInChannel
from cocbot.bot.outbox.worker import Done, OutboxWorker
from cocbot.bot.reports.delivery import report_of
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.storage import bans as bans_q
from cocbot.storage import outbox as outbox_q
from cocbot.storage.bans import EnforcedBan
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem

log = logging.getLogger("cocbot.bans")
operator_log = logging.getLogger("cocbot.operator")

KINDS = ("ban_sweep", "ban_alert", "ban_remove", "ban_notice", "ban_forum_apply", "ban_end")


@dataclass
class BanDeliveries:
    db: Database
    config: CommunityConfig
    gate: PrivacyGate
    clock: Clock
    slack: SlackBans | None = None
    forum: ForumBans | None = None
    # None: the committee's alerts follow `community.language`, a banned person reads their own language.
    tr: Translator | None = None

    def _committee(self) -> Translator:
        return self.tr or translator(self.config.community.language)

    async def _person(self, platform: str, person: str) -> Translator:
        """The banned person's own language (their profile), else the community's."""
        if self.tr is not None:
            return self.tr
        return await self.gate.messengers.locales.translator_for(platform, person, self.config.community.language)

    def register(self, worker: OutboxWorker) -> None:
        for kind in KINDS:
            worker.register(kind, getattr(self, kind.removeprefix("ban_")))

    async def _ban(self, item: ClaimedItem) -> EnforcedBan:
        async with self.db.transaction() as session:
            ban = await bans_q.get(session, int(item.payload["ban"]))
        if ban is None:
            raise DeliveryError("ban_missing", transient=False)
        return ban

    def _in_force(self, ban: EnforcedBan) -> bool:
        return ban.ended_at is None and (ban.ban.ends_at is None or ban.ban.ends_at > self.clock.now())

    def _enqueue(self, rows: list[outbox_q.NewItem]) -> Any:
        now = self.clock.now()

        async def write(session: AsyncSession) -> None:
            await outbox_q.enqueue_many(session, rows, now=now)

        return write

    async def sweep(self, item: ClaimedItem) -> dict[str, Any] | Done:
        """When the ban is decided: who of the banned is already in a channel it covers (for a workspace-wide
        ban, any channel cocbot can see them in)."""
        ban = await self._ban(item)
        if not self._in_force(ban):
            return {"skipped": "ended"}
        messenger = self.gate.messengers.on("slack")
        people = set(rules.slack_people(ban, self.config))
        rows: list[outbox_q.NewItem] = []
        unseen = 0
        found: set[tuple[str, str]] = set()
        if ban.places.workspace and self.slack is not None:
            # Workspace-wide: wherever the person already is, not only the channels chosen.
            for person in sorted(people):
                found |= {(channel, person) for channel in await self.slack.conversations_of(person)}
        for channel in ban.places.channels:
            try:
                members = await messenger.channel_members(channel)
            except NotInChannel:
                unseen += 1  # cocbot is not in that channel: joins there are not seen either
                continue
            found |= {(channel, person) for person in people & members}
        for channel, person in sorted(found):
            rows.append(slack_rows(ban, person, channel, "present", f"{item.key}:{channel}:{person}", self.config))
        if unseen:
            operator_log.warning("ban %s: cocbot is not a member of %d channel(s) the ban covers; add it there so "
                                 "joins are seen", ban.ref, unseen)
        return Done({"channels": len(ban.places.channels), "found": len(rows), "unseen": unseen},
                    self._enqueue(rows))

    async def alert(self, item: ClaimedItem) -> dict[str, Any]:
        ban = await self._ban(item)
        report = await report_of(self.db, item)
        if item.payload.get("event") == "ended":
            message = texts.ended(self._committee(), ban.ref, ban.ban.ends_at, item.payload.get("lifted"),
                                  bool(item.payload.get("slack")))
        else:
            message = texts.alert(self._committee(), ban.ref, str(item.payload["person"]), str(item.payload["where"]),
                                  str(item.payload["event"]), ban.ban.ends_at)
        posted = await self.gate.post_to_space(report, message, key=item.key, earlier_since=item.earlier_since)
        return {"channel": posted.channel, "ts": posted.ts}

    async def remove(self, item: ClaimedItem) -> dict[str, Any] | Done:
        ban = await self._ban(item)
        person, channel = str(item.payload["person"]), str(item.payload["where"])
        if not self._in_force(ban):
            return {"skipped": "ended"}
        if self.slack is None:
            raise DeliveryError("slack_not_configured", transient=False)
        try:
            removed = await self.slack.kick(channel, person)
        except DeliveryError as exc:
            if exc.transient:
                raise
            operator_log.warning("ban %s: a removal was refused by Slack (%s)", ban.ref, exc.code)
            return Done({"removed": False, "error": exc.code},
                        self._enqueue([alert_row(ban, person, channel, "not_removed", f"{item.key}:alert")]))
        rows = [alert_row(ban, person, channel, "removed", f"{item.key}:alert")]
        if removed:
            rows.append(outbox_q.NewItem(f"{item.key}:notice", "ban_notice", ban.ban.report_id,
                                         {"ban": ban.ban.id, "person": person, "where": channel}))
        return Done({"removed": removed}, self._enqueue(rows))

    async def notice(self, item: ClaimedItem) -> dict[str, Any]:
        """The neutral DM to a removed person: the end date and whom to appeal to, nothing of the case."""
        ban = await self._ban(item)
        person = str(item.payload["person"])
        message = texts.removed_notice(await self._person("slack", person), str(item.payload["where"]),
                                       ban.ban.ends_at, self.config.committee.escalation_contact)
        posted = await self.gate.post_without_content(person, message, platform="slack")
        return {"channel": posted.channel, "ts": posted.ts}

    async def forum_apply(self, item: ClaimedItem) -> dict[str, Any] | Done:
        ban = await self._ban(item)
        action = self.config.bans.forum_action
        if not self._in_force(ban) or action is None or self.forum is None:
            return {"skipped": "not enforced on the forum"}
        applied: list[str] = []
        refused: list[str] = []
        for username in rules.forum_people(ban, self.config):
            try:
                reason = texts.forum_reason(await self._person("discourse", username))
                await self.forum.restrict(username, action, ban.ban.ends_at, reason)
                applied.append(username)
            except DeliveryError as exc:
                if exc.transient:
                    raise
                operator_log.warning("ban %s: the forum refused to %s an account (%s)", ban.ref, action, exc.code)
                refused.append(username)
        rows = [alert_row(ban, u, rules.FORUM, "not_restricted", f"{item.key}:refused:{u}") for u in refused]
        record = {"action": action, "users": applied}
        enqueue = self._enqueue(rows)

        async def also(session: AsyncSession) -> None:
            await bans_q.mark_applied(session, ban.ban.id, record)
            await enqueue(session)

        return Done({"applied": len(applied), "refused": len(refused)}, also)

    async def end(self, item: ClaimedItem) -> dict[str, Any] | Done:
        """The ban's end date came (a due row: one clock, one claim across replicas): lift what cocbot applied,
        then tell the committee once."""
        ban = await self._ban(item)
        if ban.ended_at is not None:
            return {"skipped": "already ended"}
        action = ban.applied.get("action")
        lifted = None
        if action and self.forum is not None:
            for username in ban.applied.get("users", ()):
                await self.forum.lift(str(username), str(action))  # idempotent: a retry lifts again harmlessly
            lifted = str(action)
        now = self.clock.now()
        message_key = f"ban:{ban.ban.id}:ended"
        removed_on_slack = self.config.bans.removes and bool(ban.places.channels or ban.places.workspace)
        payload = {"ban": ban.ban.id, "lifted": lifted, "slack": removed_on_slack}

        async def also(session: AsyncSession) -> None:
            if await bans_q.claim_end(session, ban.ban.id, now):
                await outbox_q.enqueue(session, key=message_key, kind="ban_alert", report_id=ban.ban.report_id,
                                       payload={**payload, "event": "ended", "person": "", "where": ""}, now=now)

        return Done({"lifted": lifted}, also)
