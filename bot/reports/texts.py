"""What people are told. Kept together so tone and promises stay consistent across platforms."""

from __future__ import annotations

from datetime import datetime

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.messages import (Block, Button, Buttons, Channel, Facts, Heading, Link, Message, Note, People, Text,
                                 UserText)
from cocbot.bot.reminders import deadlines
from cocbot.bot.reports.reporters import reachable
from cocbot.bot.triage import rules as triage
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
        # Rendered when the DM is sent: it says "passed to the committee" only once that is true.
        Text("Thank you for telling us. It is stored safely and has been passed to the Code of Conduct "
             f"committee of {config.community.name}." if report.delivery_state in ("delivered", "escalated") else
             "Thank you for telling us. It is stored safely and will reach the Code of Conduct committee "
             f"of {config.community.name} as soon as it can be delivered."),
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
    return f"Thank you. Your additional information was added to report {ref}; cocbot is passing it to the committee."


def _reporter_blocks(report: ReportRecord) -> list:
    if not reachable(report.reporter):
        how = ("a flag cocbot found on the forum without its webhook, so who flagged is not known"
               if report.reporter.startswith("unknown:") else "the public report form, by someone without an account")
        return [Facts((("Reporter", f"Cannot be contacted: {how}. Nothing can be relayed to them."),))]
    if report.anonymity == "anonymous":
        return [Facts((("Reporter", "Anonymous — cocbot can relay questions without revealing who they are"),))]
    label = "Reporter (named)" if report.anonymity == "named" else "Reporter (confidential: keep within the committee)"
    return [People(label, (report.reporter,))]


# ---- the triage status on the report's message in its space ----

def _now(report: ReportRecord, now: datetime | None) -> datetime:
    return now or report.created_at


def _deadline(report: ReportRecord, config: CommunityConfig) -> triage.Deadline | None:
    """The deadline exactly as the reminders count it (working days, holidays, the committee's zone)."""
    found = deadlines.current_deadline(report.state, created_at=report.created_at,
                                       acknowledged_at=report.acknowledged_at, reopened_at=report.reopened_at,
                                       policy=config.policy, calendar=_calendar(config),
                                       event_mode=report.event_mode)
    return None if found is None else triage.Deadline(*found)


def _calendar(config: CommunityConfig) -> deadlines.WorkingCalendar:
    return deadlines.calendar_from_policy(config.policy)


def _describe(deadline: triage.Deadline, config: CommunityConfig, now: datetime) -> str:
    when = deadlines.describe_deadline(deadline.at, _calendar(config))
    if deadline.at < now:
        return f"{when} (overdue by {triage.describe_age(now - deadline.at)})"
    return f"{when} (in {triage.describe_age(deadline.at - now)})"


def state_label(state: str) -> str:
    try:
        return triage.STATE_LABELS[triage.State(state)]
    except ValueError:
        return state


def status_blocks(report: ReportRecord, config: CommunityConfig, now: datetime | None, *,
                  outcome: str | None = None) -> list[Block]:
    at = _now(report, now)
    pairs = [("State", state_label(report.state)), ("Age", triage.describe_age(at - report.created_at))]
    deadline = _deadline(report, config)
    pairs.append((deadline.label, _describe(deadline, config, at)) if deadline
                 else ("Next deadline", "none"))
    if report.category:
        pairs.append(("Category", report.category))
    if outcome:
        pairs.append(("Decision", triage.OUTCOME_LABELS.get(triage.Outcome(outcome), outcome)))
    blocks: list[Block] = [Facts(tuple(pairs))]
    blocks.append(People("Owner", (report.owner,) if report.owner else (), empty="nobody yet — use Assign to me"))
    return blocks


def buttons(report: ReportRecord, config: CommunityConfig) -> Buttons:
    specs = triage.buttons_for(report.state, details_on_demand=config.triage.details_on_demand)
    if report.owner is None:  # nobody to reassign from: "Assign to me" takes an unowned report
        specs = tuple(s for s in specs if s.action != "triage_reassign")
    return Buttons(tuple(Button(s.action, s.label, report.ref, s.style) for s in specs))


def whole_report(report: ReportRecord) -> Button:
    """Where a member reads everything when a platform had to shorten a message about the report."""
    return Button(triage.VIEW_BUTTON.action, "View the whole report", report.ref)


def summary_message(report: ReportRecord, config: CommunityConfig, now: datetime | None, *,
                    outcome: str | None = None) -> Message:
    """Details on demand: nothing of the account is in the channel's history."""
    at = _now(report, now)
    pairs = [("Reference", report.ref), ("Category", report.category or "not assessed yet"),
             ("State", state_label(report.state))]
    deadline = _deadline(report, config)
    pairs.append((deadline.label, _describe(deadline, config, at)) if deadline
                 else ("Next deadline", "none"))
    if outcome:
        pairs.append(("Decision", triage.OUTCOME_LABELS.get(triage.Outcome(outcome), outcome)))
    blocks: list[Block] = [Heading(f"Code of Conduct report {report.ref}"), Facts(tuple(pairs)),
                           People("Owner", (report.owner,) if report.owner else (), empty="nobody yet")]
    blocks += _warning_blocks(report)
    if report.danger:
        blocks.append(Text("The reporter said someone may be in immediate danger: check on safety first.",
                           bold=True))
    blocks.append(Note("Details on demand: the report is not shown here. Press View report to read it; "
                       "every view is recorded in the report's history."))
    blocks.append(buttons(report, config))
    return Message(summary=f"Code of Conduct report {report.ref}", blocks=tuple(blocks),
                   carries_report_content=True)


# ---- the report's message in its space ----

def committee_report(report: ReportRecord, config: CommunityConfig, now: datetime | None = None, *,
                     full: bool = False, outcome: str | None = None) -> Message:
    """The report's message in its space, with its triage status and buttons (updated in place).

    With details on demand it holds only reference, category, state and deadline; `full` gives the whole
    report without buttons (the "View report" modal).
    """
    config = _with_warning(report, config)
    if config.triage.details_on_demand and not full:
        return summary_message(report, config, now, outcome=outcome)
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
        blocks += status_blocks(report, config, now, outcome=outcome)
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
    blocks += _behalf_blocks(report)
    if report.excluded:
        blocks.append(People("Excluded by the reporter — do not discuss this report with", report.excluded))
    if report.space_kind == "escalation":
        blocks.append(Note("You received this as the escalation contact because every committee member is "
                           "implicated or excluded. Please handle it outside the committee."))
    elif report.space_kind == "private_space":
        blocks.append(Note("This private space holds only the committee members who may see this report."))
    if not full:
        blocks.append(buttons(report, config))
    summary = f"New Code of Conduct report {report.ref}" if report.state == "new" else (
        f"Code of Conduct report {report.ref}")
    return Message(summary=summary, blocks=tuple(blocks), carries_report_content=True,
                   more=None if full else whole_report(report))


def committee_addendum(report: ReportRecord, text: str, *, details_on_demand: bool = False) -> Message:
    if details_on_demand:
        return Message(summary=f"More information for {report.ref}",
                       blocks=(Text(f"The reporter added information to {report.ref}.", bold=True),
                               Note("Details on demand: press View report on the report's message to read it.")),
                       carries_report_content=True)
    return Message(
        summary=f"More information for {report.ref}",
        blocks=(Text(f"The reporter added information to {report.ref}:", bold=True),
                UserText("", text)),
        carries_report_content=True, more=whole_report(report),
    )


def _behalf_blocks(report: ReportRecord) -> list[Block]:
    """Who filed a report made on someone's behalf, and whether that person has confirmed it."""
    from cocbot.bot.i18n import english
    from cocbot.bot.reports import behalf_texts

    return behalf_texts.committee_blocks(english(), report)


def _with_warning(report: ReportRecord, config: CommunityConfig) -> CommunityConfig:
    """A report with a content warning is shown as details on demand shows every report."""
    from cocbot.bot.reports.warnings import details_on_demand_for

    return details_on_demand_for(report, config)


def _warning_blocks(report: ReportRecord) -> list[Block]:
    from cocbot.bot.reports.warnings import warning_blocks

    return warning_blocks(report)
