"""What a reporter who holds a report reads, and the committee's note on a report released by a match."""

from __future__ import annotations

from datetime import datetime

from cocbot.bot.i18n import Translator
from cocbot.bot.messages import Button, Buttons, Message, Note, Text

RELEASE_ACTION = "hold_release"
WITHDRAW_ACTION = "hold_withdraw"


def option(tr: Translator) -> str:
    return tr.gettext("Hold my report. Send it to the committee only if someone else also reports this person.")


def option_hint(tr: Translator) -> str:
    return tr.gettext("Nobody on the committee sees a held report until another report names the same person. You "
                      "can release or withdraw it at any time.")


def needs_person(tr: Translator) -> str:
    return tr.gettext("To hold your report until someone else reports the same person, choose who was involved.")


def held_received(ref: str, tr: Translator) -> str:
    return tr.gettext("Thank you. Your report %(ref)s was stored and is held: nobody on the committee sees it "
                      "unless someone else reports the same person. cocbot will send you a direct message with "
                      "buttons to send it now or withdraw it.") % {"ref": ref}


def _date(at: datetime) -> str:
    return at.strftime("%d %b %Y")


def _buttons(ref: str, tr: Translator) -> Buttons:
    return Buttons((Button(RELEASE_ACTION, tr.gettext("Send it to the committee now"), ref, style="primary"),
                    Button(WITHDRAW_ACTION, tr.gettext("Withdraw and delete it"), ref, style="danger")))


def held_confirmation(ref: str, expires_at: datetime, tr: Translator) -> Message:
    return Message(
        summary=tr.gettext("Your report %(ref)s is held") % {"ref": ref},
        blocks=(Text(tr.gettext("Your report %(ref)s is stored and held. Nobody on the committee has seen it.")
                     % {"ref": ref}, bold=True),
                Text(tr.gettext("If someone else reports the same person, cocbot sends both reports to the committee "
                                "and tells you. If nobody does by %(date)s, your report is deleted (you will be "
                                "reminded a week before).") % {"date": _date(expires_at)}),
                Note(tr.gettext("Held reports are stored like every report: the people who run cocbot's database "
                                "could read them unless content encryption is switched on.")),
                _buttons(ref, tr)))


def released(ref: str, by_match: bool, tr: Translator) -> Message:
    if by_match:
        text = tr.gettext("Someone else has reported the same person. Your held report %(ref)s has now been sent to "
                          "the committee, marked as released by a match.") % {"ref": ref}
    else:
        text = tr.gettext("Your report %(ref)s has been sent to the committee, as you asked.") % {"ref": ref}
    return Message(summary=tr.gettext("Your report %(ref)s was sent to the committee") % {"ref": ref},
                   blocks=(Text(text, bold=True),))


def withdrawn(ref: str, tr: Translator) -> Message:
    return Message(summary=tr.gettext("Your held report %(ref)s was withdrawn") % {"ref": ref},
                   blocks=(Text(tr.gettext("Your held report %(ref)s was withdrawn and its content deleted. Nobody "
                                           "on the committee ever saw it.") % {"ref": ref}, bold=True),))


def expiry_warning(ref: str, expires_at: datetime, tr: Translator) -> Message:
    return Message(summary=tr.gettext("Your held report %(ref)s will be deleted soon") % {"ref": ref},
                   blocks=(Text(tr.gettext("Nobody else has reported the same person yet. Your held report %(ref)s "
                                           "will be deleted on %(date)s unless you send it to the committee now.")
                                % {"ref": ref, "date": _date(expires_at)}, bold=True),
                           _buttons(ref, tr)))


def expired(ref: str, tr: Translator) -> Message:
    return Message(summary=tr.gettext("Your held report %(ref)s was deleted") % {"ref": ref},
                   blocks=(Text(tr.gettext("Your held report %(ref)s reached the end of its holding time without a "
                                           "match and was deleted. Nobody on the committee saw it. You can always "
                                           "file a new report.") % {"ref": ref}, bold=True),))


def released_by_match_note(ref: str, tr: Translator) -> Message:
    return Message(summary=tr.gettext("%(ref)s was released by a match") % {"ref": ref},
                   blocks=(Text(tr.gettext("Released by a match: the reporter of %(ref)s asked cocbot to hold it until "
                                           "someone else reported the same person. Another report has now named "
                                           "them.") % {"ref": ref}, bold=True),),
                   carries_report_content=True)


# What a forum reporter replies in their held report's PM instead of pressing a button.
FORUM_WORDS = {"release": "release", "send": "release", "send it": "release", "withdraw": "withdraw",
               "delete": "withdraw"}


def hold_word(raw: str) -> str | None:
    """"release" or "withdraw" when a reply is only one of those words (anything else is added information)."""
    return FORUM_WORDS.get(" ".join(raw.strip().strip(".!").lower().split()))


def not_yours(tr: Translator) -> str:
    return tr.gettext("Only the person who filed this report can release or withdraw it.")


def not_held(ref: str, tr: Translator) -> str:
    return tr.gettext("%(ref)s is no longer held: it was already sent, withdrawn or deleted. Nothing was changed.") % {
        "ref": ref}


def done_release(ref: str, tr: Translator) -> str:
    return tr.gettext("%(ref)s is on its way to the committee.") % {"ref": ref}


def done_withdraw(ref: str, tr: Translator) -> str:
    return tr.gettext("%(ref)s was withdrawn and its content deleted.") % {"ref": ref}


def home_heading(tr: Translator) -> str:
    return tr.gettext("Your held reports")


def home_line(ref: str, expires_at: datetime, tr: Translator) -> str:
    return tr.gettext("%(ref)s — held until someone else reports the same person, or until %(date)s") % {
        "ref": ref, "date": _date(expires_at)}
