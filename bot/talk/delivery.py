"""Sending what a talk-first conversation says, from the outbox: relayed messages and notices.

Each row names a side ("member" or "helper"), resolved to a person when it is sent. Right before sending,
`check_party` refuses anyone the member named or excluded, the member themselves on the helper's side, and
anyone who may not take conversations: one gate for every talk delivery. On the forum each side has its
own PM topic; the first message to a side starts it and it is remembered, so replies there are relayed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.i18n import Translator, english
from cocbot.bot.messages import Message
from cocbot.bot.messenger import Messengers
from cocbot.bot.outbox.worker import Done, OutboxWorker
from cocbot.bot.reports.privacy import PrivacyHold
from cocbot.bot.talk import rules, texts
from cocbot.bot.talk.service import NOTICE, PURGE, RELAY, TalkService
from cocbot.storage import talk as talk_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.talk import ConversationRecord


def check_party(record: ConversationRecord, recipient: str, side: str, config: CommunityConfig) -> None:
    """The talk privacy gate: raises PrivacyHold (counts only, no names) unless `recipient` may receive this
    conversation's `side` of it."""
    p = record.parties
    if side == "member":
        if recipient != p.member:
            raise PrivacyHold("a talk message for the member addressed to someone else")
        return
    if recipient in rules.barred(p.member, p.excluded, config):
        raise PrivacyHold("a talk message would reach someone the member named or excluded")
    if recipient not in rules.helpers(config, record.platform):
        raise PrivacyHold("a talk message would reach someone who does not take conversations")


@dataclass
class TalkDelivery:
    db: Database
    config: CommunityConfig
    clock: Clock
    messengers: Messengers
    service: TalkService
    tr: Translator = field(default_factory=english)

    async def _reader(self, record: ConversationRecord, recipient: str) -> Translator:
        """Each side reads their own language (their platform profile), else the one configured."""
        return await self.messengers.locales.translator_for(record.platform, recipient, self.tr.locale)

    def register(self, worker: OutboxWorker) -> None:
        worker.register(NOTICE, self.send_notice)
        worker.register(RELAY, self.send_relay)
        worker.register(PURGE, self.run_purge)

    async def _load(self, item: ClaimedItem) -> ConversationRecord | None:
        async with self.db.transaction() as session:
            return await talk_q.get(session, int(item.payload["conversation"]))

    async def send_relay(self, item: ClaimedItem) -> dict[str, Any] | Done:
        record = await self._load(item)
        async with self.db.transaction() as session:
            message = await talk_q.get_message(session, int(item.payload["message"]))
        if record is None or message is None:
            return {"skipped": "gone"}  # deleted after its retention period
        p = record.parties
        if message.role == "member":
            tr = await self._reader(record, p.helper)
            return await self._send(item, record, "helper", texts.to_helper_message(tr, record.id, message.text))
        tr = await self._reader(record, p.member)
        shown = texts.to_member_message(tr, record.id, self._shown(record, p.helper), message.text)
        return await self._send(item, record, "member", shown)

    async def send_notice(self, item: ClaimedItem) -> dict[str, Any] | Done:
        record = await self._load(item)
        if record is None:
            return {"skipped": "gone"}
        cid, p, notice = record.id, record.parties, str(item.payload["notice"])
        to_user = item.payload.get("to_user")
        tr = await self._reader(record, str(to_user) if to_user else
                                p.member if item.payload.get("to") == "member" else p.helper)
        member_shown = None if record.anonymous else self._shown(record, p.member)
        by_name = member_shown == p.member and record.platform == "discourse" and self.config.uses_slack
        message: Message
        if notice == "opened":
            async with self.db.transaction() as session:
                first = await talk_q.get_message(session, int(item.payload["message"]))
            message = texts.to_helper_opened(tr, cid, member_shown, first.text if first else "", by_name=by_name)
        elif notice == "started":
            message = texts.to_member_started(tr, cid, self._shown(record, p.helper), record.anonymous)
        elif notice == "suggest":
            message = texts.to_member_suggestion(tr, cid)
        elif notice == "handover":
            if p.pending_helper is None:
                return {"skipped": "answered"}
            message = texts.to_member_handover(tr, cid, self._shown(record, p.helper),
                                               self._shown(record, p.pending_helper))
        elif notice == "handed_over":
            async with self.db.transaction() as session:
                said = [(m.role, m.text) for m in await talk_q.messages(session, cid)]
            message = texts.to_helper_handed_over(tr, cid, member_shown, said, by_name=by_name)
        elif notice in ("handed_away", "left"):
            message = texts.handed_away(tr) if notice == "handed_away" else texts.left(tr)
            return await self._send(item, record, "helper", message, to_user=str(item.payload["to_user"]),
                                    thread=item.payload.get("thread"))
        elif notice == "unanswered":
            if (record.generation != item.payload.get("generation") or record.answered_at is not None
                    or record.state == "ended"):
                return {"skipped": "answered"}
            message = texts.to_member_unanswered(tr, cid, self.config.talk.answer_within)
        elif notice == "declined":
            message = texts.declined(tr)
        elif notice == "ended":
            message = texts.ended(tr)
        else:
            return {"skipped": f"unknown notice {notice}"}
        return await self._send(item, record, str(item.payload["to"]), message)

    async def _send(self, item: ClaimedItem, record: ConversationRecord, side: str, message: Message, *,
                    to_user: str | None = None, thread: str | None = None) -> dict[str, Any] | Done:
        p = record.parties
        recipient = to_user or (p.member if side == "member" else p.helper)
        if side == "helper" and to_user is not None:
            # An earlier helper told that the conversation moved on: only cocbot's own words, no content.
            if recipient in rules.barred(p.member, p.excluded, self.config):
                raise PrivacyHold("a talk notice would reach someone the member named or excluded")
        else:
            check_party(record, recipient, side, self.config)
        messenger = self.messengers.on(record.platform)
        channel = thread or (p.threads.get(side) if to_user is None else None) or recipient
        posted = await messenger.post(channel, message, key=item.key, earlier_since=item.earlier_since)
        result = {"channel": posted.channel, "ts": posted.ts}
        if record.platform != "discourse" or to_user is not None or p.threads.get(side) == posted.channel:
            return result

        async def remember(session: AsyncSession) -> None:
            current = await talk_q.get(session, record.id, lock=True)
            if current is None or current.parties.threads.get(side) or \
                    (side == "helper" and current.parties.helper != recipient):
                return
            threads = {**current.parties.threads, side: posted.channel}
            await talk_q.save(session, dataclasses.replace(
                current, parties=dataclasses.replace(current.parties, threads=threads)))

        return Done(result, remember)

    def _shown(self, record: ConversationRecord, person: str) -> str:
        """A party as the messages name them: the domain's id of the person. A forum conversation in a
        community whose committee works in Slack holds forum usernames; the forum renders a person from
        their Slack id (identity map), so a linked username is shown through it."""
        if record.platform != "discourse" or not self.config.uses_slack or self.config.discourse is None:
            return person
        linked = {forum: slack for slack, forum in self.config.discourse.identities.items()}
        return linked.get(person, person)

    async def run_purge(self, item: ClaimedItem) -> dict[str, Any]:
        return {"deleted": await self.service.purge()}
