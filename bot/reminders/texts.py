"""What reminders and escalations say. Only the reference, age, deadline and a link — never content.

None of these messages sets `carries_report_content`: they must stay safe to show in a notification
preview, so nothing the reporter wrote and nobody they named appears here. They are written in the
committee's language (`tr`).
"""

from __future__ import annotations

from datetime import datetime

from cocbot.bot.i18n import Translator, english
from cocbot.bot.reminders.deadlines import WorkingCalendar, describe_age, describe_deadline
from cocbot.bot.messages import Facts, Link, Message, Note, Text


def _deadline_fact(deadline: datetime, now: datetime, calendar: WorkingCalendar, tr: Translator) -> str:
    when = describe_deadline(deadline, calendar, tr)
    if deadline > now:
        return tr.gettext("%(when)s (in %(age)s)") % {"when": when, "age": describe_age(deadline - now, tr)}
    return tr.gettext("%(when)s (passed %(age)s ago)") % {"when": when, "age": describe_age(now - deadline, tr)}


def _ago(delta_from: datetime, now: datetime, tr: Translator) -> str:
    return tr.gettext("%(age)s ago") % {"age": describe_age(now - delta_from, tr)}


def _link(permalink: str | None, tr: Translator) -> list:
    return [Link(tr.gettext("Open the report"), permalink)] if permalink else []


def ack_reminder(ref: str, received: datetime, deadline: datetime, now: datetime, calendar: WorkingCalendar,
                 permalink: str | None, *, event_mode: bool = False, tr: Translator = english()) -> Message:
    facts = [(tr.gettext("Reference"), ref), (tr.gettext("Received"), _ago(received, now, tr)),
             (tr.gettext("Acknowledge by"), _deadline_fact(deadline, now, calendar, tr))]
    note = (tr.gettext("Acknowledge it from the report's message so the reporter knows it is being looked at. It "
                       "was filed during an on-duty shift, so the shorter event target applies.") if event_mode else
            tr.gettext("Acknowledge it from the report's message so the reporter knows it is being looked at."))
    blocks: list = [
        Text(tr.gettext("Reminder: report %(ref)s has not been acknowledged yet.") % {"ref": ref}, bold=True),
        Facts(tuple(facts)),
        *_link(permalink, tr),
        Note(note),
    ]
    return Message(summary=tr.gettext("Reminder: report %(ref)s awaits acknowledgement") % {"ref": ref},
                   blocks=tuple(blocks), locale=tr.locale)


def ack_escalation(ref: str, received: datetime, deadline: datetime, now: datetime, calendar: WorkingCalendar,
                   permalink: str | None, *, round_: int, tr: Translator = english()) -> Message:
    facts = [(tr.gettext("Reference"), ref), (tr.gettext("Received"), _ago(received, now, tr)),
             (tr.gettext("Acknowledgement was due"), _deadline_fact(deadline, now, calendar, tr))]
    head = (tr.gettext("Report %(ref)s has missed its acknowledgement deadline (daily reminder).") if round_ else
            tr.gettext("Report %(ref)s has missed its acknowledgement deadline."))
    blocks: list = [
        Text(head % {"ref": ref}, bold=True),
        Facts(tuple(facts)),
        *_link(permalink, tr),
        Note(tr.gettext("You are receiving this as a committee member who may handle this report. The reporter was "
                        "promised an acknowledgement; please acknowledge it or ask a colleague to.")),
    ]
    return Message(summary=tr.gettext("Report %(ref)s is past its acknowledgement deadline") % {"ref": ref},
                   blocks=tuple(blocks), locale=tr.locale)


def respond_reminder(ref: str, acknowledged: datetime, deadline: datetime, now: datetime,
                     calendar: WorkingCalendar, permalink: str | None, *, to_owner: bool,
                     tr: Translator = english()) -> Message:
    facts = [(tr.gettext("Reference"), ref), (tr.gettext("Acknowledged"), _ago(acknowledged, now, tr)),
             (tr.gettext("Response due"), _deadline_fact(deadline, now, calendar, tr))]
    note = (tr.gettext("You own this report. If it is not resolved yet, consider sending the reporter an update "
                       "explaining where things stand.") if to_owner else
            tr.gettext("If it is not resolved yet, consider sending the reporter an update explaining where things "
                       "stand."))
    blocks: list = [
        Text(tr.gettext("Report %(ref)s: the reporter was promised a response by the date below.") % {"ref": ref},
             bold=True),
        Facts(tuple(facts)),
        *_link(permalink, tr),
        Note(note),
    ]
    return Message(summary=tr.gettext("Report %(ref)s: response due soon") % {"ref": ref}, blocks=tuple(blocks),
                   locale=tr.locale)
