"""On-duty decisions: what taking, ending, handing over, scheduling or cancelling a shift changes.

Pure functions over plain values. Messages returned here mark people, channels and times as `{u:U123}`,
`{c:C123}` and `{t:<ISO time>}`; each platform renders them (Slack: mentions, channel links and `<!date^…>`
tokens in the reader's zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from collections.abc import Sequence

from cocbot.bot.i18n import N_
from cocbot.bot.i18n.phrases import Phrase, term
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.duty.roster import (
    Occurrence,
    Shift,
    active,
    conflicts,
    is_facilitator,
    on_duty,
)
from cocbot.bot.duty.times import DutyInputError
from cocbot.bot.duty import pairs


def check_window(start: datetime, end: datetime, now: datetime, config: CommunityConfig) -> None:
    if end <= start:
        raise DutyInputError(N_("The shift has to end after it starts."))
    if end <= now:
        raise DutyInputError(N_("That shift would already be over."))
    if start < now - timedelta(minutes=5):
        raise DutyInputError(N_("That start time has passed. To start now, use /onduty take."))
    hours = (end - start).total_seconds() / 3600
    if hours > config.duty.max_shift_hours:
        raise DutyInputError(Phrase(N_("That shift is %(hours)s hours; the longest allowed is %(limit)s hours. "
                                       "Split it into several shifts."),
                                    hours=f"{hours:g}", limit=f"{config.duty.max_shift_hours:g}"))



@dataclass(frozen=True)
class Refusal:
    message: str


@dataclass(frozen=True)
class NewShift:
    facilitator: str
    channels: frozenset[str]
    start: datetime
    end: datetime
    handover_from: int | None = None


@dataclass(frozen=True)
class Plan:
    """What to change; the service applies it in one transaction and reports `done`."""

    new_shifts: tuple[NewShift, ...] = ()
    end_shifts: tuple[tuple[int, datetime], ...] = ()
    cancel_shifts: tuple[int, ...] = ()
    assign: tuple[tuple[int, datetime, str], ...] = ()  # (call id, slot, facilitator)
    handover: tuple[str, str, str] | None = None  # (channel, from, to) for a call handed over
    done: str = ""


Decision = Plan | Refusal

# Constant replies are marked for translation; the edge shows them in the member's language.
NOT_A_FACILITATOR = N_("Only facilitators can manage on-duty shifts. If you would like to become one, ask the "
                       "Code of Conduct committee. Anyone can see who is on duty with /onduty, and report with "
                       "/report.")


def _where(channels: frozenset[str]) -> str | dict[str, str]:
    """The channels a shift covers, as a value of a Phrase."""
    return term(N_("every channel")) if not channels else ", ".join(f"{{c:{c}}}" for c in sorted(channels))


def _t(at: datetime) -> str:
    return f"{{t:{at.isoformat()}}}"


def _u(user: str) -> str:
    return f"{{u:{user}}}"


def _clash_message(clash: Shift, who_is_actor: bool) -> str:
    if who_is_actor:
        return Phrase(N_("You are already on duty in %(where)s from %(start)s until %(end)s. To change that shift, "
                         "end it with /onduty off (or /onduty cancel for a later one) and start a new one."),
                      where=_where(clash.channels), start=_t(clash.start), end=_t(clash.end))
    return Phrase(N_("%(person)s is already on duty in %(where)s from %(start)s until %(end)s. Ask them to use "
                     "/onduty handover, or choose another time."),
                  person=_u(clash.facilitator), where=_where(clash.channels), start=_t(clash.start),
                  end=_t(clash.end))


def decide_take(actor: str, channels: frozenset[str], duration: timedelta | None, now: datetime,
                shifts: Sequence[Shift], config: CommunityConfig) -> Decision:
    if not is_facilitator(actor, config):
        return Refusal(NOT_A_FACILITATOR)
    duration = duration or timedelta(hours=config.duty.default_shift_hours)
    end = now + duration
    try:
        check_window(now, end, now, config)
    except DutyInputError as exc:
        return Refusal(exc.phrase)
    clash = pairs.blocking(conflicts(actor, channels, now, end, shifts), actor, config)
    if clash:
        return Refusal(_clash_message(clash[0], clash[0].facilitator == actor))
    return Plan(new_shifts=(NewShift(actor, channels, now, end),),
                done=Phrase(N_("You are on duty in %(where)s until %(end)s."), where=_where(channels), end=_t(end)))


def decide_off(actor: str, now: datetime, shifts: Sequence[Shift], config: CommunityConfig) -> Decision:
    if not is_facilitator(actor, config):
        return Refusal(NOT_A_FACILITATOR)
    mine = [s for s in shifts if s.facilitator == actor and active(s, now)]
    if not mine:
        return Refusal(N_("You are not on a shift right now, so there is nothing to end. "
                          "See your upcoming shifts with /onduty list."))
    places = [_where(s.channels) for s in mine]
    where = places[0] if len(places) == 1 else "; ".join(p if isinstance(p, str) else p["term"] for p in places)
    return Plan(end_shifts=tuple((s.id, now) for s in mine),
                done=Phrase(N_("You are off duty now. Thank you! Your shift has ended in %(where)s."), where=where))


def decide_handover(actor: str, target: str, channel: str, now: datetime, shifts: Sequence[Shift],
                    occurrences: Sequence[Occurrence], config: CommunityConfig) -> Decision:
    """Hand the duty in `channel` to `target` from now on: the actor's own, or (committee) anyone's."""
    if not is_facilitator(actor, config):
        return Refusal(NOT_A_FACILITATOR)
    if not is_facilitator(target, config):
        return Refusal(Phrase(N_("%(person)s is not a facilitator, so they cannot take over. Facilitators are "
                                 "listed in cocbot's config; committee members count too."), person=_u(target)))
    committee = actor in config.committee.members
    current = on_duty([*shifts, *occurrences], channel, now)
    own = [e for e in current if e.facilitator == actor]
    candidates = own or (current if committee else [])
    if not candidates:
        if current:
            return Refusal(N_("Only the person on duty (or a committee member) can hand over this duty."))
        return Refusal(N_("Nobody is on duty in this channel right now, so there is nothing to hand over. "
                          "To start a shift, use /onduty take."))
    entry = candidates[0]
    if entry.facilitator == target:
        return Refusal(Phrase(N_("%(person)s is already on duty here."), person=_u(target)))
    if isinstance(entry, Occurrence):
        return Plan(assign=((entry.call_id, entry.slot, target),), handover=(channel, entry.facilitator or "", target),
                    done=Phrase(N_("%(person)s is now the facilitator for %(call)s until %(end)s."),
                                person=_u(target), call=entry.call_name, end=_t(entry.end)))
    clash = conflicts(target, entry.channels, now, entry.end, shifts, ignore=frozenset({entry.id}))
    clash = [c for c in clash if c.facilitator != target]
    if clash:
        return Refusal(_clash_message(clash[0], False))
    # Their own shifts on the same channels would double-book them: fold them into the handed-over one.
    theirs = [c.id for c in conflicts(target, entry.channels, now, entry.end, shifts, ignore=frozenset({entry.id}))
              if c.facilitator == target and c.start > now]
    return Plan(end_shifts=((entry.id, now),), cancel_shifts=tuple(theirs),
                new_shifts=(NewShift(target, entry.channels, now, entry.end, handover_from=entry.id),),
                done=Phrase(N_("Handed over: %(person)s is on duty in %(where)s until %(end)s."),
                            person=_u(target), where=_where(entry.channels), end=_t(entry.end)))


def decide_schedule(actor: str, target: str, channels: frozenset[str], start: datetime, end: datetime,
                    now: datetime, shifts: Sequence[Shift], config: CommunityConfig) -> Decision:
    if not is_facilitator(actor, config):
        return Refusal(NOT_A_FACILITATOR)
    if not is_facilitator(target, config):
        return Refusal(Phrase(N_("%(person)s is not a facilitator. Ask the committee to add them to the "
                                 "facilitators in cocbot's config first."), person=_u(target)))
    try:
        check_window(start, end, now, config)
    except DutyInputError as exc:
        return Refusal(exc.phrase)
    start = max(start, now)
    clash = pairs.blocking(conflicts(target, channels, start, end, shifts), target, config)
    if clash:
        return Refusal(_clash_message(clash[0], clash[0].facilitator == target))
    done = (Phrase(N_("Scheduled. You are on duty in %(where)s from %(start)s until %(end)s."),
                   where=_where(channels), start=_t(start), end=_t(end)) if target == actor else
            Phrase(N_("Scheduled. %(person)s is on duty in %(where)s from %(start)s until %(end)s."),
                   person=_u(target), where=_where(channels), start=_t(start), end=_t(end)))
    return Plan(new_shifts=(NewShift(target, channels, start, end),), done=done)


def decide_cancel(actor: str, shift: Shift | None, now: datetime, config: CommunityConfig) -> Decision:
    if not is_facilitator(actor, config):
        return Refusal(NOT_A_FACILITATOR)
    if shift is None:
        return Refusal(N_("There is no such shift. /onduty list shows the upcoming shifts with their numbers."))
    if shift.facilitator != actor and actor not in config.committee.members:
        return Refusal(N_("You can cancel only your own shifts (committee members can cancel any)."))
    if shift.end <= now:
        return Refusal(N_("That shift is already over."))
    if shift.start <= now:
        return Plan(end_shifts=((shift.id, now),), done=N_("That shift was under way; it has ended now."))
    return Plan(cancel_shifts=(shift.id,), done=Phrase(N_("Cancelled shift #%(number)s."), number=shift.id))

