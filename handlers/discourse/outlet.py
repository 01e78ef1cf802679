"""The domain's `Forum` port on Discourse: cocbot's PMs rendered from the texts and sent through the
privacy gate (none of them holds report content, and the gate makes sure of it), plus the forum reads the
domain needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.discourse.incoming import IncomingPost
from cocbot.bot.discourse.threads import topic_channel
from cocbot.bot.duty.roster import Status
from cocbot.bot.i18n import Translator, translator
from cocbot.bot.i18n.phrases import said
from cocbot.bot.messages import Message, Text
from cocbot.bot.messenger import Posted
from cocbot.bot.reports.privacy import PrivacyGate
from cocbot.bot.triage.results import ReportRecord
from cocbot.handlers.discourse import texts
from cocbot.handlers.discourse.messenger import DiscourseMessenger
from cocbot.handlers.discourse.render import forum_name


@dataclass
class ForumOutlet:
    messenger: DiscourseMessenger
    gate: PrivacyGate
    config: CommunityConfig

    async def _language(self, username: object) -> Translator:
        """A member reads their forum profile's language, else the community's."""
        default = self.config.community.language
        if not username:
            return translator(default)
        return await self.gate.messengers.locales.translator_for("discourse", str(username), default)

    async def _send(self, channel: str, message: Message) -> Posted:
        return await self.gate.post_without_content(channel, message, platform="discourse")

    async def get_post(self, post_id: int) -> IncomingPost:
        return await self.messenger.get_post(post_id)

    async def username_of(self, user_id: int) -> str | None:
        return await self.messenger.username_of(user_id)

    async def flag_counts(self, post_id: int) -> dict[int, int]:
        return await self.messenger.flag_counts(post_id)

    async def send_form_link(self, username: str, url: str, topic_id: int | None, *,
                             conversation: bool = False) -> Posted:
        d = self.config.discourse
        assert d is not None
        tr = await self._language(username)
        # The form opens in the same language, with a switch to the others.
        url = f"{url}{'&' if '?' in url else '?'}lang={tr.locale}" if tr.locale != "en" else url
        message = texts.form_link(self.config, url, d.form_link_minutes, tr, conversation=conversation)
        if topic_id and await self.messenger.channel_members(topic_channel(topic_id)) != {username, d.api_username}:
            topic_id = None  # someone else was added to that PM since: the link goes to a new one
        return await self._send(topic_channel(topic_id) if topic_id else username, message)

    async def send_reply(self, channel: str, reply: Mapping[str, Any]) -> Posted:
        kind = reply.get("reply")
        tr = await self._language(reply.get("username"))
        text = str(reply.get("text", ""))
        if kind == "text":  # cocbot's own words (a triage result, help, a refusal), in English when stored
            message = Message(summary="cocbot", blocks=(Text(said(tr, text, reply.get("args"))),), locale=tr.locale)
        elif kind == "said":  # cocbot's own words, already in their reader's language
            message = Message(summary="cocbot", blocks=(Text(text),))
        elif kind == "duty":  # a duty service reply, its people, channels and times named for the forum
            text = said(tr, text, reply.get("args"))
            message = Message(summary="cocbot", blocks=(Text(texts.duty_reply(text, self.config, tr)),),
                              locale=tr.locale)
        elif kind == "added":
            message = texts.information_added(str(reply.get("ref", "")), tr)
        else:
            message = texts.information_refused(str(reply.get("reason", "")), tr)
        return await self._send(channel, message)

    async def send_in_space(self, report: ReportRecord, reply: Mapping[str, Any]) -> Posted:
        message = Message(summary="cocbot", blocks=(Text(str(reply.get("text", ""))),),
                          carries_report_content=True, locale=self.config.community.language)
        return await self.gate.post_to_space(report, message)

    async def send_on_duty(self, channel: str, status: Status, username: str | None = None) -> Posted:
        entries = [*status.now, *([status.next] if status.next is not None else [])]
        names = {e.facilitator: name for e in entries if e.facilitator
                 and (name := forum_name(e.facilitator, self.config))}
        return await self._send(channel, texts.on_duty(status, names, self.config, await self._language(username)))
