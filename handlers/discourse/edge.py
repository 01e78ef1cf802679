"""The Discourse edge: what a webhook delivery (or a post caught by reconciliation) means, turned into
one domain call each; and the outbox kinds that talk to Discourse on the edge's behalf.

De-duplication is on what a delivery is about — (event, object id, version) — because Discourse gives
each retry a new event id. Everything downstream is keyed on the same ids (form link per post, report
per flag, addendum per post), so even two concurrent deliveries of one post do the work once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.config.discourse import DiscourseConfig
from cocbot.bot.reports.intake import FlaggedMessage, Intake, ReportDraft, Source
from cocbot.bot.messages import Message, Text
from cocbot.bot.messenger import DeliveryError
from cocbot.bot.outbox.worker import OutboxWorker
from cocbot.bot.reports.reporters import reachable, unknown_flagger
from cocbot.handlers.discourse import texts
from cocbot.handlers.discourse import translate
from cocbot.bot.discourse.links import LinkSigner
from cocbot.handlers.discourse.messenger import DiscourseMessenger, topic_channel, topic_id_of
from cocbot.handlers.discourse.render import forum_name
from cocbot.handlers.discourse.translate import IncomingFlag, IncomingPost
from cocbot.storage import discourse as dq
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.outbox import ClaimedItem

log = logging.getLogger("cocbot.discourse")

# Discourse's own accounts: their PMs (welcome messages, tutorials) are not people asking to report.
SYSTEM_USERS = frozenset({"system", "discobot"})


@dataclass
class DiscourseEdge:
    db: Database
    config: CommunityConfig
    clock: Clock
    messenger: DiscourseMessenger
    intake: Intake
    notify: Callable[[], None]
    # bot.duty_service.DutyService when on-duty shifts are available (answers `@cocbot onduty`).
    duty: Any = None
    # bot.triage_service.TriageService: commands typed in a committee PM drive the same actions as buttons.
    triage: Any = None
    # bot.privacy.PrivacyGate: the edge's own messages (links, replies, on-duty answers) hold no report
    # content, and the gate makes sure of it.
    gate: Any = None

    def __post_init__(self) -> None:
        assert self.config.discourse is not None
        self.signer = LinkSigner.from_secret(self.config.discourse.webhook_secret)

    @property
    def settings(self) -> DiscourseConfig:
        assert self.config.discourse is not None
        return self.config.discourse

    # ---- wiring ----
    def register(self, worker: OutboxWorker) -> None:
        worker.register("discourse_form_link", self.send_form_link)
        worker.register("discourse_flag_report", self.file_flag_report)
        worker.register("discourse_reply", self.send_reply)
        worker.register("discourse_onduty", self.send_onduty)
        # PMs the shared kinds send a Discourse reporter (the confirmation, triage notices) become threads
        # whose replies reach the report: they add information, or answer a committee question. Those kinds
        # are wrapped to remember each thread (and to skip the public form's reporter, who has no account).
        for kind in ("confirm_reporter", "triage_tell_reporter"):
            if kind in worker.handlers:
                worker.handlers[kind] = self._tracking(worker.handlers[kind])

    def _tracking(self, original: Callable[[ClaimedItem], Any]) -> Callable[[ClaimedItem], Any]:
        async def send_and_remember(item: ClaimedItem) -> dict[str, Any]:
            report = await self._report(item.report_id)
            on_discourse = report is not None and report.platform == "discourse"
            if on_discourse and report is not None and not reachable(report.reporter):
                return {"skipped": "no account to write to"}
            result = await original(item)
            topic = topic_id_of(str(result.get("channel") or ""))
            if on_discourse and report is not None and topic is not None:
                question = item.payload.get("id") if item.payload.get("notice") == "question" else None
                async with self.db.transaction() as session:
                    await dq.put_thread(session, topic_id=topic, purpose="question" if question else "reporter",
                                        username=report.reporter, report_id=report.id, now=self.clock.now(),
                                        question_id=int(question) if question else None)
            return result

        return send_and_remember

    async def _send(self, channel: str, message: Message) -> Any:
        if self.gate is not None:
            return await self.gate.post_without_content(channel, message, platform="discourse")
        return await self.messenger.post(channel, message)

    async def _report(self, report_id: int | None) -> reports_q.ReportRecord | None:
        if report_id is None:
            return None
        async with self.db.transaction() as session:
            return await reports_q.get_report(session, report_id)

    # ---- deliveries ----
    async def handle(self, event_type: str, event: str, payload: dict[str, Any]) -> str:
        if "post" in payload and event in ("post_created", ""):
            incoming = translate.post(payload["post"])
            return "ignored: not a post" if incoming is None else await self.handle_post(incoming, event or "post_created")
        if "reviewable" in payload and event in ("reviewable_created", "reviewable_updated", ""):
            flag = translate.flag(payload["reviewable"])
            return "ignored: not a flagged post" if flag is None else await self.handle_flag(flag, event or "reviewable")
        return "ignored"

    async def _seen(self, key: str) -> bool:
        async with self.db.transaction() as session:
            return await dq.was_seen(session, key)

    async def _mark(self, key: str) -> None:
        async with self.db.transaction() as session:
            await dq.mark_seen(session, key, self.clock.now())

    async def handle_post(self, post: IncomingPost, event: str = "post_created") -> str:
        key = f"{event}:{post.id}:{post.version}"
        if await self._seen(key):
            return "duplicate"
        outcome = await self._post(post)
        await self._mark(key)
        return outcome

    async def _post(self, post: IncomingPost) -> str:
        bot = self.settings.api_username
        if post.username == bot or not post.username:
            return "ignored: the bot's own post"
        if post.username in SYSTEM_USERS:
            return "ignored: a system message"
        if not post.private_message:
            if self.duty is not None and translate.asks_onduty(post.raw, bot):
                return await self._onduty(post)
            return "ignored: not a private message"
        async with self.db.transaction() as session:
            thread = await dq.get_thread(session, post.topic_id)
            space_report = await dq.report_id_for_space(session, topic_channel(post.topic_id))
        if space_report is not None:
            return await self._committee_reply(post, space_report)
        if self.duty is not None and translate.duty_words(post.raw) is not None:
            return await self._duty_command(post)
        if thread is not None and thread.purpose == "question" and thread.username == post.username \
                and thread.question_id is not None and self.triage is not None:
            result = await self.triage.reply(thread.question_id, post.username, post.raw, f"discourse:post:{post.id}")
            await self._enqueue_reply(f"discourse:reply:{post.id}", topic_channel(post.topic_id),
                                      {"reply": "text", "text": result.message or "Thank you."})
            return "answer relayed" if result.ok else "answer refused"
        if thread is not None and thread.purpose in ("reporter", "question") and thread.username == post.username \
                and thread.report_id is not None:
            return await self._add_information(post, thread.report_id)
        return await self._issue_form_link(post, thread)

    async def _committee_reply(self, post: IncomingPost, report_id: int) -> str:
        from cocbot.bot.reports.privacy import allowed_readers
        from cocbot.bot.triage.commands import HELP, parse

        report = await self._report(report_id)
        if report is None or self.triage is None:
            return "ignored: no triage"
        command = parse(post.raw)
        if command.action == "unknown":
            return "committee discussion"  # ordinary conversation in the committee's PM
        channel = topic_channel(post.topic_id)
        key = f"discourse:reply:{post.id}"
        if command.action == "help":
            await self._enqueue_reply(key, channel, {"reply": "text", "text": HELP})
            return "help"
        # The same authorization as a click: a reader of this space, then the triage service's own rules,
        # which know committee members by their Slack ids (the identity map links the two) or, for a
        # community on Discourse only, by their forum usernames.
        actor = self._actor(post.username)
        unlinked = (", and their forum account must be linked to their Slack account in discourse.identities"
                    if self.config.uses_slack else "")
        if post.username not in allowed_readers(report, self.config) or actor is None:
            text = f"Only committee members handling this report can do that{unlinked}. Nothing was changed."
            await self._enqueue_reply(key, channel, {"reply": "text", "text": text})
            return "refused"
        if command.problem:
            await self._enqueue_reply(key, channel, {"reply": "text", "text": command.problem})
            return "refused"
        result = await self._run_command(command, report.ref, actor, channel, f"discourse:post:{post.id}")
        text = result.message or ("Done." if result.ok else "Nothing was changed.")
        if result.errors:  # the same field messages the Slack modals show, one per line
            text += "\n" + "\n".join(f"- {problem}" for problem in result.errors.values())
        await self._enqueue_reply(key, channel, {"reply": "text", "text": text})
        return f"triage {command.action}: {'ok' if result.ok else 'refused'}"

    async def _run_command(self, command: Any, ref: str, actor: str, channel: str, key: str) -> Any:
        from cocbot.bot.triage.rules import DecisionDraft

        t = self.triage
        if command.action == "acknowledge":
            return await t.acknowledge(ref, actor, channel)
        if command.action == "assign":
            return await t.assign(ref, actor, channel)
        if command.action == "recuse":
            return await t.recuse(ref, actor, channel)
        if command.action == "note":
            return await t.add_note(ref, actor, command.text, key)
        if command.action == "ask":
            return await t.ask(ref, actor, command.text, key)
        if command.action == "assess":
            values: dict[str, str | None] = {**command.values}
            values["category"] = self._category(command.values.get("category", ""))
            result = await t.assess(ref, actor, values, key)
            if "category" in result.errors:
                result.errors["category"] += " One of: " + "; ".join(self.config.triage.categories) + "."
            return result
        if command.action == "decide":
            return await t.decide(ref, actor, DecisionDraft(
                command.outcome, command.text, ban_subjects=command.ban_subjects, ban_scope=command.ban_scope,
                ban_until=command.ban_until), key)
        if command.action == "close":
            return await t.close(ref, actor, channel)
        return await t.reopen(ref, actor, channel)

    def _category(self, typed: str) -> str:
        """The configured category the member meant: exact, or the only one starting with what they typed
        (case and spacing ignored)."""
        wanted = " ".join(typed.lower().split())
        categories = self.config.triage.categories
        exact = [c for c in categories if c.lower() == wanted]
        starting = [c for c in categories if wanted and c.lower().startswith(wanted)]
        return (exact or (starting if len(starting) == 1 else [typed]))[0]

    async def _add_information(self, post: IncomingPost, report_id: int) -> str:
        report = await self._report(report_id)
        if report is None:
            return "ignored: report gone"
        error = await self.intake.add_information(ref=report.ref, user=post.username, text=post.raw,
                                                  idempotency_key=f"discourse:post:{post.id}")
        # Outbox payloads hold ids and cocbot's own words only; the reply is rebuilt from them at send time.
        which = {"reply": "refused", "reason": error} if error else {"reply": "added", "ref": report.ref}
        await self._enqueue_reply(f"discourse:reply:{post.id}", topic_channel(post.topic_id), which)
        return "information added" if error is None else "information refused"

    async def _enqueue_reply(self, key: str, channel: str, which: dict[str, Any]) -> None:
        async with self.db.transaction() as session:
            await outbox_q.enqueue(session, key=key, kind="discourse_reply", now=self.clock.now(),
                                   payload={"channel": channel, **which})
        self.notify()

    async def _issue_form_link(self, post: IncomingPost, thread: dq.Thread | None) -> str:
        now = self.clock.now()
        token_id = self.signer.token_id(f"post:{post.id}")
        # Reply in a thread cocbot started with this person alone; anywhere else (a PM others may read),
        # the link goes to a new PM so that only its owner ever sees it.
        reply_topic = thread.topic_id if thread is not None and thread.purpose == "form_link" \
            and thread.username == post.username else None
        async with self.db.transaction() as session:
            await dq.create_token(session, token_id=token_id, username=post.username, now=now,
                                  expires_at=now + timedelta(minutes=self.settings.form_link_minutes))
            await outbox_q.enqueue(session, key=f"discourse:form_link:{post.id}", kind="discourse_form_link",
                                   now=now, payload={"token": token_id, "topic_id": reply_topic})
        self.notify()
        return "form link issued"

    def _actor(self, username: str) -> str | None:
        """Who a forum member is to the domain: their Slack id when the committee works in Slack (through
        the identity map; None if unlinked), their forum username in a Discourse-only community."""
        if not self.config.uses_slack:
            return username
        return next((slack for slack, forum in self.settings.identities.items() if forum == username), None)

    async def _duty_command(self, post: IncomingPost) -> str:
        """`onduty`, `onduty take [2h]`, `onduty off` in a private message to the bot: what facilitators do
        with /onduty in Slack, for shifts covering every channel and category."""
        from cocbot.bot.duty import commands

        command = commands.parse(" ".join(translate.duty_words(post.raw) or []))
        channel = topic_channel(post.topic_id)
        key = f"discourse:reply:{post.id}"
        sub = command.action
        if sub == "status":
            return await self._onduty(post)
        actor = self._actor(post.username)
        if sub not in ("take", "off"):
            text = ("In a private message to me: “onduty” (who is on duty), “onduty take 2h” (start a shift "
                    "covering every channel and category) or “onduty off” (end yours). Scheduling ahead, "
                    "handovers and community calls are managed with /onduty in Slack or `cocbot calls`.")
            await self._enqueue_reply(key, channel, {"reply": "text", "text": text})
            return "onduty help"
        if actor is None:
            text = ("Your forum account is not linked to a Slack account in discourse.identities, so cocbot "
                    "cannot tell whether you are a facilitator. Nothing was changed.")
            await self._enqueue_reply(key, channel, {"reply": "text", "text": text})
            return f"onduty {sub}: refused"
        assert self.duty is not None
        if command.problem:
            await self._enqueue_reply(key, channel, {"reply": "text", "text": command.problem})
            return f"onduty {sub}: refused"
        if sub == "take":
            reply = await self.duty.take(actor, frozenset(), command.duration)
        else:
            reply = await self.duty.off(actor)
        await self._enqueue_reply(key, channel, {"reply": "text",
                                                 "text": texts.duty_reply(reply.text, self.config)})
        return f"onduty {sub}: {'ok' if reply.ok else 'refused'}"

    async def _onduty(self, post: IncomingPost) -> str:
        # Answered privately: a reply in the topic would tell everyone who asked, and why.
        async with self.db.transaction() as session:
            await outbox_q.enqueue(session, key=f"discourse:onduty:{post.id}", kind="discourse_onduty",
                                   now=self.clock.now(),
                                   payload={"username": post.username, "category_id": post.category_id,
                                            # Asked in a PM: answered there; asked in a topic: in a new PM.
                                            "channel": topic_channel(post.topic_id) if post.private_message
                                            else None})
        self.notify()
        return "onduty answered by PM"

    async def send_onduty(self, item: ClaimedItem) -> dict[str, Any]:
        category = item.payload.get("category_id")
        status = await self.duty.status(f"discourse:category:{category or 0}")
        entries = [*status.now, *([status.next] if status.next is not None else [])]
        names = {e.facilitator: name for e in entries if e.facilitator
                 and (name := forum_name(e.facilitator, self.config))}
        message = texts.on_duty(status, names, self.config)
        posted = await self._send(str(item.payload.get("channel") or item.payload["username"]), message)
        return {"channel": posted.channel, "ts": posted.ts}

    async def handle_flag(self, flag: IncomingFlag, event: str = "reviewable") -> str:
        key = f"{event}:{flag.reviewable_id}:{flag.version}"
        if await self._seen(key):
            return "duplicate"
        wanted = flag.flag_types & self.settings.flag_type_ids
        if not wanted:
            await self._mark(key)
            return "ignored: flag type not configured to file reports"
        async with self.db.transaction() as session:
            await outbox_q.enqueue(session, key=f"discourse:flag:{flag.reviewable_id}", kind="discourse_flag_report",
                                   now=self.clock.now(), payload={
                                       "post_id": flag.post_id, "flagger_id": flag.flagger_id,
                                       "flag_type": min(wanted), "reviewable_id": flag.reviewable_id})
        await self._mark(key)
        self.notify()
        return "flag queued"

    async def flag_filed(self, reviewable_id: int) -> bool:
        """Whether a report for this review item is already queued or filed (by webhook or by polling)."""
        async with self.db.transaction() as session:
            return await outbox_q.item_status(session, f"discourse:flag:{reviewable_id}") is not None

    async def handle_polled_flag(self, reviewable_id: int, post_id: int, scores: int) -> str:
        """A pending flag seen in the forum's latest posts: file it as its webhook would have. `scores` (how
        many flags the item has) versions the check, so a later flag of a configured type is still seen."""
        key = f"poll:{reviewable_id}:{scores}"  # the key handle_flag de-duplicates on, checked before the read
        if await self._seen(key):
            return "duplicate"
        if await self.flag_filed(reviewable_id):
            await self._mark(key)
            return "duplicate"
        counts = await self.messenger.flag_counts(post_id)
        return await self.handle_flag(IncomingFlag(reviewable_id, post_id, frozenset(counts), None, scores),
                                      event="poll")

    # ---- outbox kinds ----
    def form_url(self, token_id: str, username: str | None, expires_at: Any) -> str:
        return f"{self.settings.public_url}/discourse/report/{self.signer.link_token(token_id, username, expires_at)}"

    async def send_form_link(self, item: ClaimedItem) -> dict[str, Any]:
        async with self.db.transaction() as session:
            token = await dq.get_token(session, str(item.payload["token"]))
        if token is None or token.username is None:
            raise DeliveryError("form_token_missing", transient=False)
        url = self.form_url(token.id, token.username, token.expires_at)
        message = texts.form_link(self.config, url, self.settings.form_link_minutes)
        topic = item.payload.get("topic_id")
        if topic and await self.messenger.channel_members(topic_channel(int(topic))) != {token.username,
                                                                                          self.settings.api_username}:
            topic = None  # someone else was added to that PM since: the link goes to a new one
        posted = await self._send(topic_channel(int(topic)) if topic else token.username, message)
        new_topic = topic_id_of(posted.channel)
        if not topic and new_topic is not None:
            async with self.db.transaction() as session:
                await dq.put_thread(session, topic_id=new_topic, purpose="form_link", username=token.username,
                                    report_id=None, now=self.clock.now())
        return {"channel": posted.channel, "ts": posted.ts}

    async def send_reply(self, item: ClaimedItem) -> dict[str, Any]:
        kind = item.payload.get("reply")
        if kind == "text":  # cocbot's own words (a triage result, help, a refusal)
            message = Message(summary="cocbot", blocks=(Text(str(item.payload.get("text", ""))),))
        elif kind == "added":
            message = texts.information_added(str(item.payload.get("ref", "")))
        else:
            message = texts.information_refused(str(item.payload.get("reason", "")))
        posted = await self._send(str(item.payload["channel"]), message)
        return {"channel": posted.channel, "ts": posted.ts}

    async def file_flag_report(self, item: ClaimedItem) -> dict[str, Any]:
        post = await self.messenger.get_post(int(item.payload["post_id"]))
        flagger_id = item.payload.get("flagger_id")
        flagger = await self.messenger.username_of(int(flagger_id)) if flagger_id else None
        label = translate.FLAG_NAMES.get(int(item.payload.get("flag_type") or 0), "flagged").replace("_", " ")
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
            anonymity=translate.anonymity("confidential"),
            flagged=FlaggedMessage(channel=topic_channel(post.topic_id), ts=str(post.id),
                                   author=post.username, text=post.raw),
        )
        submitted = await self.intake.submit(draft)
        return {"ref": submitted.ref}

