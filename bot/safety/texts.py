"""What cocbot says about immediate danger: the community's emergency contacts, the page sent to the people
on duty and on the committee, and what follows an acknowledgement. Pages carry the report's reference and
where it happened (a channel id), never its content: facilitators are paged too, and they are not readers."""

from __future__ import annotations

from datetime import datetime

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.config.safety import SafetyResource
from cocbot.bot.i18n import Translator
from cocbot.bot.messages import Block, Button, Buttons, Channel, Facts, Heading, LocalTime, Message, Note, Text

ACK_ACTION = "safety_ack"


def resource_lines(tr: Translator, resources: tuple[SafetyResource, ...]) -> list[str]:
    """One line per contact, "name: how to reach", for forms and plain text."""
    return [tr.gettext("%(name)s: %(reach)s") % {"name": r.name, "reach": r.reach} for r in resources]


def resources_heading(tr: Translator) -> str:
    return tr.gettext("If someone is in immediate danger, get help now:")


def reporter_paged(tr: Translator) -> str:
    return tr.gettext("Because you said someone may be in immediate danger, the facilitators on duty and the "
                      "committee are being paged now, and paged again until one of them answers.")


def resource_blocks(tr: Translator, resources: tuple[SafetyResource, ...]) -> tuple[Block, ...]:
    """The contacts as message blocks (cocbot's own words and the operator's config, never a member's text)."""
    if not resources:
        return ()
    return (Text(resources_heading(tr), bold=True), Facts(tuple((r.name, r.reach) for r in resources)))


def page(tr: Translator, *, ref: str, channel: str | None, deadline: datetime, round_: int, facilitator: bool,
         config: CommunityConfig, resources: tuple[SafetyResource, ...]) -> Message:
    head = (tr.gettext("Someone may be in immediate danger: report %(ref)s") % {"ref": ref} if round_ == 0 else
            tr.gettext("Still nobody on it: report %(ref)s says someone may be in immediate danger") % {"ref": ref})
    blocks: list[Block] = [Heading(head[:150])]
    if channel:
        blocks.append(Channel(tr.gettext("Where"), channel))
    blocks.append(LocalTime(tr.gettext("Answer by"), deadline))
    if facilitator:
        blocks.append(Text(tr.gettext(
            "You are paged because you are on duty there. Check on the people involved now, and call the "
            "contacts below if anyone is at risk. The report itself goes to the Code of Conduct committee.")))
    else:
        blocks.append(Text(tr.gettext(
            "You are paged because you are on the Code of Conduct committee. Read the report in the committee's "
            "space, make sure someone checks on the people involved now, and call the contacts below if anyone "
            "is at risk.")))
    blocks += resource_blocks(tr, resources)
    blocks.append(Buttons((Button(ACK_ACTION, tr.gettext("I'm on it"), ref, style="danger"),)))
    blocks.append(Note(tr.gettext(
        "Everyone paged is paged again every %(minutes)s minutes until one of you presses “I'm on it”.")
        % {"minutes": f"{config.safety.page_every_minutes:g}"}))
    return Message(summary=head[:150], blocks=tuple(blocks))


def acknowledged_to_pager(tr: Translator, ref: str) -> str:
    return tr.gettext("Thank you. The others paged about %(ref)s are told you are on it, and the pages stop.") % {
        "ref": ref}


def reply_on_it(tr: Translator) -> str:
    return tr.gettext("Reply “on it” to stop the pages and tell the others you are responding.")


def already_acknowledged(tr: Translator, ref: str) -> str:
    return tr.gettext("Someone is already on %(ref)s; the pages have stopped.") % {"ref": ref}


def not_paged(tr: Translator) -> str:
    return tr.gettext("Only the people paged about this report can answer this page. Nothing was changed.")


def someone_on_it(tr: Translator, ref: str, by: str) -> Message:
    from cocbot.bot.messages import Person

    head = tr.gettext("Someone is on it: report %(ref)s") % {"ref": ref}
    return Message(summary=head, blocks=(
        Heading(head), Person(tr.gettext("Answered by"), by),
        Text(tr.gettext("The pages about this report have stopped."))))


def help_is_coming(tr: Translator, ref: str) -> Message:
    """To the reporter: content-free, and never who answered (they may have asked for anonymity both ways)."""
    text = tr.gettext("Someone from the Code of Conduct team is responding to your report %(ref)s now.") % {"ref": ref}
    return Message(summary=text, blocks=(Text(text),))


def deadline_passed(tr: Translator, ref: str) -> Message:
    head = tr.gettext("Nobody has answered the danger page for report %(ref)s in time") % {"ref": ref}
    return Message(summary=head[:150], blocks=(
        Heading(head[:150]),
        Text(tr.gettext("You are the escalation contact. Please make sure someone responds now; the pages go on "
                        "until someone presses “I'm on it”.")),
        Buttons((Button(ACK_ACTION, tr.gettext("I'm on it"), ref, style="danger"),))))


def checklist(tr: Translator, config: CommunityConfig, *, channels: tuple[str, ...] = (),
              calls: tuple[str, ...] = ()) -> tuple[Block, ...]:
    """The short checklist every shift reminder carries: how to reach the committee, the safety contacts for
    where the shift is, and how to take a verbal report."""
    blocks: list[Block] = [
        Text(tr.gettext("Checklist for your shift:"), bold=True),
        Text(tr.gettext("• To reach the committee: /report. If someone may be in immediate danger, answer yes to "
                        "that question: everyone on duty there and the committee are paged at once.")),
        Text(tr.gettext("• If someone tells you about an incident in person or on a call: listen, ask whether they "
                        "want it reported, write down what they said in their own words, and file it for them "
                        "with /report (“Filing this for someone else?”). They are asked to confirm it.")),
    ]
    blocks += resource_blocks(tr, resources_for(config, channels=channels, calls=calls))
    return tuple(blocks)


def resources_for(config: CommunityConfig, *, channels: tuple[str, ...] = (),
                  calls: tuple[str, ...] = ()) -> tuple[SafetyResource, ...]:
    """The contacts for everywhere plus those for any of these channels or calls, each once, in config order."""
    wanted = {r.name for c in (channels or (None,)) for r in config.safety.resources_for(channel=c, calls=calls)}
    return tuple(r for r in config.safety.resources if r.name in wanted)
