"""What Discourse members are told in private messages (the report itself uses bot/texts.py), in the
member's language (`tr`: their forum profile's, else the community's)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty.roster import Occurrence, duty_timezone
from cocbot.bot.i18n import Translator, english
from cocbot.bot.i18n.formatting import moment, number
from cocbot.bot.messages import Heading, Link, LocalTime, Message, Note, Text
from cocbot.handlers.discourse.render import forum_name


def form_link(config: CommunityConfig, url: str, minutes: float, tr: Translator = english(), *,
              conversation: bool = False) -> Message:
    """`conversation`: sent in a talk-first conversation's PM, where another message would be relayed."""
    count = int(minutes) if minutes == int(minutes) else 2
    if conversation:
        # Translators: keep “make this a report” in English: it is what cocbot understands.
        expiry = tr.ngettext("The link is only for you, works once and expires in %(minutes)s minute. If it has "
                             "expired, reply “make this a report” here for a fresh one; the form opens filled in "
                             "with what you wrote.",
                             "The link is only for you, works once and expires in %(minutes)s minutes. If it has "
                             "expired, reply “make this a report” here for a fresh one; the form opens filled in "
                             "with what you wrote.", count)
    else:
        expiry = tr.ngettext("The link is only for you, works once and expires in %(minutes)s minute. If it has "
                             "expired, send me another message and I will send a fresh one.",
                             "The link is only for you, works once and expires in %(minutes)s minutes. If it has "
                             "expired, send me another message and I will send a fresh one.", count)
    return Message(
        summary=tr.gettext("Your private link to report a Code of Conduct concern"),
        blocks=(
            Heading(tr.gettext("Report a Code of Conduct concern")),
            Text(tr.gettext("This link opens a private form. What you write there goes only to the Code of Conduct "
                            "committee of %(community)s — never to the people you name or anyone you exclude. It is "
                            "not posted on the forum.") % {"community": config.community.name}),
            Link(tr.gettext("Open the private report form"), url),
            Note(expiry % {"minutes": number(minutes, tr)}),
        ),
        locale=tr.locale,
    )


def information_added(ref: str, tr: Translator = english()) -> Message:
    return Message(summary=tr.gettext("Added to %(ref)s") % {"ref": ref},
                   blocks=(Text(tr.gettext("Thank you. This was added to report %(ref)s; cocbot is passing it to "
                                           "the committee.") % {"ref": ref}),),
                   locale=tr.locale)


def information_refused(reason: str, tr: Translator = english()) -> Message:
    """`reason`: cocbot's own English words, translated here when the catalog has them."""
    return Message(summary=tr.gettext("Not added"), blocks=(Text(tr.gettext(reason) if reason else reason),),
                   locale=tr.locale)


def _who(entry: Any, names: dict[str, str], tr: Translator) -> str:
    person = entry.facilitator
    name = names.get(person) if person else None
    if isinstance(entry, Occurrence):
        if not person:
            return tr.gettext("nobody named for %(call)s") % {"call": entry.call_name}
        if name:
            return tr.gettext("%(name)s (forum username), for %(call)s") % {"name": name, "call": entry.call_name}
        return tr.gettext("a facilitator who is reachable on Slack, for %(call)s") % {"call": entry.call_name}
    if name:
        return tr.gettext("%(name)s (forum username)") % {"name": name}
    return tr.gettext("a facilitator who is reachable on Slack")


def on_duty(status: Any, names: dict[str, str], config: CommunityConfig, tr: Translator = english()) -> Message:
    """Who is on duty, for a member who asked with `onduty`. Facilitators are named by forum username when
    the identity map knows it; a Slack id is never shown on the forum."""
    blocks: list = [Heading(tr.gettext("Code of Conduct facilitators on duty"))]
    if status.now:
        for entry in status.now:
            blocks.append(Text(tr.gettext("On duty now: %(who)s.") % {"who": _who(entry, names, tr)}))
            blocks.append(LocalTime(tr.gettext("Until"), entry.end))
    else:
        blocks.append(Text(tr.gettext("Nobody is on duty right now.")))
    if status.next is not None:
        blocks.append(Text(tr.gettext("Next: %(who)s.") % {"who": _who(status.next, names, tr)}))
        blocks.append(LocalTime(tr.gettext("From"), status.next.start))
        blocks.append(LocalTime(tr.gettext("Until"), status.next.end))
    blocks.append(Text(tr.gettext("To report a concern privately to the Code of Conduct committee, send me a private "
                                  "message and I will send you a private report form. You can exclude anyone, "
                                  "including the facilitator.")))
    blocks += safety_blocks(status, config, tr)
    if config.community.code_of_conduct_url:
        blocks.append(Link(tr.gettext("Code of Conduct"), config.community.code_of_conduct_url))
    return Message(summary=tr.gettext("Who is on duty for the Code of Conduct"), blocks=tuple(blocks),
                   locale=tr.locale)


_PLACEHOLDER = re.compile(r"\{([uct]):([^{}]+)\}")


def duty_reply(text: str, config: CommunityConfig, tr: Translator = english()) -> str:
    """A duty reply's `{u:…}`/`{c:…}`/`{t:…}` as plain words for a private message (escaped when rendered)."""
    zone = ZoneInfo(duty_timezone(config))

    def sub(m: re.Match[str]) -> str:
        kind, value = m.group(1), m.group(2)
        if kind == "u":
            return forum_name(value, config) or tr.gettext("a facilitator on Slack")
        if kind == "c":
            return tr.gettext("forum category %(category)s") % {"category": value.rsplit(":", 1)[-1]} \
                if value.startswith("discourse:category:") else tr.gettext("a Slack channel")
        try:
            return moment(datetime.fromisoformat(value), tr, zone)
        except ValueError:
            return value

    return _PLACEHOLDER.sub(sub, text)


def safety_blocks(status: Any, config: CommunityConfig, tr: Translator | None = None) -> list:
    """The emergency contacts for the calls under way, under the answer to `onduty`."""
    from cocbot.bot.safety import texts as safety_texts

    calls = tuple(e.call_name for e in status.now if isinstance(e, Occurrence))
    return list(safety_texts.resource_blocks(tr or english(), safety_texts.resources_for(config, calls=calls)))
