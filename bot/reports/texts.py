"""What people are told. Kept together so tone and promises stay consistent across platforms."""

from __future__ import annotations

from datetime import datetime

from cocbot.bot.reports.reporters import reachable
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messages import Button, Buttons, Channel, Facts, Heading, Link, Message, Note, People, Text, UserText
from cocbot.storage.reports import ReportRecord

ANONYMITY_LABELS = {
    "named": "Named — the committee may mention you when following up",
    "confidential": "Confidential — only the committee knows who you are",
    "anonymous": "Anonymous — nobody, including the committee, is shown who you are",
}

ONGOING_LABELS = {"yes": "Yes, it is ongoing", "no": "No", "unsure": "Not sure"}

SOURCE_LABELS = {"command": "/report", "message_shortcut": "Report message shortcut", "form": "report form",
                 "discourse_flag": "a flag on Discourse"}

EMERGENCY = (
    "If anyone is in immediate danger, contact local emergency services first. "
    "The committee has been told this report mentions danger."
)

# When storing a report fails (the database is locked, read-only or unreachable) and the form is still open.
# Sending the same modal or form again is safe: its key makes a report that was stored after all come back
# instead of a second one.
NOT_STORED = (
    "cocbot could not save your report just now, so it has not been sent yet. Please send it again in a "
    "moment; it will not be sent twice. If this keeps happening, contact a committee member directly."
)
UNSTORABLE_CHARACTER = (
    "This contains a character that cannot be saved (a broken emoji or symbol). Please remove or retype it."
)
# A report whose storing outlasts the platform's answer window. Each says only what is known.
STORING_SLOWLY = (
    "Your report is being saved; this is taking longer than usual. Keep this window open: it will show "
    "your report's reference once it is stored, and cocbot will also send you a direct message with it."
)
# The same, once the modal has already been answered with STORING_SLOWLY.
NOT_STORED_LATE = (
    "Your report could not be stored, so nothing was sent to the committee. Please try again with /report "
    "in a few minutes. If it keeps failing, contact a committee member directly."
)
NOT_CONFIRMED = (
    "We could not confirm that your report was stored. If it was, cocbot will send you a direct message "
    "with its reference within a few minutes. If no message arrives, please send it again with /report; "
    "sending it twice does no harm."
)


def _hours(config: CommunityConfig) -> str:
    h = config.policy.acknowledge_within_hours
    return f"{h:g} hours"


def what_happens_next(config: CommunityConfig) -> str:
    days = config.policy.respond_within_days
    return (
        f"The committee will acknowledge it within {_hours(config)}, or on the next working day if it "
        f"arrived on a weekend or holiday, and will get back to you within {days:g} days with a "
        "resolution or an explanation of where things stand. Nobody you named or excluded will see it."
    )


def reporter_confirmation(report: ReportRecord, config: CommunityConfig) -> Message:
    blocks: list = [
        Heading(f"Your report {report.ref} was received"),
        Text("Thank you for telling us. It is stored safely and has been passed to the Code of Conduct "
             f"committee of {config.community.name}."),
        Text(what_happens_next(config)),
    ]
    if report.anonymity == "anonymous":
        blocks.append(Note("You reported anonymously: the committee is not shown who you are. If they have a "
                           "question, cocbot will relay it here and you can choose whether to answer."))
    elif report.anonymity == "confidential":
        blocks.append(Note("Your identity is visible only to the committee."))
    if report.danger:
        blocks.append(Text(EMERGENCY, bold=True))
    blocks.append(Buttons((Button("add_information", "Add information", report.ref, "primary"),)))
    if config.community.code_of_conduct_url:
        blocks.append(Link("Code of Conduct", config.community.code_of_conduct_url))
    return Message(summary=f"Your report {report.ref} was received", blocks=tuple(blocks))


def reporter_held(report: ReportRecord, config: CommunityConfig) -> Message:
    return Message(
        summary=f"Your report {report.ref} is saved but could not be passed on yet",
        blocks=(
            Heading(f"Your report {report.ref} is saved, but nobody could receive it yet"),
            Text("Everyone who could receive it — every committee member and the escalation contact — is "
                 "among the people you named or asked to exclude. So it has not been shown to anyone."),
            Text("The person who runs cocbot has been told that a report is waiting, without any of its "
                 "content or your name. You can also raise it through another route you trust, such as "
                 "an organiser of the community outside the committee."),
        ),
    )


def addendum_received(ref: str) -> str:
    return f"Thank you. Your additional information was added to report {ref} and passed to the committee."


def _reporter_blocks(report: ReportRecord) -> list:
    if not reachable(report.reporter):
        how = ("a flag cocbot found on the forum without its webhook, so who flagged is not known"
               if report.reporter.startswith("unknown:") else "the public report form, by someone without an account")
        return [Facts((("Reporter", f"Cannot be contacted: {how}. Nothing can be relayed to them."),))]
    if report.anonymity == "anonymous":
        return [Facts((("Reporter", "Anonymous — cocbot can relay questions without revealing who they are"),))]
    label = "Reporter (named)" if report.anonymity == "named" else "Reporter (confidential: keep within the committee)"
    return [People(label, (report.reporter,))]


def committee_report(report: ReportRecord, config: CommunityConfig, now: datetime | None = None, *,
                     full: bool = False, outcome: str | None = None) -> Message:
    """The report's message in its space, with its triage status and buttons (updated in place).

    With details on demand it holds only reference, category, state and deadline; `full` gives the whole
    report without buttons (the "View report" modal).
    """
    from cocbot.bot.triage import texts as triage_texts

    if config.triage.details_on_demand and not full:
        return triage_texts.summary_message(report, config, now, outcome=outcome)
    received = report.created_at.strftime("%Y-%m-%d %H:%M UTC")
    facts = [
        ("Reference", report.ref),
        ("Received", received),
        ("Via", SOURCE_LABELS.get(report.source, report.source)),
        ("Ongoing", ONGOING_LABELS.get(report.ongoing, "Not sure")),
        ("Anyone in immediate danger", "YES — check on safety first" if report.danger else "No"),
    ]
    blocks: list = [Heading(f"Code of Conduct report {report.ref}"), Facts(tuple(facts))]
    if not full:
        blocks += triage_texts.status_blocks(report, config, now, outcome=outcome)
    blocks.append(UserText("What happened", report.description))
    if report.when:
        blocks.append(UserText("When", report.when))
    if report.where_channel:
        blocks.append(Channel("Where", report.where_channel))
    if report.where_text:
        blocks.append(UserText("Where (as described)", report.where_text))
    blocks.append(People("People involved", report.implicated))
    if report.implicated_other:
        blocks.append(UserText("Others involved (as described)", report.implicated_other))
    if report.witnesses:
        blocks.append(People("Witnesses", report.witnesses))
    if report.flagged_ts:
        if report.flagged_permalink:
            blocks.append(Link("Flagged message", report.flagged_permalink))
        if report.flagged_author:
            blocks.append(People("Author of the flagged message", (report.flagged_author,)))
        blocks.append(UserText("The message as it was when flagged", report.snapshot or "(no text)", quote=True))
    blocks += _reporter_blocks(report)
    if report.excluded:
        blocks.append(People("Excluded by the reporter — do not discuss this report with", report.excluded))
    if report.space_kind == "escalation":
        blocks.append(Note("You received this as the escalation contact because every committee member is "
                           "implicated or excluded. Please handle it outside the committee."))
    elif report.space_kind == "private_space":
        blocks.append(Note("This private space holds only the committee members who may see this report."))
    if not full:
        blocks.append(triage_texts.buttons(report, config))
    summary = f"New Code of Conduct report {report.ref}" if report.state == "new" else (
        f"Code of Conduct report {report.ref}")
    return Message(summary=summary, blocks=tuple(blocks), carries_report_content=True,
                   more=None if full else triage_texts.whole_report(report))


def committee_addendum(report: ReportRecord, text: str, *, details_on_demand: bool = False) -> Message:
    if details_on_demand:
        return Message(summary=f"More information for {report.ref}",
                       blocks=(Text(f"The reporter added information to {report.ref}.", bold=True),
                               Note("Details on demand: press View report on the report's message to read it.")),
                       carries_report_content=True)
    from cocbot.bot.triage import texts as triage_texts

    return Message(
        summary=f"More information for {report.ref}",
        blocks=(Text(f"The reporter added information to {report.ref}:", bold=True),
                UserText("", text)),
        carries_report_content=True, more=triage_texts.whole_report(report),
    )
