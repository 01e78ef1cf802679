"""On-duty facilitators: shifts, calls and who is on duty where. Pure functions over plain values.

Intervals are half-open, [start, end): at a handover instant the person taking over is on duty and the
person handing over is not, so there is never a moment with nobody (or two people) at the boundary.
Times are aware UTC datetimes; time zones only matter when reading what a person typed and when a
calendar is expanded (recurring-ical-events applies each event's own TZID, DST included).

Messages returned here mark people, channels and times as `{u:U123}`, `{c:C123}` and `{t:<ISO time>}`;
each platform renders them (Slack: mentions, channel links and `<!date^…>` tokens in the reader's zone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable, Sequence, Union
from zoneinfo import ZoneInfo

from cocbot.bot.config.community import CommunityConfig

UTC = timezone.utc
FACILITATOR_PROPERTY = "X-COCBOT-FACILITATOR"
BYPASS = ("If your concern involves the facilitator, use /report — it goes to the committee and you can "
          "exclude anyone.")
_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


# ---------------------------------------------------------------- who may do what


def facilitators(config: CommunityConfig) -> frozenset[str]:
    return frozenset(config.duty.facilitators) | frozenset(config.committee.members)


def is_facilitator(user: str, config: CommunityConfig) -> bool:
    return user in facilitators(config)


def duty_timezone(config: CommunityConfig) -> str:
    return config.duty.timezone or config.policy.timezone


# ---------------------------------------------------------------- duty entries


@dataclass(frozen=True)
class Shift:
    """A shift as the domain sees it. `channels` empty means every channel."""

    id: int
    facilitator: str
    channels: frozenset[str]
    start: datetime
    end: datetime

    @property
    def all_channels(self) -> bool:
        return not self.channels


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a call; `slot` identifies it even when the calendar moves it."""

    id: int
    call_id: int
    call_name: str
    channel: str
    slot: datetime
    start: datetime
    end: datetime
    facilitator: str | None


Entry = Union[Shift, Occurrence]


def covers(entry: Entry, channel: str) -> bool:
    if isinstance(entry, Occurrence):
        return entry.channel == channel
    return entry.all_channels or channel in entry.channels


def active(entry: Entry, at: datetime) -> bool:
    return entry.start <= at < entry.end


def on_duty(entries: Iterable[Entry], channel: str, at: datetime) -> list[Entry]:
    """Who is on duty in `channel` at `at`: its calls and its own shifts; general cover only if neither."""
    here = [e for e in entries if covers(e, channel) and active(e, at)]
    specific = [e for e in here if isinstance(e, Occurrence) or not e.all_channels]
    chosen = specific or here
    return sorted(chosen, key=lambda e: (e.start, isinstance(e, Shift), e.id))


def next_up(entries: Iterable[Entry], channel: str, at: datetime) -> Entry | None:
    """The next duty to start in `channel` after `at` (one that starts exactly at a current end counts)."""
    upcoming = [e for e in entries if covers(e, channel) and e.start > at]
    if not upcoming:
        return None
    # A channel's own shift or call beats general cover starting at the same moment.
    return min(upcoming, key=lambda e: (e.start, isinstance(e, Shift) and e.all_channels, e.id))


@dataclass(frozen=True)
class Status:
    channel: str
    now: list[Entry]
    next: Entry | None


def status(entries: Sequence[Entry], channel: str, at: datetime) -> Status:
    return Status(channel, on_duty(entries, channel, at), next_up(entries, channel, at))


def conflicts(facilitator: str, channels: frozenset[str], start: datetime, end: datetime,
              shifts: Iterable[Shift], *, ignore: frozenset[int] = frozenset()) -> list[Shift]:
    """Existing shifts a new one would clash with.

    Two shifts clash when their times overlap and they cover the same channel (or both cover every
    channel): a channel has one clear point of contact at a time. A channel's own shift may run during
    general cover — it simply takes precedence there. The same person overlapping themselves on the same
    channels is a clash too (a double booking).
    """
    out = []
    for s in shifts:
        if s.id in ignore or not (s.start < end and start < s.end):
            continue
        if (not channels and s.all_channels) or (channels & s.channels):
            out.append(s)
    return out


# ---------------------------------------------------------------- reading what people type


class DutyInputError(ValueError):
    """A specific, human message about what was typed."""


_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+)m(?:in)?)?$")


def parse_duration(text: str) -> timedelta:
    t = text.strip().lower().replace(" ", "")
    m = _DURATION.match(t)
    if not t or not m or not (m.group(1) or m.group(2)):
        raise DutyInputError(f"“{text}” is not a duration. Use hours and minutes like 2h, 90m or 1h30m.")
    delta = timedelta(hours=float(m.group(1) or 0), minutes=int(m.group(2) or 0))
    if delta <= timedelta(0):
        raise DutyInputError("A shift has to last longer than that.")
    return delta


_DATE_TIME = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})|(today|tomorrow))[ T](\d{1,2}):(\d{2})$", re.IGNORECASE)
_TIME_ONLY = re.compile(r"^(\d{1,2}):(\d{2})$")


def _localize(day: date, hh: int, mm: int, tz: ZoneInfo, text: str) -> datetime:
    if not (0 <= hh <= 23 and 0 <= mm <= 59):
        raise DutyInputError(f"“{text}” is not a time of day.")
    naive = datetime.combine(day, time(hh, mm))
    local = naive.replace(tzinfo=tz)
    # A wall-clock time skipped by a DST change does not survive the round trip through UTC.
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise DutyInputError(f"{text} does not exist in {tz.key}: the clocks change then. Pick another time.")
    # Ambiguous times (clocks going back) mean the first of the two, which fold=0 already is.
    return local.astimezone(UTC)


def parse_when(text: str, tz_name: str, now: datetime) -> datetime:
    """A moment typed as `2026-03-05 14:00`, `today 14:00`, `tomorrow 9:30` or `14:00`, in `tz_name`."""
    tz = ZoneInfo(tz_name)
    t = " ".join(text.split())
    today = now.astimezone(tz).date()
    m = _DATE_TIME.match(t)
    if m:
        if m.group(1):
            try:
                day = date.fromisoformat(m.group(1))
            except ValueError:
                raise DutyInputError(f"“{m.group(1)}” is not a date.") from None
        else:
            day = today + timedelta(days=1 if m.group(2).lower() == "tomorrow" else 0)
        return _localize(day, int(m.group(3)), int(m.group(4)), tz, t)
    m = _TIME_ONLY.match(t)
    if m:
        return _localize(today, int(m.group(1)), int(m.group(2)), tz, t)
    raise DutyInputError(f"“{text}” is not a time. Use 2026-03-05 14:00, today 14:00, tomorrow 9:30 or 14:00.")


def parse_window(words: Sequence[str], tz_name: str, now: datetime) -> tuple[datetime, datetime]:
    """`<start> <end>` where each is one of parse_when's forms and the end may be a duration (2h)."""
    words = list(words)
    if not words:
        raise DutyInputError("Say when the shift starts and ends, e.g. 2026-03-05 14:00 16:00 or today 14:00 2h.")
    for n in (2, 1):
        if len(words) <= n - 1:
            continue
        try:
            start = parse_when(" ".join(words[:n]), tz_name, now)
        except DutyInputError:
            continue
        rest = words[n:]
        if not rest:
            raise DutyInputError("Say when the shift ends too: an end time like 16:00 or a duration like 2h.")
        end_text = " ".join(rest)
        try:
            end = start + parse_duration(end_text)
        except DutyInputError:
            if _TIME_ONLY.match(end_text):
                # A bare end time is on the start's day, or the next morning ("23:00 01:00").
                day = start.astimezone(ZoneInfo(tz_name)).date()
                end = parse_when(f"{day.isoformat()} {end_text}", tz_name, now)
                if end <= start:
                    end = parse_when(f"{(day + timedelta(days=1)).isoformat()} {end_text}", tz_name, now)
            else:
                end = parse_when(end_text, tz_name, now)
        return start, end
    return parse_when(" ".join(words[:2]), tz_name, now), now  # raises the specific message


def check_window(start: datetime, end: datetime, now: datetime, config: CommunityConfig) -> None:
    if end <= start:
        raise DutyInputError("The shift has to end after it starts.")
    if end <= now:
        raise DutyInputError("That shift would already be over.")
    if start < now - timedelta(minutes=5):
        raise DutyInputError("That start time has passed. To start now, use /onduty take.")
    hours = (end - start).total_seconds() / 3600
    if hours > config.duty.max_shift_hours:
        raise DutyInputError(f"That shift is {hours:g} hours; the longest allowed is "
                             f"{config.duty.max_shift_hours:g} hours. Split it into several shifts.")


# ---------------------------------------------------------------- decisions


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


Decision = Union[Plan, Refusal]

NOT_A_FACILITATOR = ("Only facilitators can manage on-duty shifts. If you would like to become one, ask the "
                     "Code of Conduct committee. Anyone can see who is on duty with /onduty, and report with "
                     "/report.")


def _where(channels: frozenset[str]) -> str:
    return "every channel" if not channels else ", ".join(f"{{c:{c}}}" for c in sorted(channels))


def _clash_message(clash: Shift, who_is_actor: bool) -> str:
    when = f"from {{t:{clash.start.isoformat()}}} until {{t:{clash.end.isoformat()}}}"
    if who_is_actor:
        return (f"You are already on duty in {_where(clash.channels)} {when}. To change that shift, end it "
                "with /onduty off (or /onduty cancel for a later one) and start a new one.")
    return (f"{{u:{clash.facilitator}}} is already on duty in {_where(clash.channels)} {when}. Ask them to "
            "use /onduty handover, or choose another time.")


def decide_take(actor: str, channels: frozenset[str], duration: timedelta | None, now: datetime,
                shifts: Sequence[Shift], config: CommunityConfig) -> Decision:
    if not is_facilitator(actor, config):
        return Refusal(NOT_A_FACILITATOR)
    duration = duration or timedelta(hours=config.duty.default_shift_hours)
    end = now + duration
    try:
        check_window(now, end, now, config)
    except DutyInputError as exc:
        return Refusal(str(exc))
    clash = conflicts(actor, channels, now, end, shifts)
    if clash:
        return Refusal(_clash_message(clash[0], clash[0].facilitator == actor))
    return Plan(new_shifts=(NewShift(actor, channels, now, end),),
                done=f"You are on duty in {_where(channels)} until {{t:{end.isoformat()}}}.")


def decide_off(actor: str, now: datetime, shifts: Sequence[Shift], config: CommunityConfig) -> Decision:
    if not is_facilitator(actor, config):
        return Refusal(NOT_A_FACILITATOR)
    mine = [s for s in shifts if s.facilitator == actor and active(s, now)]
    if not mine:
        return Refusal("You are not on a shift right now, so there is nothing to end. "
                       "See your upcoming shifts with /onduty list.")
    return Plan(end_shifts=tuple((s.id, now) for s in mine),
                done="You are off duty now. Thank you! Your shift has ended in "
                     + "; ".join(_where(s.channels) for s in mine) + ".")


def decide_handover(actor: str, target: str, channel: str, now: datetime, shifts: Sequence[Shift],
                    occurrences: Sequence[Occurrence], config: CommunityConfig) -> Decision:
    """Hand the duty in `channel` to `target` from now on: the actor's own, or (committee) anyone's."""
    if not is_facilitator(actor, config):
        return Refusal(NOT_A_FACILITATOR)
    if not is_facilitator(target, config):
        return Refusal(f"{{u:{target}}} is not a facilitator, so they cannot take over. Facilitators are listed "
                       "in cocbot's config; committee members count too.")
    committee = actor in config.committee.members
    current = on_duty([*shifts, *occurrences], channel, now)
    own = [e for e in current if e.facilitator == actor]
    candidates = own or (current if committee else [])
    if not candidates:
        if current:
            return Refusal("Only the person on duty (or a committee member) can hand over this duty.")
        return Refusal("Nobody is on duty in this channel right now, so there is nothing to hand over. "
                       "To start a shift, use /onduty take.")
    entry = candidates[0]
    if entry.facilitator == target:
        return Refusal(f"{{u:{target}}} is already on duty here.")
    if isinstance(entry, Occurrence):
        return Plan(assign=((entry.call_id, entry.slot, target),), handover=(channel, entry.facilitator or "", target),
                    done=f"{{u:{target}}} is now the facilitator for {entry.call_name} until "
                         f"{{t:{entry.end.isoformat()}}}.")
    clash = conflicts(target, entry.channels, now, entry.end, shifts, ignore=frozenset({entry.id}))
    clash = [c for c in clash if c.facilitator != target]
    if clash:
        return Refusal(_clash_message(clash[0], False))
    # Their own shifts on the same channels would double-book them: fold them into the handed-over one.
    theirs = [c.id for c in conflicts(target, entry.channels, now, entry.end, shifts, ignore=frozenset({entry.id}))
              if c.facilitator == target and c.start > now]
    return Plan(end_shifts=((entry.id, now),), cancel_shifts=tuple(theirs),
                new_shifts=(NewShift(target, entry.channels, now, entry.end, handover_from=entry.id),),
                done=f"Handed over: {{u:{target}}} is on duty in {_where(entry.channels)} until "
                     f"{{t:{entry.end.isoformat()}}}.")


def decide_schedule(actor: str, target: str, channels: frozenset[str], start: datetime, end: datetime,
                    now: datetime, shifts: Sequence[Shift], config: CommunityConfig) -> Decision:
    if not is_facilitator(actor, config):
        return Refusal(NOT_A_FACILITATOR)
    if not is_facilitator(target, config):
        return Refusal(f"{{u:{target}}} is not a facilitator. Ask the committee to add them to the facilitators "
                       "in cocbot's config first.")
    try:
        check_window(start, end, now, config)
    except DutyInputError as exc:
        return Refusal(str(exc))
    start = max(start, now)
    clash = conflicts(target, channels, start, end, shifts)
    if clash:
        return Refusal(_clash_message(clash[0], clash[0].facilitator == actor))
    who = "You are" if target == actor else f"{{u:{target}}} is"
    return Plan(new_shifts=(NewShift(target, channels, start, end),),
                done=f"Scheduled. {who} on duty in {_where(channels)} from {{t:{start.isoformat()}}} until "
                     f"{{t:{end.isoformat()}}}.")


def decide_cancel(actor: str, shift: Shift | None, now: datetime, config: CommunityConfig) -> Decision:
    if not is_facilitator(actor, config):
        return Refusal(NOT_A_FACILITATOR)
    if shift is None:
        return Refusal("There is no such shift. /onduty list shows the upcoming shifts with their numbers.")
    if shift.facilitator != actor and actor not in config.committee.members:
        return Refusal("You can cancel only your own shifts (committee members can cancel any).")
    if shift.end <= now:
        return Refusal("That shift is already over.")
    if shift.start <= now:
        return Plan(end_shifts=((shift.id, now),), done="That shift was under way; it has ended now.")
    return Plan(cancel_shifts=(shift.id,), done=f"Cancelled shift #{shift.id}.")


# ---------------------------------------------------------------- announcements and reminders as rows


@dataclass(frozen=True)
class Notice:
    """An outbox row to write: its idempotency key makes writing it again a no-op."""

    key: str
    kind: str
    due_at: datetime
    payload: dict[str, object] = field(default_factory=dict)


ANNOUNCE = "duty_announce"
REMIND = "duty_remind"
ASSIGNED = "duty_assigned"  # a DM to someone put on duty by another person (schedule, handover)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shift_notices(shift: Shift, now: datetime, config: CommunityConfig) -> list[Notice]:
    """The announcement in each covered channel at the start, and the facilitator's reminder before it."""
    out: list[Notice] = []
    if shift.end <= now:
        return out
    targets = sorted(shift.channels) if shift.channels else (
        [config.duty.announce_channel] if config.duty.announce_channel else [])
    for ch in targets:
        out.append(Notice(f"announce:shift:{shift.id}:{ch}", ANNOUNCE, max(shift.start, now),
                          {"shift": shift.id, "channel": ch}))
    # A shift covering every channel reaches the "*" topic even where no Slack channel announces it.
    general = [] if shift.channels else [Notice(f"announce:shift:{shift.id}:*", ANNOUNCE, max(shift.start, now),
                                                {"shift": shift.id, "channel": "*"})]
    out.extend(topic_notices([*out, *general], config))
    lead = timedelta(minutes=config.duty.reminder_minutes)
    if shift.start > now and lead:
        out.append(Notice(f"remind:shift:{shift.id}:{shift.facilitator}", REMIND, max(shift.start - lead, now),
                          {"shift": shift.id, "user": shift.facilitator}))
    return out


def assigned_notice(shift: Shift, by: str, now: datetime) -> Notice | None:
    """Tell a facilitator at once when someone else puts them on duty."""
    if by == shift.facilitator or shift.end <= now:
        return None
    return Notice(f"assigned:shift:{shift.id}:{shift.facilitator}", ASSIGNED, now,
                  {"shift": shift.id, "user": shift.facilitator, "by": by})


def occurrence_notices(occ: Occurrence, now: datetime, config: CommunityConfig) -> list[Notice]:
    out: list[Notice] = []
    if occ.end <= now:
        return out
    slot = _iso(occ.slot)
    out.append(Notice(f"announce:call:{occ.call_id}:{_iso(occ.start)}", ANNOUNCE, max(occ.start, now),
                      {"call": occ.call_id, "slot": slot, "start": _iso(occ.start), "channel": occ.channel}))
    out.extend(topic_notices(out, config))
    lead = timedelta(minutes=config.duty.reminder_minutes)
    if occ.facilitator and occ.start > now and lead:
        out.append(Notice(f"remind:call:{occ.call_id}:{_iso(occ.start)}:{occ.facilitator}", REMIND,
                          max(occ.start - lead, now),
                          {"call": occ.call_id, "slot": slot, "start": _iso(occ.start), "user": occ.facilitator}))
    return out


def handover_notice(channel: str, old: str, new: str, at: datetime, ref: str) -> Notice:
    return Notice(f"announce:handover:{ref}:{_iso(at)}", ANNOUNCE, at,
                  {"handover": ref, "channel": channel, "from": old, "to": new})


def topic_notices(announcements: list[Notice], config: CommunityConfig) -> list[Notice]:
    """The same announcements for the Discourse topics `duty.discourse_topics` names, one row per topic.

    Keyed per topic rather than per Slack channel, so a shift covering several channels that share a
    topic is announced there once."""
    out: dict[str, Notice] = {}
    mapping = config.duty.discourse_topics
    for notice in announcements:
        if notice.kind != ANNOUNCE or notice.payload.get("platform"):
            continue
        channel = str(notice.payload.get("channel"))
        for topic in sorted({t for c, t in mapping.items() if c in (channel, "*")}):
            base = f"announce:shift:{notice.payload['shift']}" if "shift" in notice.payload else notice.key
            key = f"{base}:topic:{topic}"
            out.setdefault(key, Notice(key, ANNOUNCE, notice.due_at,
                                       {**notice.payload, "channel": f"topic:{topic}", "platform": "discourse"}))
    return list(out.values())


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


# ---------------------------------------------------------------- calendars


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class CallSpec:
    uid: str
    name: str
    calendar: str  # a VCALENDAR holding only this call's events and the time zones


@dataclass(frozen=True)
class Slot:
    slot: datetime
    start: datetime
    end: datetime
    index: int  # position in the series, for the rotation
    facilitator: str | None  # from the calendar's X-COCBOT-FACILITATOR, if any


def parse_calendar(data: bytes | str) -> list[CallSpec]:
    """Split an .ics file into one call per UID (a recurring event and its exceptions stay together)."""
    import icalendar

    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and friends for malformed files
        raise CalendarError(f"not a valid iCalendar file: {exc}") from None
    events = [c for c in cal.walk("VEVENT")]
    if not events:
        raise CalendarError("the file holds no events (VEVENT)")
    zones = [c for c in cal.walk("VTIMEZONE")]
    by_uid: dict[str, list[Any]] = {}
    for ev in events:
        uid = str(ev.get("UID") or "")
        if not uid:
            raise CalendarError("an event has no UID; calendars exported by calendar apps always have one")
        if ev.get("DTSTART") is None:
            raise CalendarError(f"event {uid} has no start time (DTSTART)")
        by_uid.setdefault(uid, []).append(ev)
    out = []
    for uid, evs in by_uid.items():
        sub = icalendar.Calendar()
        sub.add("PRODID", "-//cocbot//calls//EN")
        sub.add("VERSION", "2.0")
        for z in zones:
            sub.add_component(z)
        for ev in evs:
            sub.add_component(ev)
        master = next((e for e in evs if e.get("RECURRENCE-ID") is None), evs[0])
        # Braces would read as placeholders in messages; a calendar title never needs them.
        name = str(master.get("SUMMARY") or "Community call").strip().replace("{", "(").replace("}", ")")[:200]
        out.append(CallSpec(uid, name, sub.to_ical().decode()))
    return out


def _as_utc(value: date | datetime, tz: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    if value.tzinfo is None:  # floating time: the community's time zone
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def expand(calendar: str, start: datetime, end: datetime, *, tz_name: str, default_minutes: int,
           with_index: bool = True) -> list[Slot]:
    """Occurrences overlapping [start, end), each with its index in the whole series (for rotations).

    Counting the index means expanding from the start of the series, which costs time proportional to
    its age; callers without a rotation pass with_index=False and every index is then 0.
    """
    import icalendar
    import recurring_ical_events

    tz = ZoneInfo(tz_name)
    cal = icalendar.Calendar.from_ical(calendar)
    events: list[Any] = cal.walk("VEVENT")
    firsts = [_as_utc(ev["DTSTART"].dt, tz) for ev in events]
    series_start = min(firsts) if firsts else start
    query = recurring_ical_events.of(cal)
    slots: list[Slot] = []
    since = min(series_start, start) if with_index else start
    occurrences: list[Any] = query.between(since - timedelta(days=1), end)
    for ev in occurrences:
        s = _as_utc(ev["DTSTART"].dt, tz)
        e = _as_utc(ev["DTEND"].dt, tz) if ev.get("DTEND") is not None else s
        if e <= s:
            e = s + timedelta(minutes=default_minutes)
        rid = ev.get("RECURRENCE-ID")
        slot = _as_utc(rid.dt, tz) if rid is not None else s
        who = str(ev.get(FACILITATOR_PROPERTY) or "").strip() or None
        if who is not None and not _USER.match(who):
            who = None
        slots.append(Slot(slot, s, e, 0, who))
    # The rotation follows the series order of slots, so moving one meeting does not reshuffle the rest.
    slots.sort(key=lambda x: x.slot)
    indexed = [Slot(x.slot, x.start, x.end, i if with_index else 0, x.facilitator) for i, x in enumerate(slots)]
    return sorted((x for x in indexed if x.start < end and x.end > start), key=lambda x: x.start)


def facilitator_for(slot: Slot, rotation: Sequence[str], assigned: dict[datetime, str]) -> str | None:
    """An explicit assignment, else the calendar's own facilitator, else the rotation's turn."""
    if slot.slot in assigned:
        return assigned[slot.slot]
    if slot.facilitator:
        return slot.facilitator
    if rotation:
        return rotation[slot.index % len(rotation)]
    return None
