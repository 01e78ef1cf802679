"""What channels and facilitators are told about on-duty shifts and calls, on every platform. Never any report
content. People and times are message parts each platform renders its own way (a Slack mention or a forum
username; a time in each reader's zone).

Announcements are written in `duty.language` (else the community's); a facilitator's own messages in their
language. Each function takes the reader's Translator (`tr`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty.roster import duty_timezone
from cocbot.bot.i18n import N_, Translator, english, translator
from cocbot.bot.i18n.formatting import moment, number
from cocbot.bot.messages import Channel, Heading, Link, LocalTime, Message, Note, People, Person, Text

BYPASS = N_("If your concern involves the facilitator, use /report — it goes to the committee and you can "
            "exclude anyone.")


def announcements(config: CommunityConfig) -> Translator:
    """The language channel announcements are written in."""
    return translator(config.duty.language or config.community.language)


def local_time(at: datetime, config: CommunityConfig, tr: Translator = english()) -> str:
    """A readable time in the community's zone, for messages that cannot carry per-reader times."""
    return moment(at, tr, ZoneInfo(duty_timezone(config)))


def _how_to_reach(config: CommunityConfig, platform: str, tr: Translator) -> list:
    """How a member reaches the committee, the one thing the platforms say differently: a slash command in
    Slack, a private message to the bot (which answers with the private form) on the forum."""
    if platform == "discourse":
        reach = tr.gettext("To talk to them privately, send them a private message. To report a concern to the "
                           "Code of Conduct committee, send me a private message and I will send you a private "
                           "report form: you can exclude anyone, including the facilitator.")
        bypass = tr.gettext("If your concern involves the facilitator, send me a private message for the report "
                            "form — it goes to the committee and you can exclude anyone.")
    else:
        reach = tr.gettext("To talk to them privately, send them a direct message. To report a concern to the Code "
                           "of Conduct committee, use /report: it is private, and you can exclude anyone, including "
                           "the facilitator.")
        bypass = tr.gettext(BYPASS)
    blocks: list = [Text(reach)]
    if config.community.code_of_conduct_url:
        blocks.append(Link(tr.gettext("Code of Conduct"), config.community.code_of_conduct_url))
    blocks.append(Note(bypass))
    return blocks


def shift_announcement(facilitator: str, end: datetime, config: CommunityConfig, platform: str = "slack",
                       tr: Translator | None = None, *, also: tuple[str, ...] = ()) -> Message:
    tr = tr or announcements(config)
    return Message(
        summary=tr.gettext("A Code of Conduct facilitator is on duty here until %(time)s")
        % {"time": local_time(end, config, tr)},
        blocks=(
            Heading(tr.gettext("Code of Conduct facilitator on duty")),
            Person(tr.gettext("On duty"), facilitator),
            *also_on_duty(also, tr),
            LocalTime(tr.gettext("Until"), end),
            Text(tr.gettext("They are here for questions about the Code of Conduct and can help you report a "
                            "concern.")),
            *_how_to_reach(config, platform, tr),
        ),
        locale=tr.locale,
    )


def call_announcement(call_name: str, facilitator: str | None, end: datetime, config: CommunityConfig,
                      platform: str = "slack", tr: Translator | None = None) -> Message:
    tr = tr or announcements(config)
    if facilitator:
        who: list = [Person(tr.gettext("Code of Conduct facilitator for %(call)s") % {"call": call_name}, facilitator),
                     LocalTime(tr.gettext("Until"), end)]
    elif platform == "discourse":
        who = [Text(tr.gettext("%(call)s has no named facilitator today; the Code of Conduct committee is reachable "
                               "by private message to me throughout.") % {"call": call_name})]
    else:
        who = [Text(tr.gettext("%(call)s has no named facilitator today; the Code of Conduct committee is reachable "
                               "through /report throughout.") % {"call": call_name})]
    return Message(
        summary=tr.gettext("%(call)s is starting: the Code of Conduct applies here too") % {"call": call_name},
        blocks=(
            Heading((tr.gettext("%(call)s is starting") % {"call": call_name})[:150]),
            Text(tr.gettext("The Code of Conduct of %(community)s applies in the call and here.")
                 % {"community": config.community.name}),
            *who,
            *_how_to_reach(config, platform, tr),
        ),
        locale=tr.locale,
    )


def handover_announcement(old: str, new: str, config: CommunityConfig, platform: str = "slack",
                          tr: Translator | None = None) -> Message:
    tr = tr or announcements(config)
    blocks: list = [Heading(tr.gettext("Code of Conduct facilitator handover"))]
    if old:
        blocks.append(Person(tr.gettext("Handing over"), old))
    blocks.append(Person(tr.gettext("Now on duty here"), new))
    return Message(summary=tr.gettext("A new Code of Conduct facilitator is on duty here"),
                   blocks=(*blocks, *_how_to_reach(config, platform, tr)), locale=tr.locale)


def _where(channels: frozenset[str], tr: Translator) -> list:
    return [Channel(tr.gettext("Channel"), c) for c in sorted(channels)] or [Text(tr.gettext("All channels"))]


def shift_reminder(channels: frozenset[str], start: datetime, end: datetime, config: CommunityConfig,
                   tr: Translator = english()) -> Message:
    times = {"start": local_time(start, config, tr), "end": local_time(end, config, tr)}
    return Message(
        summary=tr.gettext("Your on-duty shift starts at %(start)s") % times,
        blocks=(
            Heading(tr.gettext("Your on-duty shift starts soon")),
            Text(tr.gettext("From %(start)s until %(end)s. cocbot will announce you in the channel when it starts.")
                 % times),
            *_where(channels, tr),
            Text(tr.gettext("If something comes up, help the person report it with /report; anything about you goes "
                            "straight to the committee. To hand over, use /onduty handover @someone; to stop early, "
                            "/onduty off.")),
            *shift_checklist(config, channels=tuple(sorted(channels)), tr=tr),
        ),
        locale=tr.locale,
    )


def call_reminder(call_name: str, channel: str, start: datetime, config: CommunityConfig,
                  tr: Translator = english()) -> Message:
    values = {"call": call_name, "start": local_time(start, config, tr)}
    blocks: list = [
        Heading((tr.gettext("You facilitate %(call)s soon") % values)[:150]),
        Text(tr.gettext("It starts at %(start)s. cocbot will announce you in the call's channel when it starts.")
             % values),
        Channel(tr.gettext("Channel"), channel),
        Text(tr.gettext("If you cannot make it, hand over with /onduty handover @someone in that channel once the "
                        "call has started, or ask the committee to assign someone else.")),
        *shift_checklist(config, channels=(channel,), calls=(call_name,), tr=tr),
    ]
    return Message(summary=tr.gettext("You facilitate %(call)s at %(start)s") % values, blocks=tuple(blocks),
                   locale=tr.locale)


def assigned(by: str, channels: frozenset[str], start: datetime, end: datetime, handover: bool, now: datetime,
             config: CommunityConfig, tr: Translator = english()) -> Message:
    times = {"start": local_time(start, config, tr), "end": local_time(end, config, tr)}
    if handover or start <= now:
        head = tr.gettext("You are on duty now")
        summary = tr.gettext("You are on duty now as Code of Conduct facilitator")
        when = tr.gettext("Until %(end)s.") % times
    else:
        head = tr.gettext("You have been scheduled to be on duty")
        summary = tr.gettext("You have been scheduled to be on duty as Code of Conduct facilitator")
        minutes = config.duty.reminder_minutes
        when = tr.ngettext("From %(start)s until %(end)s. You will get a reminder %(minutes)s minute before.",
                           "From %(start)s until %(end)s. You will get a reminder %(minutes)s minutes before.",
                           int(minutes) if minutes == int(minutes) else 2) % {**times,
                                                                                "minutes": number(minutes, tr)}
    return Message(
        summary=summary,
        blocks=(
            Heading(head),
            People(tr.gettext("Arranged by"), (by,)),
            Text(when),
            *_where(channels, tr),
            Text(tr.gettext("If you cannot do it, hand over with /onduty handover @someone in the channel, or cancel "
                            "it with /onduty list and /onduty cancel.")),
        ),
        locale=tr.locale,
    )


def shift_checklist(config: CommunityConfig, *, channels: tuple[str, ...] = (), calls: tuple[str, ...] = (),
                    tr: Translator | None = None) -> tuple:
    """The short checklist every shift and call reminder carries, with the safety contacts for where it is."""
    from cocbot.bot.safety import texts as safety_texts

    return safety_texts.checklist(tr or english(), config, channels=channels, calls=calls)


def also_on_duty(others: tuple[str, ...], tr: Translator | None = None) -> tuple:
    """The others on duty in the same place at once (facilitators in pairs)."""
    label = (tr or english()).gettext("Also on duty here")
    return tuple(Person(label, other) for other in others)
