"""What the committee reads about earlier cases: references, state, outcome and month, nothing more."""

from __future__ import annotations

from datetime import datetime

from cocbot.bot.i18n import N_, Translator
from cocbot.bot.messages import Button, Buttons, Message, Note, Text

VIEW_ACTION = "earlier_view"


def _month(at: datetime) -> str:
    return at.strftime("%b %Y")


def _outcome_label(outcome: str | None, tr: Translator) -> str | None:
    from cocbot.bot.triage.rules import OUTCOME_LABELS, Outcome

    if outcome is None:
        return None
    try:
        label = OUTCOME_LABELS[Outcome(outcome)]
    except ValueError:
        label = outcome
    return tr.gettext(label.split(" (")[0]).lower()


def case_line(ref: str, state: str, outcome: str | None, month: datetime, tr: Translator) -> str:
    from cocbot.bot.reports.texts import state_label

    label = _outcome_label(outcome, tr)
    shown = state_label(state, tr).split(" — ")[0].lower()
    if label:
        return tr.gettext("%(ref)s (%(state)s, %(outcome)s, %(month)s)") % {
            "ref": ref, "state": shown, "outcome": label, "month": _month(month)}
    return tr.gettext("%(ref)s (%(state)s, %(month)s)") % {"ref": ref, "state": shown, "month": _month(month)}


def ban_line(ref: str, ends_at: datetime | None, tr: Translator) -> str:
    if ends_at is None:
        return tr.gettext("permanent ban in force (%(ref)s)") % {"ref": ref}
    return tr.gettext("ban in force until %(date)s (%(ref)s)") % {"ref": ref, "date": ends_at.strftime("%d %b %Y")}


def earlier_message(ref: str, cases: list[str], bans: list[str], viewable: list[str], tr: Translator) -> Message:
    """`cases`/`bans`: lines from case_line/ban_line; `viewable`: the references a "View earlier" opens."""
    line = tr.gettext("Earlier: %(cases)s") % {"cases": "; ".join(cases + bans)}
    blocks: list = [Text(line, bold=True),
                    Note(tr.gettext("Earlier cases that named the same person, listed only when everyone who reads "
                                    "%(ref)s may read them too. Opening one is recorded in its history.")
                         % {"ref": ref})]
    if viewable:
        blocks.append(Buttons(tuple(
            Button(f"{VIEW_ACTION}:{e}", tr.gettext("View %(ref)s") % {"ref": e}, f"{ref}:{e}")
            for e in viewable[:5])))
    # Only references and outcomes, but still about cases: the gate must know which report this is for.
    return Message(summary=tr.gettext("Earlier cases for %(ref)s") % {"ref": ref}, blocks=tuple(blocks),
                   carries_report_content=True)


def none_any_more(ref: str, tr: Translator) -> Message:
    """What replaces a listing once none of its cases may be shown to everyone who now reads the case."""
    return Message(summary=tr.gettext("Earlier cases for %(ref)s") % {"ref": ref}, blocks=(
        Note(tr.gettext("Earlier cases: none listed any more. Who reads %(ref)s changed, and an earlier case is "
                        "listed only when everyone who reads %(ref)s may read it too.") % {"ref": ref}),),
        carries_report_content=True)


REFUSED = N_("You may not open that earlier case (you are not one of its readers, or it is no longer "
             "listed). Nothing was shown.")
SENT_TO_YOU = N_("%(ref)s is on its way to you alone, in a private message. Opening it is recorded in its "
                 "history.")


def refused(tr: Translator) -> str:
    return tr.gettext(REFUSED)


def sent_to_you(ref: str, tr: Translator) -> str:
    return tr.gettext(SENT_TO_YOU) % {"ref": ref}


def forum_hint(ref: str, tr: Translator) -> str:
    return tr.gettext("reply “earlier %(ref)s” to have %(ref)s sent to you alone") % {"ref": ref}


FORUM_COMMAND = r"^earlier\s+(R-\d+)\s*$"
