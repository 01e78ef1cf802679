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

from dataclasses import dataclass, field
from typing import Any, Protocol
from collections.abc import Callable, Mapping

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.config.discourse import FLAG_TYPES, DiscourseConfig
from cocbot.bot.discourse.commands import Answer, ForumCommands
from cocbot.bot.discourse.incoming import SYSTEM_USERS, IncomingFlag, IncomingPost, asks_onduty, duty_words
from cocbot.bot.discourse.links import FormLinks, LinkState
from cocbot.bot.discourse.reconcile import ReconcileBook
from cocbot.bot.discourse.threads import REPORTER_KINDS, ForumThreads, topic_channel
from cocbot.bot.earlier.service import EarlierService
from cocbot.bot.holds.service import HoldService
from cocbot.bot.holds.texts import hold_word
from cocbot.bot.duty.roster import Status
from cocbot.bot.duty.service import DutyService
from cocbot.bot.messenger import Posted
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.intake import Anonymity, FlaggedMessage, Intake, ReportDraft, Source, Submitted
from cocbot.bot.reports.reporters import unknown_flagger
from cocbot.bot.triage.service import TriageService
from cocbot.storage import outbox as outbox_q
from cocbot.storage.db import Database
from cocbot.storage.discourse import Thread
from cocbot.storage.outbox import ClaimedItem

FLAG_NAMES = {v: k for k, v in FLAG_TYPES.items()}


class Forum(Protocol):
    """What the domain asks of the forum; the Discourse edge renders and sends (handlers/discourse)."""

    async def get_post(self, post_id: int) -> IncomingPost: ...

    async def username_of(self, user_id: int) -> str | None: ...

    async def flag_counts(self, post_id: int) -> dict[int, int]: ...

    async def send_form_link(self, username: str, url: str, topic_id: int | None) -> Posted:
        """The link, in that PM topic while only the member and the bot are in it, else in a new PM."""

    async def send_reply(self, channel: str, reply: Mapping[str, Any]) -> Posted:
        """cocbot's answer to a PM: `{"reply": "text"|"duty"|"added"|"refused", ...}` (ids and own words)."""

    async def send_on_duty(self, channel: str, status: Status) -> Posted: ...


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
    # A reporter's words in their held report's PM ("release", "withdraw"); None: holds are not offered.
    holds: HoldService | None = None
    earlier: EarlierService | None = None
    threads: ForumThreads = field(init=False)
    links: FormLinks = field(init=False)
    commands: ForumCommands = field(init=False)
    book: ReconcileBook = field(init=False)

    def __post_init__(self) -> None:
        self.threads = ForumThreads(self.db, self.clock)
        self.links = FormLinks(self.db, self.clock, self.settings)
        self.commands = ForumCommands(self.config, self.triage, self.duty, self.earlier)
        self.book = ReconcileBook(self.db, self.clock)

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
            if asks_onduty(post.raw, bot):
                return await self._onduty(post)
            return "ignored: not a private message"
        channel = topic_channel(post.topic_id)
        thread, space_report = await self.threads.find(post.topic_id)
        if space_report is not None:
            return await self._answer(post, await self.commands.committee(post, space_report, channel))
        if duty_words(post.raw) is not None:
            answer = await self.commands.duty_command(post)
            return await self._onduty(post) if answer is None else await self._answer(post, answer)
        if thread is not None and thread.purpose == "question" and thread.username == post.username \
                and thread.question_id is not None:
            result = await self.triage.reply(thread.question_id, post.username, post.raw, f"discourse:post:{post.id}")
            await self._reply(post, {"reply": "text", "text": result.message or "Thank you."})
            return "answer relayed" if result.ok else "answer refused"
        if thread is not None and thread.purpose in ("reporter", "question") and thread.username == post.username \
                and thread.report_id is not None:
            word = hold_word(post.raw)
            if word is not None and self.holds is not None:
                return await self._hold_word(post, thread.report_id, word)
            return await self._add_information(post, thread.report_id)
        return await self._issue_form_link(post, thread)

    async def _answer(self, post: IncomingPost, answer: Answer) -> str:
        if answer.text is not None:
            await self._reply(post, {"reply": "duty" if answer.duty else "text", "text": answer.text})
        return answer.outcome

    async def _hold_word(self, post: IncomingPost, report_id: int, word: str) -> str:
        report = await self.threads.report(report_id)
        assert self.holds is not None
        if report is None:
            return "ignored: report gone"
        result = await (self.holds.release if word == "release" else self.holds.withdraw)(report.ref, post.username)
        await self._reply(post, {"reply": "text", "text": result.message})
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
                            {"channel": topic_channel(post.topic_id), **which})

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
        return submitted

    # ---- outbox kinds ----
    async def send_form_link(self, item: ClaimedItem) -> dict[str, Any]:
        username, url = await self.links.to_send(str(item.payload["token"]))
        topic = item.payload.get("topic_id")
        posted = await self.forum.send_form_link(username, url, int(topic) if topic else None)
        await self.threads.started_form_link(posted.channel, username)
        return {"channel": posted.channel, "ts": posted.ts}

    async def send_reply(self, item: ClaimedItem) -> dict[str, Any]:
        posted = await self.forum.send_reply(str(item.payload["channel"]), item.payload)
        return {"channel": posted.channel, "ts": posted.ts}

    async def send_onduty(self, item: ClaimedItem) -> dict[str, Any]:
        category = item.payload.get("category_id")
        status = await self.duty.status(f"discourse:category:{category or 0}")
        posted = await self.forum.send_on_duty(str(item.payload.get("channel") or item.payload["username"]), status)
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
            description=f"A post on the forum was flagged as “{label}”. The post is quoted below as it was "
                        "when cocbot read it.",
            implicated=(post.username,),
            ongoing="unsure",
            anonymity=Anonymity.CONFIDENTIAL,
            flagged=FlaggedMessage(channel=topic_channel(post.topic_id), ts=str(post.id),
                                   author=post.username, text=post.raw),
        )
        submitted = await self.intake.submit(draft)
        return {"ref": submitted.ref}
