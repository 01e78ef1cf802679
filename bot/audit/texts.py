"""Labels of the trail entries recorded outside triage (triage's own are in bot/triage/rules.py)."""

from __future__ import annotations

from cocbot.bot.i18n import Translator


def action_label(tr: Translator, action: str) -> str | None:
    labels = {
        "filed": tr.gettext("the report was filed"),
        "addition": tr.gettext("the reporter added information"),
        "reminder_sent": tr.gettext("cocbot sent a reminder"),
        "escalation_sent": tr.gettext("cocbot sent an escalation"),
        "committee_joined": tr.gettext("a member joined the committee"),
        "committee_left": tr.gettext("a member left the committee"),
        "export": tr.gettext("exported the case file"),
        "purge": tr.gettext("the case's content was purged"),
    }
    return labels.get(action)


def export_title(tr: Translator, ref: str) -> str:
    return tr.gettext("Case file %(ref)s") % {"ref": ref}


def export_note(tr: Translator, when: str) -> str:
    return tr.gettext("Exported %(when)s for the committee's records. It holds the whole report and the names of "
                      "the people in it: keep it as carefully as the committee keeps the case.") % {"when": when}


def export_report(tr: Translator) -> str:
    return tr.gettext("The report")


def export_filed(tr: Translator) -> str:
    return tr.gettext("Filed")


def export_anonymity(tr: Translator) -> str:
    return tr.gettext("Anonymity")


def export_reporter(tr: Translator) -> str:
    return tr.gettext("Reporter")


def export_state(tr: Translator) -> str:
    return tr.gettext("State")


def export_implicated(tr: Translator) -> str:
    return tr.gettext("People involved")


def export_witnesses(tr: Translator) -> str:
    return tr.gettext("Witnesses")


def export_excluded(tr: Translator) -> str:
    return tr.gettext("Excluded from seeing the report")


def export_ongoing(tr: Translator) -> str:
    return tr.gettext("Ongoing")


def export_danger(tr: Translator) -> str:
    return tr.gettext("someone in danger")


def export_what(tr: Translator) -> str:
    return tr.gettext("What happened")


def export_when(tr: Translator) -> str:
    return tr.gettext("When")


def export_where(tr: Translator) -> str:
    return tr.gettext("Where")


def export_others(tr: Translator) -> str:
    return tr.gettext("Others involved, as described")


def export_flagged(tr: Translator) -> str:
    return tr.gettext("The flagged message")


def export_additions(tr: Translator) -> str:
    return tr.gettext("Added by the reporter")


def export_assessment(tr: Translator) -> str:
    return tr.gettext("Assessment")


def export_notes(tr: Translator) -> str:
    return tr.gettext("Notes, questions and answers")


def export_decision(tr: Translator) -> str:
    return tr.gettext("Decision")


def export_announcement(tr: Translator) -> str:
    return tr.gettext("Announcement")


def export_timeline(tr: Translator) -> str:
    return tr.gettext("Timeline")


def export_none(tr: Translator) -> str:
    return tr.gettext("None.")


def export_unknown(tr: Translator, ref: str) -> str:
    return tr.gettext("There is no report %(ref)s in this database.") % {"ref": ref}


def export_purged(tr: Translator, ref: str) -> str:
    return tr.gettext("%(ref)s was purged under the retention policy: its content no longer exists, so there is "
                      "no case file to export. Its figures still count in the transparency report.") % {"ref": ref}
