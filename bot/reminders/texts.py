"""What reminders and escalations say. Only the reference, age, deadline and a link — never content.

None of these messages sets `carries_report_content`: they must stay safe to show in a notification
preview, so nothing the reporter wrote and nobody they named appears here.
"""

from __future__ import annotations

from datetime import datetime

from cocbot.bot.reminders.deadlines import WorkingCalendar, describe_age, describe_deadline
from cocbot.bot.messages import Facts, Link, Message, Note, Text


def _deadline_fact(deadline: datetime, now: datetime, calendar: WorkingCalendar) -> str:
    when = describe_deadline(deadline, calendar)
    if deadline > now:
        return f"{when} (in {describe_age(deadline - now)})"
    return f"{when} (passed {describe_age(now - deadline)} ago)"


def _link(permalink: str | None) -> list:
    return [Link("Open the report", permalink)] if permalink else []


def ack_reminder(ref: str, received: datetime, deadline: datetime, now: datetime, calendar: WorkingCalendar,
                 permalink: str | None, *, event_mode: bool = False) -> Message:
    facts = [("Reference", ref), ("Received", f"{describe_age(now - received)} ago"),
             ("Acknowledge by", _deadline_fact(deadline, now, calendar))]
    blocks: list = [
        Text(f"Reminder: report {ref} has not been acknowledged yet.", bold=True),
        Facts(tuple(facts)),
        *_link(permalink),
        Note("Acknowledge it from the report's message so the reporter knows it is being looked at."
             + (" It was filed during an on-duty shift, so the shorter event target applies." if event_mode else "")),
    ]
    return Message(summary=f"Reminder: report {ref} awaits acknowledgement", blocks=tuple(blocks))


def ack_escalation(ref: str, received: datetime, deadline: datetime, now: datetime, calendar: WorkingCalendar,
                   permalink: str | None, *, round_: int) -> Message:
    facts = [("Reference", ref), ("Received", f"{describe_age(now - received)} ago"),
             ("Acknowledgement was due", _deadline_fact(deadline, now, calendar))]
    again = " (daily reminder)" if round_ else ""
    blocks: list = [
        Text(f"Report {ref} has missed its acknowledgement deadline{again}.", bold=True),
        Facts(tuple(facts)),
        *_link(permalink),
        Note("You are receiving this as a committee member who may handle this report. The reporter was "
             "promised an acknowledgement; please acknowledge it or ask a colleague to."),
    ]
    return Message(summary=f"Report {ref} is past its acknowledgement deadline", blocks=tuple(blocks))


def respond_reminder(ref: str, acknowledged: datetime, deadline: datetime, now: datetime,
                     calendar: WorkingCalendar, permalink: str | None, *, to_owner: bool) -> Message:
    facts = [("Reference", ref), ("Acknowledged", f"{describe_age(now - acknowledged)} ago"),
             ("Response due", _deadline_fact(deadline, now, calendar))]
    who = "You own this report. " if to_owner else ""
    blocks: list = [
        Text(f"Report {ref}: the reporter was promised a response by the date below.", bold=True),
        Facts(tuple(facts)),
        *_link(permalink),
        Note(f"{who}If it is not resolved yet, consider sending the reporter an update explaining where "
             "things stand."),
    ]
    return Message(summary=f"Report {ref}: response due soon", blocks=tuple(blocks))
