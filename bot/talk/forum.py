"""Talk first on the forum: a private message to the bot starting with `talk`, and every post in a
conversation's own PM topics (each side has one, with only them and the bot), as talk service calls."""

from __future__ import annotations

from dataclasses import dataclass

from cocbot.bot.i18n import Translator

from cocbot.bot.discourse.incoming import IncomingPost
from cocbot.bot.talk import commands, texts
from cocbot.bot.talk.service import Opening, Outcome, TalkService

PLATFORM = "discourse"


@dataclass(frozen=True)
class ForumAnswer:
    outcome: str  # for the webhook's answer and the log; never content
    text: str | None = None  # cocbot's reply in the same PM, if any
    report_form_for: int | None = None  # the conversation whose member asked for the report form


@dataclass
class ForumTalk:
    talk: TalkService
    tr: Translator | None = None  # the poster's language; the community's by default

    async def handle(self, post: IncomingPost, channel: str) -> ForumAnswer | None:
        """None when the post is neither in a conversation's topic nor a request to talk."""
        found = await self.talk.find_thread(PLATFORM, channel)
        if found is not None:
            cid, role = found
            if post.username != await self._party(cid, role):
                return ForumAnswer("talk: not a party")  # someone else in the topic: never relayed
            return await self._in_thread(post, cid)
        start = commands.parse_start(post.raw)
        if start is None:
            return None
        if not start.text:
            return ForumAnswer("talk help", texts.forum_help(self.tr or self.talk.tr))
        where = f"discourse:category:{post.category_id or 0}"
        outcome = await self.talk.open(Opening(
            member=post.username, platform=PLATFORM, text=start.text, key=f"discourse:talk:{post.id}", where=where,
            pick=start.pick, bypass=start.bypass, excluded=start.excluded, anonymous=start.anonymous), self.tr)
        return _answer("talk open", outcome)

    async def _party(self, cid: int, role: str) -> str | None:
        record = await self.talk.conversation(cid)
        if record is None:
            return None
        return record.parties.member if role == "member" else record.parties.helper

    async def _in_thread(self, post: IncomingPost, cid: int) -> ForumAnswer:
        command = commands.parse_in_thread(post.raw)
        talk, user, key, tr = self.talk, post.username, f"discourse:post:{post.id}", self.tr
        if command.action == "say":
            outcome = await talk.say(cid, user, post.raw, key, tr)
            return ForumAnswer("talk relayed") if outcome.ok else _answer("talk say", outcome)
        if command.action == "report":
            prefill = await talk.prefill(cid, user, tr)
            if isinstance(prefill, Outcome):
                return _answer("talk report", prefill)
            return ForumAnswer("talk report form", report_form_for=cid)
        if command.action == "suggest":
            return _answer("talk suggest", await talk.suggest_report(cid, user, key, tr))
        if command.action == "handover":
            return _answer("talk handover", await talk.propose_handover(cid, user, command.person, key, tr))
        if command.action in ("agree", "decline"):
            return _answer(f"talk {command.action}", await talk.answer_handover(cid, user, command.action == "agree",
                                                                                   tr))
        if command.action == "someone_else":
            return _answer("talk someone else", await talk.someone_else(cid, user, command.person, tr))
        return _answer("talk end", await talk.end(cid, user, tr))


def _answer(what: str, outcome: Outcome) -> ForumAnswer:
    return ForumAnswer(f"{what}: {'ok' if outcome.ok else 'refused'}", outcome.message)

