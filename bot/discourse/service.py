"""What a private message, a mention or a flag on the forum means for cocbot: one domain call each.

A PM in a report's committee space is a triage command; in a reporter's thread it adds information or
answers a committee question; `onduty …` drives shifts; anything else asks for a report form, answered
with a one-time link. A flag of a configured type files a report. Replies go through the outbox, and the
forum kinds registered here send them through the edge (`Forum`).

De-duplication is on what a delivery is about — (event, object id, version) — because Discourse gives
each retry a new event id. Everything downstream is keyed on the same ids (form link per post, report
per flag, addendum per post), so even two concurrent deliveries of one post do the work once.
"""

from __future__ import annotations

import functools

import re
from dataclasses import dataclass, field
from typing import Any, Protocol
from collections.abc import Callable, Mapping

from cocbot.bot.bans.service import BanService
from cocbot.bot.transparency.service import TransparencyService
from cocbot.bot.triage.commands import parse as parse_command
from cocbot.bot.clock import Clock
from cocbot.bot.i18n import N_
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.config.discourse import FLAG_TYPES, DiscourseConfig
from cocbot.bot.discourse.commands import ANSWER_CHUNK, Answer, ForumCommands, chunks
from cocbot.bot.discourse.incoming import SYSTEM_USERS, IncomingFlag, IncomingPost, asks_onduty, duty_words
from cocbot.bot.discourse.links import FormLinks, LinkState
from cocbot.bot.discourse.reconcile import ReconcileBook
from cocbot.bot.discourse.threads import REPORTER_KINDS, ForumThreads, topic_channel, topic_id_of
from cocbot.bot.earlier.service import EarlierService
from cocbot.bot.holds.service import HoldService
from cocbot.bot.holds.texts import hold_word
from cocbot.bot.duty.roster import Status
from cocbot.bot.i18n import Translator, translator
from cocbot.bot.i18n.members import MemberLocales
from cocbot.bot.i18n.phrases import payload
from cocbot.bot.safety import texts as safety_texts
from cocbot.bot.safety.paging import DM as SAFETY_DM
from cocbot.bot.safety.paging import ON_IT, THREAD as SAFETY_THREAD, SafetyService
from cocbot.bot.reports.readers.service import ASK as READERS_ASK, ReadersService
from cocbot.bot.reports.behalf.service import REVIEW as BEHALF_REVIEW, BehalfService
from cocbot.bot.reports.privacy import allowed_readers
from cocbot.bot.reports.warnings import ContentWarnings
from cocbot.bot.duty.service import DutyService
from cocbot.bot.messenger import DeliveryError, Posted
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.intake import Anonymity, FlaggedMessage, Intake, ReportDraft, Source, Submitted
from cocbot.bot.reports.reporters import unknown_flagger
from cocbot.bot.talk.forum import ForumAnswer, ForumTalk
from cocbot.bot.talk.service import TalkService
from cocbot.bot.triage.service import TriageService
from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database
from cocbot.storage.discourse import Thread
from cocbot.storage.outbox import ClaimedItem
from cocbot.storage.reports import ReportRecord
from cocbot.storage.talk import ConversationRecord

FLAG_NAMES = {v: k for k, v in FLAG_TYPES.items()}


class Forum(Protocol):
    """What the domain asks of the forum; the Discourse edge renders and sends (handlers/discourse)."""

    async def get_post(self, post_id: int) -> IncomingPost: ...

    async def username_of(self, user_id: int) -> str | None: ...

    async def flag_counts(self, post_id: int) -> dict[int, int]: ...

    async def send_form_link(self, username: str, url: str, topic_id: int | None, *,
                             conversation: bool = False) -> Posted:
        """The link, in that PM topic while only the member and the bot are in it, else in a new PM
        (`conversation`: for a talk-first conversation, in its PM)."""

    async def send_reply(self, channel: str, reply: Mapping[str, Any]) -> Posted:
        """cocbot's answer to a PM: `{"reply": "text"|"duty"|"added"|"refused", ...}` (ids and own words)."""

    async def send_in_space(self, report: ReportRecord, reply: Mapping[str, Any]) -> Posted:
        """A reply about the case (`{"reply": "said", "text": …}`) in its committee space, once the privacy
        gate has checked everyone in it may read the case (else PrivacyHold)."""

    async def send_on_duty(self, channel: str, status: Status, username: str | None = None) -> Posted: ...


def _about(answer: Answer) -> dict[str, Any]:
    return {} if answer.report_id is None else {"report_id": answer.report_id}


READERS_THREAD = "readers_ask"
BEHALF_THREAD = "behalf_review"
WARNING_WORDS = re.compile(r"^\s*(?:cw|content warning)\s*:?\s+(\S.*)$", re.IGNORECASE | re.DOTALL)
CONFIRM_WORDS = re.compile(r"^\W*confirm(?:ed)?\b\W*(named|confidential(?:ly)?|anonymous(?:ly)?)?")
# Replies in that thread otherwise add information: only these unmistakable words answer the question.
WIDEN_WORDS = re.compile(r"^\W*(?:yes\W+)?(?:the\s+)?whole committee\b")
KEEP_WORDS = re.compile(r"^\W*(?:no\W+)?keep\b")


@dataclass
class ForumService:
    db: Database
    config: CommunityConfig
    clock: Clock
    intake: Intake
    notify: Callable[[], None]
    triage: TriageService
    duty: DutyService
    forum: Forum
    talk: TalkService | None = None  # talk-first conversations by PM (the composition root sets it)
    safety: SafetyService | None = None  # "on it" in reply to a danger page
    readers: ReadersService | None = None  # the reporter's answer about who may see their report
    behalf: BehalfService | None = None  # confirming a report filed on someone's behalf
    warnings: ContentWarnings | None = None  # "cw …" in a report's committee PM
    transparency: TransparencyService | None = None
    # A reporter's words in their held report's PM ("release", "withdraw"); None: holds are not offered.
    holds: HoldService | None = None
    earlier: EarlierService | None = None
    threads: ForumThreads = field(init=False)
    links: FormLinks = field(init=False)
    commands: ForumCommands = field(init=False)
    book: ReconcileBook = field(init=False)
    # Bans enforced: a public post by a banned person where the ban applies alerts the case's committee.
    bans: BanService | None = None
    # Each member's forum profile language (cached); None: every answer in the community's language.
    locales: MemberLocales | None = None

    def __post_init__(self) -> None:
        self.threads = ForumThreads(self.db, self.clock)
        self.links = FormLinks(self.db, self.clock, self.settings)
        self.commands = ForumCommands(self.config, self.triage, self.duty, self.earlier)
        self.book = ReconcileBook(self.db, self.clock)

    async def _member_tr(self, username: str) -> Translator:
        """The poster's language (their forum profile), for answers built here; else the community's."""
        default = self.config.community.language
        if self.locales is None or not username:
            return translator(default)
        return await self.locales.translator_for("discourse", username, default)

    @property
    def settings(self) -> DiscourseConfig:
        assert self.config.discourse is not None
        return self.config.discourse

    def register(self, worker: OutboxWorker) -> None:
        worker.register("discourse_form_link", self.send_form_link)
        worker.register("discourse_flag_report", self.file_flag_report)
        worker.register("discourse_reply", self.send_reply)
        worker.register("discourse_onduty", self.send_onduty)
        for kind in REPORTER_KINDS:
            worker.after(kind, self.threads.after_reporter_pm)
        worker.after(SAFETY_DM, self._after_page)
        # The PM asking a reporter about their chosen readers, or someone to confirm a report filed for them,
        # is remembered so that their reply answers it.
        worker.after(READERS_ASK, functools.partial(self._remember_pm, READERS_THREAD))
        worker.after(BEHALF_REVIEW, functools.partial(self._remember_pm, BEHALF_THREAD))

    # ---- posts ----
    async def handle_post(self, post: IncomingPost, event: str = "post_created") -> str:
        key = f"{event}:{post.id}:{post.version}"
        if await self.book.seen(key):
            return "duplicate"
        outcome = await self._post(post)
        await self.book.mark(key)
        return outcome

    async def _post(self, post: IncomingPost) -> str:
        bot = self.settings.api_username
        if post.username == bot or not post.username:
            return "ignored: the bot's own post"
        if post.username in SYSTEM_USERS:
            return "ignored: a system message"
        if not post.private_message:
            if self.bans is not None:
                await self.bans.forum_post(post.username, post.category_id, post.id)
            if asks_onduty(post.raw, bot):
                return await self._onduty(post)
            return "ignored: not a private message"
        if self.transparency is not None and parse_command(post.raw).action == "transparency":
            said = await self.transparency.request(post.username, "discourse", await self._member_tr(post.username))
            await self._reply(post, {"reply": "said", "text": said})
            return "transparency report requested"
        channel = topic_channel(post.topic_id)
        thread, space_report = await self.threads.find(post.topic_id)
        if space_report is not None and WARNING_WORDS.match(post.raw) and self.warnings is not None:
            return await self._content_warning(post, space_report)
        if space_report is not None:
            return await self._answer(post, await self.commands.committee(post, space_report, channel))
        if self.talk is not None:
            talked = await ForumTalk(self.talk, await self._member_tr(post.username)).handle(post, channel)
            if talked is not None:
                return await self._talk(post, talked)
        if duty_words(post.raw) is not None:
            answer = await self.commands.duty_command(post)
            return await self._onduty(post) if answer is None else await self._answer(post, answer)
        if thread is not None and thread.purpose == "question" and thread.username == post.username \
                and thread.question_id is not None:
            result = await self.triage.reply(thread.question_id, post.username, post.raw, f"discourse:post:{post.id}")
            await self._reply(post, {"reply": "text", **(result.payload() if result.message else
                                                          {"text": N_("Thank you.")})})
            return "answer relayed" if result.ok else "answer refused"
        if thread is not None and thread.purpose == BEHALF_THREAD and thread.username == post.username \
                and thread.report_id is not None:
            return await self._behalf_reply(post, thread.report_id)
        if thread is not None and thread.purpose == READERS_THREAD and thread.username == post.username \
                and thread.report_id is not None:
            return await self._readers_reply(post, thread.report_id)
        if thread is not None and thread.purpose == SAFETY_THREAD and thread.username == post.username \
                and thread.report_id is not None:
            return await self._safety_reply(post, thread.report_id)
        if thread is not None and thread.purpose in ("reporter", "question") and thread.username == post.username \
                and thread.report_id is not None:
            word = hold_word(post.raw)
            if word is not None and self.holds is not None:
                return await self._hold_word(post, thread.report_id, word)
            return await self._add_information(post, thread.report_id)
        return await self._issue_form_link(post, thread)

    async def _answer(self, post: IncomingPost, answer: Answer) -> str:
        if answer.text is not None and answer.translated and len(answer.text) > ANSWER_CHUNK:
            # A long answer (a case's whole history) in several posts, each within the forum's post length
            # once rendered, in order, each with its own outbox key.
            for i, chunk in enumerate(chunks(answer.text, ANSWER_CHUNK)):
                await self._enqueue(f"discourse:reply:{post.id}" + (f":{i}" if i else ""), "discourse_reply",
                                    {"channel": topic_channel(post.topic_id), "username": post.username,
                                     "reply": "said", "text": chunk, **_about(answer)})
        elif answer.text is not None:
            kind = "said" if answer.translated else "duty" if answer.duty else "text"
            await self._reply(post, {"reply": kind, **payload(answer.text), **_about(answer)})
        return answer.outcome

    async def _talk(self, post: IncomingPost, answer: ForumAnswer) -> str:
        cid = answer.report_form_for
        if cid is not None and self.talk is not None:
            async with self.db.transaction() as session:
                await self._talk_form_link(session, cid, post.username, post.topic_id, f"discourse:post:{post.id}")
            self.notify()
        elif answer.text is not None:
            await self._reply(post, {"reply": "said", "text": answer.text})  # in the member's language already
        return answer.outcome

    async def _talk_form_link(self, session: Any, cid: int, member: str, topic_id: int | None, key: str) -> None:
        """The member's one-time report-form link for a conversation, in their own talk topic (only they and
        the bot are in it); the form opens with what they wrote, which they edit and send themselves."""
        assert self.talk is not None
        token_id = self.links.signer.token_id(f"talk:{cid}:{key}")
        await self.links.create(session, token_id, member)
        await self.talk.attach_form(session, cid, token_id)
        await outbox_q.enqueue(session, key=f"discourse:form_link:talk:{cid}:{key}", kind="discourse_form_link",
                               now=self.clock.now(), payload={"token": token_id, "topic_id": topic_id,
                                                              "conversation": True})

    async def talk_form_for(self, session: Any, record: ConversationRecord, key: str) -> None:
        """TalkService.forum_form: the link for a forum member, in their conversation PM."""
        thread = record.parties.threads.get("member")
        await self._talk_form_link(session, record.id, record.parties.member,
                                   topic_id_of(thread) if thread else None, key)

    async def form_prefill(self, token_id: str) -> str | None:
        return None if self.talk is None else await self.talk.form_prefill(token_id)
    async def _hold_word(self, post: IncomingPost, report_id: int, word: str) -> str:
        report = await self.threads.report(report_id)
        assert self.holds is not None
        if report is None:
            return "ignored: report gone"
        settle = self.holds.release if word == "release" else self.holds.withdraw
        result = await settle(report.ref, post.username, await self._member_tr(post.username))
        await self._reply(post, {"reply": "said", "text": result.message})
        return f"hold {word}: {'ok' if result.ok else 'refused'}"

    async def _add_information(self, post: IncomingPost, report_id: int) -> str:
        report = await self.threads.report(report_id)
        if report is None:
            return "ignored: report gone"
        error = await self.intake.add_information(ref=report.ref, user=post.username, text=post.raw,
                                                  idempotency_key=f"discourse:post:{post.id}")
        # Outbox payloads hold ids and cocbot's own words only; the reply is rebuilt from them at send time.
        which = {"reply": "refused", "reason": error} if error else {"reply": "added", "ref": report.ref}
        await self._reply(post, which)
        return "information added" if error is None else "information refused"

    async def _reply(self, post: IncomingPost, which: dict[str, Any]) -> None:
        await self._enqueue(f"discourse:reply:{post.id}", "discourse_reply",
                            {"channel": topic_channel(post.topic_id), "username": post.username, **which})

    async def _enqueue(self, key: str, kind: str, payload: dict[str, Any]) -> None:
        async with self.db.transaction() as session:
            await outbox_q.enqueue(session, key=key, kind=kind, now=self.clock.now(), payload=payload)
        self.notify()

    async def _issue_form_link(self, post: IncomingPost, thread: Thread | None) -> str:
        token_id = self.links.token_id(post.id)
        # Reply in a thread cocbot started with this person alone; anywhere else (a PM others may read),
        # the link goes to a new PM so that only its owner ever sees it.
        reply_topic = thread.topic_id if thread is not None and thread.purpose == "form_link" \
            and thread.username == post.username else None
        async with self.db.transaction() as session:
            await self.links.create(session, token_id, post.username)
            await outbox_q.enqueue(session, key=f"discourse:form_link:{post.id}", kind="discourse_form_link",
                                   now=self.clock.now(), payload={"token": token_id, "topic_id": reply_topic})
        self.notify()
        return "form link issued"

    async def _onduty(self, post: IncomingPost) -> str:
        # Answered privately: a reply in the topic would tell everyone who asked, and why.
        await self._enqueue(f"discourse:onduty:{post.id}", "discourse_onduty", {
            "username": post.username, "category_id": post.category_id,
            # Asked in a PM: answered there; asked in a topic: in a new PM.
            "channel": topic_channel(post.topic_id) if post.private_message else None})
        return "onduty answered by PM"

    # ---- flags ----
    async def handle_flag(self, flag: IncomingFlag, event: str = "reviewable") -> str:
        key = f"{event}:{flag.reviewable_id}:{flag.version}"
        if await self.book.seen(key):
            return "duplicate"
        wanted = flag.flag_types & self.settings.flag_type_ids
        if not wanted:
            await self.book.mark(key)
            return "ignored: flag type not configured to file reports"
        await self._enqueue(f"discourse:flag:{flag.reviewable_id}", "discourse_flag_report", {
            "post_id": flag.post_id, "flagger_id": flag.flagger_id, "flag_type": min(wanted),
            "reviewable_id": flag.reviewable_id})
        await self.book.mark(key)
        return "flag queued"

    async def handle_polled_flag(self, reviewable_id: int, post_id: int, scores: int) -> str:
        """A pending flag seen in the forum's latest posts: file it as its webhook would have. `scores` (how
        many flags the item has) versions the check, so a later flag of a configured type is still seen."""
        key = f"poll:{reviewable_id}:{scores}"  # the key handle_flag de-duplicates on, checked before the read
        if await self.book.seen(key):
            return "duplicate"
        async with self.db.transaction() as session:
            filed = await outbox_q.item_status(session, f"discourse:flag:{reviewable_id}") is not None
        if filed:  # queued or filed already, by webhook or by polling
            await self.book.mark(key)
            return "duplicate"
        counts = await self.forum.flag_counts(post_id)
        return await self.handle_flag(IncomingFlag(reviewable_id, post_id, frozenset(counts), None, scores),
                                      event="poll")

    # ---- the report form ----
    async def open_link(self, link: str) -> LinkState:
        return await self.links.open(link)

    async def submit_form(self, draft: ReportDraft, token_id: str | None) -> Submitted:
        """File a report sent with the form; a link's report spends the link. StoreFailed when it was not
        stored (the reporter keeps their text to send again)."""
        submitted = await self.intake.submit(draft)
        if token_id is not None:
            await self.links.spend(token_id, submitted.ref)
            if self.talk is not None:
                await self.talk.form_sent(token_id, submitted.ref)
        return submitted

    # ---- outbox kinds ----
    async def send_form_link(self, item: ClaimedItem) -> dict[str, Any]:
        username, url = await self.links.to_send(str(item.payload["token"]))
        topic = item.payload.get("topic_id")
        posted = await self.forum.send_form_link(username, url, int(topic) if topic else None,
                                                 conversation=bool(item.payload.get("conversation")))
        await self.threads.started_form_link(posted.channel, username)
        return {"channel": posted.channel, "ts": posted.ts}

    async def send_reply(self, item: ClaimedItem) -> dict[str, Any]:
        about = item.payload.get("report_id")
        if about is not None:
            report = await self.threads.report(int(about))
            if report is None:
                raise DeliveryError("report_missing", transient=False)
            posted = await self.forum.send_in_space(report, item.payload)
            return {"channel": posted.channel, "ts": posted.ts}
        posted = await self.forum.send_reply(str(item.payload["channel"]), item.payload)
        return {"channel": posted.channel, "ts": posted.ts}

    async def send_onduty(self, item: ClaimedItem) -> dict[str, Any]:
        category = item.payload.get("category_id")
        status = await self.duty.status(f"discourse:category:{category or 0}")
        posted = await self.forum.send_on_duty(str(item.payload.get("channel") or item.payload["username"]), status,
                                               str(item.payload["username"]))
        return {"channel": posted.channel, "ts": posted.ts}

    async def file_flag_report(self, item: ClaimedItem) -> dict[str, Any]:
        post = await self.forum.get_post(int(item.payload["post_id"]))
        flagger_id = item.payload.get("flagger_id")
        flagger = await self.forum.username_of(int(flagger_id)) if flagger_id else None
        label = FLAG_NAMES.get(int(item.payload.get("flag_type") or 0), "flagged").replace("_", " ")
        draft = ReportDraft(
            idempotency_key=f"discourse:flag:{item.payload['reviewable_id']}",
            # A flag found by polling does not say who flagged: nothing is then sent back to "the reporter".
            reporter=flagger or unknown_flagger(int(item.payload["reviewable_id"])),
            source=Source.DISCOURSE_FLAG,
            platform="discourse",
            # Stored as the report's account, which the committee reads: in the committee's language.
            description=translator(self.config.community.language).gettext(
                "A post on the forum was flagged as “%(label)s”. The post is quoted below as it was when cocbot "
                "read it.") % {"label": label},
            implicated=(post.username,),
            ongoing="unsure",
            anonymity=Anonymity.CONFIDENTIAL,
            flagged=FlaggedMessage(channel=topic_channel(post.topic_id), ts=str(post.id),
                                   author=post.username, text=post.raw),
        )
        submitted = await self.intake.submit(draft)
        return {"ref": submitted.ref}

    # ---- danger pages ----
    async def _after_page(self, item: ClaimedItem, result: dict[str, Any]) -> None:
        """Remember a danger page sent on the forum, so that "on it" in reply answers it."""
        topic = topic_id_of(str(result.get("channel") or ""))
        user = item.payload.get("user")
        if topic is None or item.report_id is None or not user or item.payload.get("platform") != "discourse":
            return
        await self.threads.started(topic, SAFETY_THREAD, str(user), item.report_id)

    async def _safety_reply(self, post: IncomingPost, report_id: int) -> str:
        report = await self.threads.report(report_id)
        if report is None or self.safety is None:
            return "ignored: report gone"
        tr = await self._member_tr(post.username)
        if not ON_IT.search(post.raw):
            await self._reply(post, {"reply": "said", "text": safety_texts.reply_on_it(tr)})
            return "danger page: not an answer"
        answer = await self.safety.acknowledge(report.ref, post.username, tr)
        await self._reply(post, {"reply": "said", "text": answer.message})
        return f"danger page: {'acknowledged' if answer.ok else 'refused'}"

    async def _remember_pm(self, kind: str, item: ClaimedItem, result: dict[str, Any]) -> None:
        """Remember a PM cocbot sent about a forum report, as a thread of `kind`, so that a reply answers it."""
        topic = topic_id_of(str(result.get("channel") or ""))
        if topic is None or item.report_id is None:
            return
        report = await self.threads.report(item.report_id)
        if report is None or report.platform != "discourse":
            return
        await self.threads.started(topic, kind, report.reporter, report.id)

    # ---- chosen readers ----

    async def _readers_reply(self, post: IncomingPost, report_id: int) -> str:
        report = await self.threads.report(report_id)
        if report is None or self.readers is None:
            return "ignored: report gone"
        words = " ".join(post.raw.lower().split())
        if WIDEN_WORDS.search(words):
            answer = await self.readers.widen(report.ref, post.username, await self._member_tr(post.username))
        elif KEEP_WORDS.search(words):
            answer = await self.readers.keep(report.ref, post.username, await self._member_tr(post.username))
        else:
            return await self._add_information(post, report_id)
        await self._reply(post, {"reply": "said", "text": answer.message})
        return f"readers: {'answered' if answer.ok else 'refused'}"

    # ---- reports filed on someone's behalf ----
    async def _behalf_reply(self, post: IncomingPost, report_id: int) -> str:
        report = await self.threads.report(report_id)
        if report is None or self.behalf is None:
            return "ignored: report gone"
        match = CONFIRM_WORDS.search(post.raw.lower())
        if match is None:  # anything else corrects it: added to the report like any reporter's addition
            return await self._add_information(post, report_id)
        word = (match.group(1) or "confidential").removesuffix("ly")
        answer = await self.behalf.confirm(report.ref, post.username, word, await self._member_tr(post.username))
        await self._reply(post, {"reply": "said", "text": answer.message})
        return f"on behalf: {'confirmed' if answer.ok else 'refused'}"

    # ---- content warnings ----
    async def _content_warning(self, post: IncomingPost, report: ReportRecord) -> str:
        """`cw <warning>` in a report's committee PM: what the warning field of Assess does in Slack."""
        assert self.warnings is not None
        match = WARNING_WORDS.match(post.raw)
        allowed = post.username in allowed_readers(report, self.config) and self.commands.actor(post.username) \
            is not None
        # In the committee's PM: the committee's language.
        answer = await self.warnings.add(report.ref, match.group(1) if match else "", allowed=allowed,
                                         tr=translator(self.config.community.language))
        if answer.message:
            await self._reply(post, {"reply": "said", "text": answer.message})
        return f"content warning: {'added' if answer.ok else 'refused'}"
