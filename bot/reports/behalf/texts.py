"""What is said about a report filed on someone's behalf."""

from __future__ import annotations

from cocbot.bot.i18n import Translator
from cocbot.bot.messages import Block, Button, Buttons, Heading, Message, Note, People, Person, Text, UserText
from cocbot.storage.reports import ReportRecord

ANONYMITY_CHOICES = (("behalf_confirm_named", "Confirm, and share my name"),
                     ("behalf_confirm_confidential", "Confirm, confidentially"),
                     ("behalf_confirm_anonymous", "Confirm, anonymously"))


def only_facilitators(tr: Translator) -> str:
    return tr.gettext("Only facilitators and committee members can file a report for someone else. To report "
                      "something you saw, leave this empty.")


def one_or_the_other(tr: Translator) -> str:
    return tr.gettext("Choose the person, or write a name and contact if they are not here — not both.")


def not_yourself(tr: Translator) -> str:
    return tr.gettext("To report for yourself, leave this empty.")


def not_someone_named(tr: Translator) -> str:
    return tr.gettext("The person you file for is also named as involved or excluded. Please check.")


def too_long(tr: Translator, n: int, limit: int) -> str:
    return tr.gettext("This is %(n)d characters; the limit is %(limit)d.") % {"n": n, "limit": limit}


def only_the_person(tr: Translator) -> str:
    return tr.gettext("Only the person this report was filed for can confirm it. Nothing was changed.")


def already_confirmed(tr: Translator, ref: str) -> str:
    return tr.gettext("You have already confirmed %(ref)s.") % {"ref": ref}


def confirmed(tr: Translator, ref: str) -> str:
    return tr.gettext("Thank you. %(ref)s is now your report: the committee knows you confirmed it, and you "
                      "will hear from them directly.") % {"ref": ref}


def review(tr: Translator, report: ReportRecord) -> Message:
    """To the person it is for: their account as written down by someone else, to confirm or correct."""
    head = tr.gettext("A report was filed for you: %(ref)s") % {"ref": report.ref}
    blocks: list[Block] = [
        Heading(head),
        Person(tr.gettext("Filed by"), report.filed_by or ""),
        Text(tr.gettext("They wrote down what you told them and passed it to the Code of Conduct committee. Please "
                        "check it. If it is right, confirm it and choose how the committee handles your identity; "
                        "if something is wrong or missing, add a correction.")),
        UserText(tr.gettext("What they wrote"), report.description),
        Buttons((*(Button(action, tr.gettext(label), report.ref, style="primary" if i == 1 else None)
                   for i, (action, label) in enumerate(ANONYMITY_CHOICES)),
                 Button("add_information", tr.gettext("Add a correction"), report.ref))),
        Note(tr.gettext("Until you confirm, the committee sees that it was filed on your behalf and not yet "
                        "confirmed by you.")),
    ]
    return Message(summary=head, blocks=tuple(blocks), carries_report_content=True)


def receipt(tr: Translator, report: ReportRecord) -> Message:
    """To the one who filed it: what a witness is told, nothing more."""
    text = tr.gettext("Thank you for passing this on. Report %(ref)s was received and is going to the Code of "
                      "Conduct committee.") % {"ref": report.ref}
    after = (tr.gettext("The person it is for has been asked to review and confirm it; from then on the committee "
                        "deals with them directly. As with a witness, you will not be told more unless the "
                        "committee needs you.") if not report.reporter.startswith("public:") else
             tr.gettext("The committee will reach the person it is for through the contact you gave. As with a "
                        "witness, you will not be told more unless the committee needs you."))
    return Message(summary=text, blocks=(Text(text), Text(after)))


def committee_blocks(tr: Translator, report: ReportRecord) -> list[Block]:
    """In the committee's copy of the report."""
    if not report.filed_by:
        return []
    blocks: list[Block] = [People(tr.gettext("Filed by"), (report.filed_by,))]
    if report.on_behalf_other:
        blocks.append(UserText(tr.gettext("Filed on behalf of (not on this platform; name and contact)"),
                               report.on_behalf_other))
    elif report.behalf_confirmed:
        blocks.append(Text(tr.gettext("Filed on behalf of the reporter, who has confirmed it.")))
    else:
        blocks.append(Text(tr.gettext("Filed on behalf of the reporter, not yet confirmed by them."), bold=True))
    return blocks


def confirmed_note(tr: Translator, report: ReportRecord) -> Message:
    text = tr.gettext("The person report %(ref)s was filed for has confirmed it; they are its reporter from now "
                      "on.") % {"ref": report.ref}
    return Message(summary=text, blocks=(Text(text),), carries_report_content=True)
