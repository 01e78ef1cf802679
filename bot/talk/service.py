"""Talk first: a member's private conversation with a facilitator, relayed both ways by cocbot.

Nothing here reaches the committee: a conversation is between the member and the one person answering them
(a colleague only with the member's consent), until the member makes it a report with the report form,
which they fill and send themselves. Every message leaves through the outbox (bot/talk/delivery.py), which
checks each recipient against the member's exclusions right before sending.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty.service import DutyService
from cocbot.bot.i18n import Translator, english
from cocbot.bot.reminders.deadlines import WorkingCalendar, calendar_from_policy
from cocbot.bot.talk import rules
from cocbot.bot.talk import texts
from cocbot.storage import outbox as outbox_q
from cocbot.storage import talk as talk_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import NewItem
from cocbot.storage.talk import ConversationRecord, Parties

log = logging.getLogger("cocbot.talk")

NOTICE = "talk_notice"
RELAY = "talk_relay"
PURGE = "talk_purge"


@dataclass(frozen=True)
class Outcome:
    """What the person who acted is told (never anything the other side wrote). `field`: the form field a
    refusal belongs to."""

    ok: bool
    message: str
    field: str | None = None
    conversation_id: int | None = None


@dataclass(frozen=True)
class Opening:
    """A member's request to talk, as the edges read it."""

    member: str
    platform: str
    text: str
    key: str
    where: str | None = None  # the channel, call or forum category they are in
    pick: str | None = None  # someone they chose; None: the facilitator on duty where they are
    bypass: bool = False  # it is about the facilitator on duty: never them
    excluded: tuple[str, ...] = ()
    anonymous: bool = False
    thread: str | None = None  # the forum PM the member asked in: their side of the relay


@dataclass
class TalkService:
    db: Database
    config: CommunityConfig
    clock: Clock
    notify: Callable[[], None]
    duty: DutyService
    tr: Translator = field(default_factory=english)
    calendar: WorkingCalendar = field(init=False)
    # For a member on the forum: issue their one-time report-form link for this conversation, to be sent in
    # their conversation PM (in the caller's transaction; `key` makes it once per request). Set by the
    # composition root when the forum is configured.
    forum_form: Callable[[AsyncSession, ConversationRecord, str], Awaitable[None]] | None = None

    def __post_init__(self) -> None:
        self.calendar = calendar_from_policy(self.config.policy)

    # ---- opening ----
    async def on_duty(self, where: str | None, platform: str) -> list[str]:
        """Who is on duty where the member is, by their id on the member's platform."""
        status = await self.duty.status(where or "")
        people = [e.facilitator for e in status.now if e.facilitator]
        if platform == "discourse" and self.config.uses_slack and self.config.discourse is not None:
            return [self.config.discourse.identities[p] for p in people if p in self.config.discourse.identities]
        return people

    async def open(self, opening: Opening, tr: Translator | None = None) -> Outcome:
        """`tr` in every method: the caller's language (the edge knows it); the community's by default."""
        tr, o = tr or self.tr, opening
        text = o.text.strip()
        if not text:
            return Outcome(False, texts.empty(tr), "text")
        if o.bypass:
            # About the facilitator on duty: they are kept out as if the member had excluded them.
            o = dataclasses.replace(o, excluded=(*o.excluded, *await self.on_duty(o.where, o.platform)))
        helper: str | None
        if o.pick:
            if not rules.eligible(o.pick, o.member, o.excluded, self.config, o.platform):
                return Outcome(False, texts.not_eligible(tr), "pick")
            helper = o.pick
        elif o.bypass:
            helper = None
        else:
            helper = rules.on_duty_helper(await self.on_duty(o.where, o.platform), o.member, o.excluded,
                                          self.config, o.platform)
        if helper is None:
            return Outcome(False, texts.no_one_on_duty(tr), "pick")
        now = self.clock.now()
        parties = Parties(o.member, helper, tuple(o.excluded), o.where,
                          threads={"member": o.thread} if o.thread else {})
        async with self.db.transaction() as session:
            record, new = await talk_q.create(session, key=o.key, platform=o.platform, now=now,
                                              anonymous=o.anonymous, parties=parties)
            if new:
                first = await talk_q.add_message(session, conversation_id=record.id, key=f"{o.key}:first",
                                                 role="member", text=text, now=now)
                assert first is not None
                await outbox_q.enqueue_many(session, [
                    self._notice(record, "opened", "helper", message=first.id),
                    self._notice(record, "started", "member"),
                    self._unanswered(record),
                    NewItem(key=f"talk:{record.id}:expire", kind=PURGE,
                            due_at=now + self.config.retention.consultations),
                ], now=now)
        self.notify()
        return Outcome(True, texts.started(tr), conversation_id=record.id)

    # ---- relaying ----
    async def say(self, conversation_id: int, user: str, text: str, key: str,
                  tr: Translator | None = None) -> Outcome:
        tr = tr or self.tr
        text = text.strip()
        if not text:
            return Outcome(False, texts.empty(tr), "text")
        now = self.clock.now()
        async with self.db.transaction() as session:
            record = await talk_q.get(session, conversation_id, lock=True)
            role = _role(record, user)
            if record is None or role is None:
                return Outcome(False, texts.not_yours(tr), "text")
            message = await talk_q.add_message(session, conversation_id=record.id, key=key, role=role, text=text,
                                               now=now)
            if message is not None:
                await outbox_q.enqueue(session, key=f"talk:relay:{message.id}", kind=RELAY, now=now,
                                       payload={"conversation": record.id, "message": message.id})
                if role == "helper" and record.answered_at is None:
                    await talk_q.save(session, dataclasses.replace(record, answered_at=now, state="open"))
        self.notify()
        return Outcome(True, texts.sent(tr), conversation_id=conversation_id)

    async def suggest_report(self, conversation_id: int, user: str, key: str,
                             tr: Translator | None = None) -> Outcome:
        """The helper suggests a report: the member is asked, never filed for."""
        tr = tr or self.tr
        async with self.db.transaction() as session:
            record = await talk_q.get(session, conversation_id)
            if record is None or _role(record, user) != "helper":
                return Outcome(False, texts.not_yours(tr))
            await outbox_q.enqueue_many(session, [self._notice(record, "suggest", "member", key=key)],
                                        now=self.clock.now())
            if record.platform == "discourse" and self.forum_form is not None:
                # The forum has no button to press: the suggestion comes with the form's link itself.
                await self.forum_form(session, record, f"suggest:{key}")
        self.notify()
        return Outcome(True, texts.suggested(tr), conversation_id=conversation_id)

    # ---- who answers ----
    async def propose_handover(self, conversation_id: int, user: str, colleague: str | None, key: str,
                               tr: Translator | None = None) -> Outcome:
        tr = tr or self.tr
        async with self.db.transaction() as session:
            record = await talk_q.get(session, conversation_id, lock=True)
            if record is None or _role(record, user) != "helper":
                return Outcome(False, texts.not_yours(tr), "colleague")
            p = record.parties
            if colleague == p.helper or not rules.eligible(colleague, p.member, p.excluded, self.config,
                                                           record.platform):
                return Outcome(False, texts.not_eligible(tr), "colleague")
            assert colleague is not None
            record = dataclasses.replace(record, parties=dataclasses.replace(p, pending_helper=colleague))
            await talk_q.save(session, record)
            await outbox_q.enqueue_many(session, [self._notice(record, "handover", "member", key=key)],
                                        now=self.clock.now())
        self.notify()
        return Outcome(True, texts.handover_asked(tr), conversation_id=conversation_id)

    async def answer_handover(self, conversation_id: int, user: str, agree: bool,
                              tr: Translator | None = None) -> Outcome:
        tr = tr or self.tr
        async with self.db.transaction() as session:
            record = await talk_q.get(session, conversation_id, lock=True)
            if record is None or _role(record, user) != "member" or record.parties.pending_helper is None:
                return Outcome(False, texts.not_yours(tr))
            p = record.parties
            if not agree or not rules.eligible(p.pending_helper, p.member, p.excluded, self.config, record.platform):
                await talk_q.save(session, dataclasses.replace(record, parties=dataclasses.replace(
                    p, pending_helper=None)))
                await outbox_q.enqueue_many(session, [self._notice(record, "declined", "helper",
                                                                   key=f"{len(p.past_helpers)}:{p.pending_helper}")],
                                            now=self.clock.now())
                self.notify()
                return Outcome(True, texts.handover_declined(tr), conversation_id=conversation_id)
            assert p.pending_helper is not None
            await self._change_helper(session, record, p.pending_helper, "handed_away")
        self.notify()
        return Outcome(True, texts.handover_done(tr), conversation_id=conversation_id)

    async def someone_else(self, conversation_id: int, user: str, pick: str | None,
                           tr: Translator | None = None) -> Outcome:
        """The member chooses someone else (the helper did not answer, or they would rather not go on)."""
        tr = tr or self.tr
        async with self.db.transaction() as session:
            record = await talk_q.get(session, conversation_id, lock=True)
            if record is None or _role(record, user) != "member":
                return Outcome(False, texts.not_yours(tr), "pick")
            p = record.parties
            if pick in (p.helper, *p.past_helpers) or not rules.eligible(pick, p.member, p.excluded, self.config,
                                                                         record.platform):
                return Outcome(False, texts.not_eligible(tr), "pick")
            assert pick is not None
            await self._change_helper(session, record, pick, "left")
        self.notify()
        return Outcome(True, texts.handover_done(tr), conversation_id=conversation_id)

    async def _change_helper(self, session: AsyncSession, record: ConversationRecord, helper: str,
                             told: str) -> None:
        p = record.parties
        threads = {k: v for k, v in p.threads.items() if k != "helper"}
        parties = dataclasses.replace(p, helper=helper, pending_helper=None, past_helpers=(*p.past_helpers, p.helper),
                                      threads=threads)
        now = self.clock.now()
        # The earlier helper's side is told first, while their forum thread is still known to the row.
        away = self._notice(record, told, "helper", to_user=p.helper, thread=p.threads.get("helper"))
        record = dataclasses.replace(record, parties=parties, generation=record.generation + 1, answered_at=None,
                                     state="waiting")
        await talk_q.save(session, record)
        await outbox_q.enqueue_many(session, [away, self._notice(record, "handed_over", "helper"),
                                              self._unanswered(record)], now=now)

    # ---- the end ----
    async def end(self, conversation_id: int, user: str, tr: Translator | None = None) -> Outcome:
        tr = tr or self.tr
        async with self.db.transaction() as session:
            record = await talk_q.get(session, conversation_id, lock=True)
            role = _role(record, user)
            if record is None or role is None:
                return Outcome(False, texts.not_yours(tr))
            await talk_q.save(session, dataclasses.replace(record, state="ended"))
            other = "helper" if role == "member" else "member"
            await outbox_q.enqueue_many(session, [self._notice(record, "ended", other)], now=self.clock.now())
        self.notify()
        return Outcome(True, texts.ended_answer(tr), conversation_id=conversation_id)

    async def prefill(self, conversation_id: int, user: str, tr: Translator | None = None) -> str | Outcome:
        """The report form's description, from what the member wrote (they edit it before sending)."""
        tr = tr or self.tr
        async with self.db.transaction() as session:
            record = await talk_q.get(session, conversation_id)
            if record is None or record.parties.member != user:
                return Outcome(False, texts.not_yours(tr))
            mine = [m.text for m in await talk_q.messages(session, conversation_id) if m.role == "member"]
        return texts.prefill(tr, mine)

    async def became_report(self, conversation_id: int, user: str, ref: str) -> None:
        """The member sent the report form opened from this conversation: it is kept with the report."""
        async with self.db.transaction() as session:
            record = await talk_q.get(session, conversation_id, lock=True)
            if record is not None and record.parties.member == user:
                await talk_q.save(session, dataclasses.replace(record, report_ref=ref))

    async def conversation(self, conversation_id: int) -> ConversationRecord | None:
        async with self.db.transaction() as session:
            return await talk_q.get(session, conversation_id)

    async def attach_form(self, session: AsyncSession, conversation_id: int, token_id: str) -> None:
        """The forum's report-form link issued for this conversation's member (in the caller's transaction)."""
        record = await talk_q.get(session, conversation_id, lock=True)
        if record is not None:
            await talk_q.save(session, dataclasses.replace(
                record, parties=dataclasses.replace(record.parties, form_token=token_id)))

    async def form_prefill(self, token_id: str) -> str | None:
        """The description a forum report form opens with, when its link was asked for from a conversation."""
        async with self.db.transaction() as session:
            record = await talk_q.find_by_form_token(session, token_id)
        if record is None:
            return None
        found = await self.prefill(record.id, record.parties.member)
        return found if isinstance(found, str) else None

    async def form_sent(self, token_id: str, ref: str) -> None:
        async with self.db.transaction() as session:
            record = await talk_q.find_by_form_token(session, token_id)
        if record is not None:
            await self.became_report(record.id, record.parties.member, ref)

    async def find_thread(self, platform: str, channel: str) -> tuple[int, str] | None:
        """The conversation a forum PM belongs to and whose side it is (member or helper)."""
        async with self.db.transaction() as session:
            found = await talk_q.find_by_thread(session, platform, channel)
        return None if found is None else (found[0].id, found[1])

    # ---- retention ----
    async def purge(self) -> int:
        """Delete the conversations past `retention.consultations` that never became a report. Each
        conversation schedules this for when it expires (a due row written with it: one clock, and nothing
        scheduled while nobody talks)."""
        keep = self.config.retention.consultations
        async with self.db.transaction() as session:
            deleted = await talk_q.purge_consultations(session, self.clock.now() - keep)
        if deleted:
            log.info("deleted %d talk conversation(s) past their retention", deleted)
        return deleted

    # ---- outbox rows ----
    def _notice(self, record: ConversationRecord, notice: str, to: str, *, key: str | None = None,
                **extra: Any) -> NewItem:
        tag = key or f"g{record.generation}"
        return NewItem(key=f"talk:{record.id}:{notice}:{tag}", kind=NOTICE,
                       payload={"conversation": record.id, "notice": notice, "to": to, **extra})

    def _unanswered(self, record: ConversationRecord) -> NewItem:
        due = rules.answer_due(self.clock.now(), self.config, self.calendar)
        return NewItem(key=f"talk:{record.id}:unanswered:g{record.generation}", kind=NOTICE, due_at=due,
                       payload={"conversation": record.id, "notice": "unanswered", "to": "member",
                                "generation": record.generation})


def _role(record: ConversationRecord | None, user: str) -> str | None:
    if record is None or record.state == "ended":
        return None
    if user == record.parties.member:
        return "member"
    if user == record.parties.helper:
        return "helper"
    return None

