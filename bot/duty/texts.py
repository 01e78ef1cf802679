"""What channels and facilitators are told about on-duty shifts and calls, on every platform. Never any report
content. People and times are message parts each platform renders its own way (a Slack mention or a forum
username; a time in each reader's zone)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty.roster import duty_timezone
from cocbot.bot.messages import Heading, Link, LocalTime, Message, Note, People, Person, Text

BYPASS = ("If your concern involves the facilitator, use /report — it goes to the committee and you can "
          "exclude anyone.")


def local_time(at: datetime, config: CommunityConfig) -> str:
    """A readable time in the community's zone, for messages that cannot carry per-reader times."""
    tz = ZoneInfo(duty_timezone(config))
    local = at.astimezone(tz)
    return f"{local:%a %d %b %H:%M} {local.tzname()}"


# How a member reaches the committee, the one thing the platforms say differently: a slash command in Slack,
# a private message to the bot (which answers with the private form) on the forum.
_REPORT = {
    "slack": ("send them a direct message", "use /report: it is private, and you can exclude anyone, including "
              "the facilitator", "through /report", "use /report"),
    "discourse": ("send them a private message", "send me a private message and I will send you a private report "
                  "form: you can exclude anyone, including the facilitator", "by private message to me",
                  "send me a private message for the report form"),
}


def _how_to_reach(config: CommunityConfig, platform: str) -> list:
    dm, report, _, bypass = _REPORT.get(platform, _REPORT["slack"])
    blocks: list = [
        Text(f"To talk to them privately, {dm}. To report a concern to the Code of Conduct committee, {report}."),
    ]
    if config.community.code_of_conduct_url:
        blocks.append(Link("Code of Conduct", config.community.code_of_conduct_url))
    blocks.append(Note(BYPASS.replace("use /report", bypass)))
    return blocks


def shift_announcement(facilitator: str, end: datetime, config: CommunityConfig, platform: str = "slack", *,
                       also: tuple[str, ...] = ()) -> Message:
    return Message(
        summary=f"A Code of Conduct facilitator is on duty here until {local_time(end, config)}",
        blocks=(
            Heading("Code of Conduct facilitator on duty"),
            Person("On duty", facilitator),
            *also_on_duty(also),
            LocalTime("Until", end),
            Text("They are here for questions about the Code of Conduct and can help you report a concern."),
            *_how_to_reach(config, platform),
        ),
    )


def call_announcement(call_name: str, facilitator: str | None, end: datetime, config: CommunityConfig,
                      platform: str = "slack") -> Message:
    if facilitator:
        who: list = [Person(f"Code of Conduct facilitator for {call_name}", facilitator), LocalTime("Until", end)]
    else:
        reach = _REPORT.get(platform, _REPORT["slack"])[2]
        who = [Text(f"{call_name} has no named facilitator today; the Code of Conduct committee is reachable "
                    f"{reach} throughout.")]
    return Message(
        summary=f"{call_name} is starting: the Code of Conduct applies here too",
        blocks=(
            Heading(f"{call_name} is starting"[:150]),
            Text(f"The Code of Conduct of {config.community.name} applies in the call and here."),
            *who,
            *_how_to_reach(config, platform),
        ),
    )


def handover_announcement(old: str, new: str, config: CommunityConfig, platform: str = "slack") -> Message:
    blocks: list = [Heading("Code of Conduct facilitator handover")]
    if old:
        blocks.append(Person("Handing over", old))
    blocks.append(Person("Now on duty here", new))
    return Message(summary="A new Code of Conduct facilitator is on duty here",
                   blocks=(*blocks, *_how_to_reach(config, platform)))


def shift_reminder(channels: frozenset[str], start: datetime, end: datetime, config: CommunityConfig) -> Message:
    from cocbot.bot.messages import Channel

    where: list = [Channel("Channel", c) for c in sorted(channels)] or [Text("All channels")]
    return Message(
        summary=f"Your on-duty shift starts at {local_time(start, config)}",
        blocks=(
            Heading("Your on-duty shift starts soon"),
            Text(f"From {local_time(start, config)} until {local_time(end, config)}. cocbot will announce you in "
                 "the channel when it starts."),
            *where,
            Text("If something comes up, help the person report it with /report; anything about you goes "
                 "straight to the committee. To hand over, use /onduty handover @someone; to stop early, "
                 "/onduty off."),
            *shift_checklist(config, channels=tuple(sorted(channels))),
        ),
    )


def call_reminder(call_name: str, channel: str, start: datetime, config: CommunityConfig) -> Message:
    from cocbot.bot.messages import Channel

    blocks: list = [
        Heading(f"You facilitate {call_name} soon"[:150]),
        Text(f"It starts at {local_time(start, config)}. cocbot will announce you in the call's channel "
             "when it starts."),
        Channel("Channel", channel),
        Text("If you cannot make it, hand over with /onduty handover @someone in that channel once the call "
             "has started, or ask the committee to assign someone else."),
        *shift_checklist(config, channels=(channel,), calls=(call_name,)),
    ]
    return Message(summary=f"You facilitate {call_name} at {local_time(start, config)}", blocks=tuple(blocks))


def assigned(by: str, channels: frozenset[str], start: datetime, end: datetime, handover: bool, now: datetime,
             config: CommunityConfig) -> Message:
    from cocbot.bot.messages import Channel

    where: list = [Channel("Channel", c) for c in sorted(channels)] or [Text("All channels")]
    if handover or start <= now:
        head, when = "You are on duty now", f"Until {local_time(end, config)}."
    else:
        head, when = "You have been scheduled to be on duty", (
            f"From {local_time(start, config)} until {local_time(end, config)}. You will get a reminder "
            f"{config.duty.reminder_minutes:g} minutes before.")
    return Message(
        summary=f"{head} as Code of Conduct facilitator",
        blocks=(
            Heading(head),
            People("Arranged by", (by,)),
            Text(when),
            *where,
            Text("If you cannot do it, hand over with /onduty handover @someone in the channel, or cancel it "
                 "with /onduty list and /onduty cancel."),
        ),
    )


def shift_checklist(config: CommunityConfig, *, channels: tuple[str, ...] = (), calls: tuple[str, ...] = ()) -> tuple:
    """The short checklist every shift and call reminder carries, with the safety contacts for where it is."""
    from cocbot.bot.i18n import english
    from cocbot.bot.safety import texts as safety_texts

    return safety_texts.checklist(english(), config, channels=channels, calls=calls)


def also_on_duty(others: tuple[str, ...]) -> tuple:
    """The others on duty in the same place at once (facilitators in pairs)."""
    from cocbot.bot.i18n import english

    label = english().gettext("Also on duty here")
    return tuple(Person(label, other) for other in others)
