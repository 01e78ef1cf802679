"""Commands typed in a private message on the forum: triage words in a report's committee PM, and
`onduty take 2h` / `onduty off` to the bot. Each is the same service call as Slack's button or /onduty.

Answers are cocbot's own words (`Answer.text`), never report content; a duty answer keeps the service's
{u:…}/{c:…}/{t:…} placeholders (`Answer.duty`), which the edge renders for the forum when it sends it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cocbot.bot.i18n import N_, Translator, translator
from cocbot.bot.i18n.phrases import said
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.config.discourse import DiscourseConfig
from cocbot.bot.discourse.incoming import IncomingPost, duty_words
from cocbot.bot.duty import commands as duty_commands
from cocbot.bot.duty.service import DutyService
from cocbot.bot.earlier.service import EarlierService
from cocbot.bot.earlier.texts import FORUM_COMMAND
from cocbot.bot.reports.privacy import allowed_readers
from cocbot.bot.triage.commands import HELP, Command, parse
from cocbot.bot.triage.rules import DecisionDraft
from cocbot.bot.triage.results import Result
from cocbot.bot.triage.service import TriageService
from cocbot.bot.triage.texts import history_text
from cocbot.storage.reports import ReportRecord

# Translators: keep “onduty”, “onduty take 2h” and “onduty off” in English: they are what cocbot understands.
DUTY_HELP = N_("In a private message to me: “onduty” (who is on duty), “onduty take 2h” (start a shift "
             "covering every channel and category) or “onduty off” (end yours). Scheduling ahead, "
               "handovers and community calls are managed with /onduty in Slack or `cocbot calls`.")
DUTY_UNLINKED = N_("Your forum account is not linked to a Slack account in discourse.identities, so cocbot "
                   "cannot tell whether you are a facilitator. Nothing was changed.")


# A post's raw text may hold 32,000 characters (Discourse's default max_post_length); rendering escapes
# some characters, so a long answer is cut well before that.
ANSWER_CHUNK = 16000


def chunks(text: str, size: int) -> list[str]:
    """`text` in pieces of at most `size` characters, cut between lines (a line longer than that is cut)."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > size:
            if current:
                out.append(current)
                current = ""
            out.append(line[:size])
            line = line[size:]
        if current and len(current) + 1 + len(line) > size:
            out.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current or not out:
        out.append(current)
    return out


@dataclass(frozen=True)
class Answer:
    outcome: str  # for the webhook's answer and the log; never content
    text: str | None = None  # the reply in the PM, if any
    duty: bool = False  # text holds a duty reply's placeholders
    # text is already in its reader's language (the committee's, in a committee PM); else an English source
    # text, translated for the member when it is sent.
    translated: bool = False
    # The text is about the case (its trail): posted in the case's space only after the privacy gate has
    # checked who is in it, like any post about the case.
    report_id: int | None = None


@dataclass
class ForumCommands:
    config: CommunityConfig
    triage: TriageService
    duty: DutyService
    # "earlier R-0012" in a case's PM: an earlier case listed there, sent to that member alone.
    earlier: EarlierService | None = None

    @property
    def settings(self) -> DiscourseConfig:
        assert self.config.discourse is not None
        return self.config.discourse

    def actor(self, username: str) -> str | None:
        """Who a forum member is to the domain: their Slack id when the committee works in Slack (through
        the identity map; None if unlinked), their forum username in a Discourse-only community."""
        if not self.config.uses_slack:
            return username
        return next((slack for slack, forum in self.settings.identities.items() if forum == username), None)

    async def committee(self, post: IncomingPost, report: ReportRecord, channel: str) -> Answer:
        """Answered in the committee's language: the whole committee reads its PM."""
        tr = translator(self.config.community.language)
        earlier = re.match(FORUM_COMMAND, post.raw.strip(), re.IGNORECASE)
        if earlier is not None and self.earlier is not None:
            result = await self.earlier.send_view(report.ref, earlier.group(1).upper(), post.username)
            return Answer(f"earlier view: {'ok' if result.ok else 'refused'}", result.text(tr), translated=True)
        command = parse(post.raw)
        if command.action == "unknown":
            return Answer("committee discussion")  # ordinary conversation in the committee's PM
        if command.action == "help":
            return Answer("help", tr.gettext(HELP), translated=True)
        # The same authorization as a click: a reader of this space, then the triage service's own rules,
        # which know committee members by their Slack ids (the identity map links the two) or, for a
        # community on Discourse only, by their forum usernames.
        actor = self.actor(post.username)
        if post.username not in allowed_readers(report, self.config) or actor is None:
            refused = (N_("Only committee members handling this report can do that, and their forum account must be "
                          "linked to their Slack account in discourse.identities. Nothing was changed.")
                       if self.config.uses_slack else
                       N_("Only committee members handling this report can do that. Nothing was changed."))
            return Answer("refused", tr.gettext(refused), translated=True)
        if command.problem:
            return Answer("refused", said(tr, command.problem, command.problem_args), translated=True)
        if command.action == "history":
            return await self._history(report, actor, channel, tr)
        result = await self._run(command, report.ref, actor, channel, f"discourse:post:{post.id}")
        text = result.text(tr) or (tr.gettext("Done.") if result.ok else tr.gettext("Nothing was changed."))
        if result.errors:  # the same field messages the Slack modals show, one per line
            problems = [result.error(name, tr) for name in result.errors]
            if "category" in result.errors:
                problems.append(tr.gettext("The categories: %(categories)s.") % {
                    "categories": "; ".join(self.config.triage.categories)})
            text += "\n" + "\n".join(f"- {problem}" for problem in problems)
        return Answer(f"triage {command.action}: {'ok' if result.ok else 'refused'}", text, translated=True)

    async def _history(self, report: ReportRecord, actor: str, channel: str, tr: Translator) -> Answer:
        """The whole trail at once, recorded as one opening of History (long ones are split into posts)."""
        trail = await self.triage.history(report.ref, actor, channel)
        if isinstance(trail, Result):
            return Answer("history: refused", trail.text(tr), translated=True)
        return Answer("history: ok", history_text(report.ref, trail, lambda person: self._name(person, tr), tr),
                      translated=True, report_id=report.id)

    def _name(self, person: str, tr: Translator) -> str:
        if not self.config.uses_slack:
            return person
        # A Slack id is never shown on the forum: the linked forum username, else neutral words.
        return self.settings.forum_name(person) or tr.gettext("a committee member on Slack")

    async def _run(self, command: Command, ref: str, actor: str, channel: str, key: str) -> Result:
        t = self.triage
        by_channel = {"acknowledge": t.acknowledge, "assign": t.assign, "recuse": t.recuse, "close": t.close,
                      "reopen": t.reopen}
        if command.action in by_channel:
            return await by_channel[command.action](ref, actor, channel)
        if command.action == "note":
            return await t.add_note(ref, actor, command.text, key)
        if command.action == "ask":
            return await t.ask(ref, actor, command.text, key)
        if command.action == "assess":
            values: dict[str, str | None] = {**command.values}
            values["category"] = self._category(command.values.get("category", ""))
            return await t.assess(ref, actor, values, key)
        assert command.outcome is not None  # parse names a problem when the outcome is missing
        return await t.decide(ref, actor, DecisionDraft(
            command.outcome, command.text, ban_subjects=command.ban_subjects, ban_scope=command.ban_scope,
            ban_until=command.ban_until, ban_channels=command.ban_channels, ban_workspace=command.ban_workspace,
            ban_categories=command.ban_categories, ban_forum=command.ban_forum), key)

    def _category(self, typed: str) -> str:
        """The configured category the member meant: exact, or the only one starting with what they typed
        (case and spacing ignored)."""
        wanted = " ".join(typed.lower().split())
        categories = self.config.triage.categories
        exact = [c for c in categories if c.lower() == wanted]
        starting = [c for c in categories if wanted and c.lower().startswith(wanted)]
        return (exact or (starting if len(starting) == 1 else [typed]))[0]

    async def duty_command(self, post: IncomingPost) -> Answer | None:
        """`onduty`, `onduty take [2h]`, `onduty off` in a private message to the bot: what facilitators do
        with /onduty in Slack, for shifts covering every channel and category. None for `onduty` alone
        (who is on duty), which is answered like a mention in a topic."""
        command = duty_commands.parse(" ".join(duty_words(post.raw) or []))
        sub = command.action
        if sub == "status":
            return None
        if sub not in ("take", "off"):
            return Answer("onduty help", DUTY_HELP)
        actor = self.actor(post.username)
        if actor is None:
            return Answer(f"onduty {sub}: refused", DUTY_UNLINKED)
        if command.problem:
            return Answer(f"onduty {sub}: refused", command.problem)  # an English source text, sent translated
        if sub == "take":
            reply = await self.duty.take(actor, frozenset(), command.duration)
        else:
            reply = await self.duty.off(actor)
        return Answer(f"onduty {sub}: {'ok' if reply.ok else 'refused'}", reply.text, duty=True)
