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
