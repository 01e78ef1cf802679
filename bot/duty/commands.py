"""The `/onduty` grammar, read once for every platform: `/onduty [take [2h] | off | handover @someone |
schedule @someone #channel <start> <end> | list | cancel <n> | help]` in Slack, `onduty take 2h` in a private
message on the forum.

Pure parsing into a neutral DutyCommand. Each edge says how it writes a person or a channel (Slack's
`<@U…>` and `<#C…>`) through a `reference` reader; everything else — sub-commands, durations, shift
numbers and the specific message for what is missing — is decided here, so both platforms answer alike.
Whether the actor may manage shifts, and the checks that need the platform (is cocbot in that channel?),
stay with the service and the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from collections.abc import Callable

from cocbot.bot.duty.times import DutyInputError, shift_duration
from cocbot.bot.i18n import N_

STATUS = ("status", "who", "now")
MANAGE = ("take", "off", "handover", "schedule", "list", "cancel")

# How an edge reads one token: ("user", id) or ("channel", id) for a person or channel written its way, None
# for a plain word; DutyInputError with a specific message for a name it could not resolve.
Reference = Callable[[str], "tuple[str, str] | None"]


@dataclass(frozen=True)
class DutyCommand:
    action: str  # status | help | unknown | take | off | handover | schedule | list | cancel
    typed: str = ""  # the sub-command as typed, for "I don't know …"
    users: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    all_channels: bool = False
    words: tuple[str, ...] = ()  # what is left: schedule's start and end
    duration: timedelta | None = None  # take: None means the configured default
    shift: int | None = None  # cancel: the shift's number
    problem: str | None = None  # the first thing wrong with what was typed, in words for the person


def _plain(token: str) -> tuple[str, str] | None:
    return None


def parse(text: str, reference: Reference = _plain) -> DutyCommand:
    # Replies quote what was typed; braces would read as the domain's {u:…}/{c:…}/{t:…} placeholders.
    tokens = text.replace("{", "(").replace("}", ")").split()
    if not tokens:
        return DutyCommand("status")
    typed = tokens[0].lower()
    action = typed if typed in MANAGE or typed == "help" else "status" if typed in STATUS else "unknown"
    if action not in MANAGE:
        return DutyCommand(action, typed)
    users: list[str] = []
    channels: list[str] = []
    words: list[str] = []
    all_channels = False
    problems: list[str] = []
    for tok in tokens[1:]:
        try:
            ref = reference(tok)
        except DutyInputError as exc:
            problems.append(exc.phrase)
            continue
        if ref is not None:
            (users if ref[0] == "user" else channels).append(ref[1])
        elif tok.lower() in ("all", "everywhere"):
            all_channels = True
        else:
            words.append(tok)
    duration: timedelta | None = None
    shift: int | None = None
    if action == "take" and words:
        try:
            duration = shift_duration(" ".join(words))
        except DutyInputError as exc:
            problems.append(_one_duration(words[0]) if len(words) > 1 else exc.phrase)
    elif action == "handover" and len(users) != 1:
        problems.append(N_("Name one person to hand over to: /onduty handover @someone"))
    elif action == "schedule" and len(users) != 1:
        problems.append(N_("Name one facilitator: /onduty schedule @someone #channel 2026-03-05 14:00 16:00"))
    elif action == "schedule" and not channels and not all_channels:
        # Translators: keep `all` in English: it is what cocbot understands.
        problems.append(N_("Name the channel(s) the shift covers, or `all`: /onduty schedule @someone #channel "
                           "2026-03-05 14:00 16:00"))
    elif action == "cancel":
        number = words[0].lstrip("#") if len(words) == 1 else ""
        if number.isdigit():
            shift = int(number)
        else:
            problems.append(N_("Say which shift: /onduty cancel 12 (numbers are in /onduty list)."))
    if action in ("take", "schedule") and all_channels and channels:
        # Translators: keep `all` in English: it is what cocbot understands.
        problems.append(N_("Name channels or say `all`, not both."))
    return DutyCommand(action, typed, tuple(users), tuple(channels), all_channels, tuple(words), duration, shift,
                       problems[0] if problems else None)


def _one_duration(first: str) -> str:
    try:
        shift_duration(first)
    except DutyInputError as exc:
        return exc.phrase
    return N_("Give one duration, like /onduty take 2h.")
