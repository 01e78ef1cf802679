"""What the transparency report says. Whole sentences, English source strings through the Translator."""

from __future__ import annotations

from cocbot.bot.i18n import Translator


def fewer_than(tr: Translator, n: int) -> str:
    return tr.gettext("fewer than %(n)d") % {"n": n}


def too_few_cases(tr: Translator, n: int) -> str:
    return tr.gettext("not shown (fewer than %(n)d cases)") % {"n": n}


def hours(tr: Translator, value: float) -> str:
    return tr.gettext("%(hours).1f hours") % {"hours": value}


def percent(tr: Translator, value: int) -> str:
    return tr.gettext("%(percent)d%%") % {"percent": value}


def not_assessed(tr: Translator) -> str:
    return tr.gettext("not assessed yet")


def no_decision(tr: Translator) -> str:
    return tr.gettext("no decision yet")


def all_reports(tr: Translator) -> str:
    return tr.gettext("Reports received")


def bans_issued(tr: Translator) -> str:
    return tr.gettext("Bans issued (including temporary breaks)")


def ack_median(tr: Translator) -> str:
    return tr.gettext("Time to acknowledge, median")


def ack_p90(tr: Translator) -> str:
    return tr.gettext("Time to acknowledge, 90th percentile")


def respond_median(tr: Translator) -> str:
    return tr.gettext("Time to respond, median")


def respond_p90(tr: Translator) -> str:
    return tr.gettext("Time to respond, 90th percentile")


def ack_within_promise(tr: Translator) -> str:
    return tr.gettext("Acknowledged within the promised time")


def responded_within_week(tr: Translator) -> str:
    return tr.gettext("Responded to within a week of acknowledgement")


def section_received(tr: Translator) -> str:
    return tr.gettext("Reports received")


def section_source(tr: Translator) -> str:
    return tr.gettext("By how they were filed")


def section_anonymity(tr: Translator) -> str:
    return tr.gettext("By anonymity mode")


def section_category(tr: Translator) -> str:
    return tr.gettext("By category")


def section_outcomes(tr: Translator) -> str:
    return tr.gettext("Outcomes")


def section_times(tr: Translator) -> str:
    return tr.gettext("Response times")


def section_promises(tr: Translator) -> str:
    return tr.gettext("Promises kept")


def title(tr: Translator, community: str) -> str:
    return tr.gettext("Code of Conduct transparency report — %(community)s") % {"community": community}


def period(tr: Translator, first: str, last: str) -> str:
    return tr.gettext("Reports filed from %(first)s to %(last)s (whole months).") % {"first": first, "last": last}


def privacy_note(tr: Translator, n: int) -> str:
    return tr.gettext("This report holds no reference, name, id or day-level date, only whole months and counts. "
                      "Any count from 1 to %(below)d is shown as \"fewer than %(n)d\", and no time or share is "
                      "given for fewer than %(n)d cases, so that no figure points at a person.") % {
        "below": n - 1, "n": n}


def column_figure(tr: Translator) -> str:
    return tr.gettext("Figure")


def column_value(tr: Translator) -> str:
    return tr.gettext("Value")


def dm_intro(tr: Translator, first: str, last: str) -> str:
    return tr.gettext("The transparency report for %(first)s to %(last)s, as you asked. Only you received it.") % {
        "first": first, "last": last}


def not_on_committee(tr: Translator) -> str:
    return tr.gettext("Only Code of Conduct committee members can ask for the transparency report.")


def on_its_way(tr: Translator) -> str:
    return tr.gettext("The transparency report is on its way to you in a direct message.")


def on_its_way_forum(tr: Translator) -> str:
    return tr.gettext("The transparency report is on its way to you in a private message.")


def bad_period(tr: Translator) -> str:
    return tr.gettext("--from must be a date (YYYY-MM-DD) on or before --to.")
