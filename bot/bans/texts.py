"""What bans enforcement says: alerts to the case's committee space, the neutral notice a removed person
gets, and the end of a ban. Only the reference, who, where and dates: never what was reported."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cocbot.bot.bans.rules import FORUM, WORKSPACE
from cocbot.bot.i18n import N_, Translator
from cocbot.bot.i18n.phrases import part, term
from cocbot.bot.messages import Block, Channel, Facts, Heading, Message, Note, Person, Text
from cocbot.storage.bans import Places

# Why the alert: the person joined, was already there when the ban was decided, posted, or was removed.
EVENTS = ("joined", "present", "posted", "removed", "not_removed", "not_restricted")


def _place(tr: Translator, where: str) -> Block:
    if where == WORKSPACE:
        return Text(tr.gettext("Where: the whole Slack workspace (they joined it)"))
    if where == FORUM:
        return Text(tr.gettext("Where: the forum"))
    if where.startswith("category:"):
        return Text(tr.gettext("Where: forum category %(id)s") % {"id": where.removeprefix("category:")})
    return Channel(tr.gettext("Where"), where)


def places(tr: Translator, where: Places) -> tuple[Block, ...]:
    """Where a ban applies, as decided (the places cocbot enforces it in; the free-text scope is a note)."""
    blocks: list[Block] = [Channel(tr.gettext("Ban applies in"), c) for c in where.channels]
    if where.workspace:
        blocks.append(Text(tr.gettext("Ban applies in: the whole Slack workspace")))
    if where.categories:
        blocks.append(Text(tr.gettext("Ban applies in forum categories: %(ids)s")
                           % {"ids": ", ".join(str(c) for c in where.categories)}))
    if where.forum:
        blocks.append(Text(tr.gettext("Ban applies in: the whole forum")))
    return tuple(blocks)


def confirmed_places(where: Places) -> list[Any]:
    """Where a decided ban applies, as a value for the decision's confirmation (bot/i18n/phrases), translated
    where it is shown. Channels are named as such: a link is the edge's to render (Slack lists them below)."""
    items: list[Any] = [term(N_("the chosen Slack channels"))] if where.channels else []
    if where.workspace:
        items.append(term(N_("the whole Slack workspace")))
    if where.categories:
        items.append(part(N_("forum categories %(ids)s"), ids=", ".join(str(c) for c in where.categories)))
    if where.forum:
        items.append(term(N_("the whole forum")))
    return items


def _until(tr: Translator, ends_at: datetime | None) -> str:
    if ends_at is None:
        return tr.gettext("permanent")
    return ends_at.strftime("%Y-%m-%d")


def alert(tr: Translator, ref: str, person: str, where: str, event: str, ends_at: datetime | None) -> Message:
    headings = {
        "joined": tr.gettext("A person banned in %(ref)s joined a space the ban covers"),
        "present": tr.gettext("A person banned in %(ref)s is in a space the ban covers"),
        "posted": tr.gettext("A person banned in %(ref)s posted where the ban applies"),
        "removed": tr.gettext("cocbot removed a person banned in %(ref)s"),
        "not_removed": tr.gettext("cocbot could not remove a person banned in %(ref)s"),
        "not_restricted": tr.gettext("cocbot could not suspend or silence a person banned in %(ref)s on the forum"),
    }
    blocks: list[Block] = [Heading(headings.get(event, headings["present"]) % {"ref": ref}),
                           Person(tr.gettext("Who"), person), _place(tr, where),
                           Facts(((tr.gettext("Ban ends"), _until(tr, ends_at)),))]
    if event == "not_removed":
        blocks.append(Note(tr.gettext("Remove them by hand, or give cocbot the right to (channels:manage and "
                                      "groups:write, and membership of the channel).")))
    if event == "not_restricted":
        blocks.append(Note(tr.gettext("The forum refused: cocbot's API key needs to be an admin key. The ban is "
                                      "alerted on instead.")))
    return Message(summary=tr.gettext("Ban alert on %(ref)s") % {"ref": ref}, blocks=tuple(blocks),
                   carries_report_content=True)


def ended(tr: Translator, ref: str, ends_at: datetime | None, lifted: str | None, removed_on_slack: bool) -> Message:
    blocks: list[Block] = [Heading(tr.gettext("The ban recorded in %(ref)s has ended") % {"ref": ref}),
                           Facts(((tr.gettext("Ended"), _until(tr, ends_at)),))]
    if lifted == "suspend":
        blocks.append(Text(tr.gettext("cocbot lifted the forum suspension it applied.")))
    elif lifted == "silence":
        blocks.append(Text(tr.gettext("cocbot lifted the forum silence it applied.")))
    if removed_on_slack:
        blocks.append(Text(tr.gettext("Nobody is re-added to Slack channels: people cocbot removed may rejoin "
                                      "them themselves.")))
    blocks.append(Note(tr.gettext("cocbot no longer alerts or enforces anything for this ban.")))
    return Message(summary=tr.gettext("Ban ended on %(ref)s") % {"ref": ref}, blocks=tuple(blocks),
                   carries_report_content=True)


def removed_notice(tr: Translator, channel: str, ends_at: datetime | None, contact: str | None) -> Message:
    """To the person removed: neutral, no reference, no reporter, no detail of the case."""
    if ends_at is None:
        text = tr.gettext("You were removed from this channel: a Code of Conduct decision that applies to you "
                          "here has no end date.")
    else:
        text = tr.gettext("You were removed from this channel: a Code of Conduct decision applies to you here "
                          "until %(date)s.") % {"date": ends_at.strftime("%Y-%m-%d")}
    blocks: list[Block] = [Channel(tr.gettext("Channel"), channel), Text(text)]
    if contact:
        blocks.append(Person(tr.gettext("To appeal, or if you think this is a mistake, contact"), contact))
    else:
        blocks.append(Text(tr.gettext("To appeal, or if you think this is a mistake, contact the Code of Conduct "
                                      "committee's escalation contact.")))
    return Message(summary=tr.gettext("A message about a Code of Conduct decision"), blocks=tuple(blocks))


def forum_reason(tr: Translator) -> str:
    """The reason the forum shows the account holder on a suspension or silence: neutral, like the DM."""
    return tr.gettext("A Code of Conduct decision applies to this account until the date shown.")
