"""What people are told. Kept together so tone and promises stay consistent across platforms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.i18n import N_, Translator, english
from cocbot.bot.i18n.formatting import number
from cocbot.bot.messages import (Block, Button, Buttons, Channel, Facts, Folded, Heading, Link, Message, Note, People,
                                 Text, UserText)
from cocbot.bot.reminders import deadlines
from cocbot.bot.reports.reporters import reachable
from cocbot.bot.triage import rules as triage
from cocbot.storage.reports import ReportRecord

# Labels are marked here and translated where they are shown: `tr.gettext(ANONYMITY_LABELS[key])`.
ANONYMITY_LABELS = {
    "named": N_("Named — the committee may mention you when following up"),
    "confidential": N_("Confidential — only the committee knows who you are"),
    "anonymous": N_("Anonymous — nobody, including the committee, is shown who you are"),
}

ONGOING_LABELS = {"yes": N_("Yes, it is ongoing"), "no": N_("No"), "unsure": N_("Not sure")}

SOURCE_LABELS = {"command": "/report", "message_shortcut": N_("Report message shortcut"), "form": N_("report form"),
                 "discourse_flag": N_("a flag on Discourse")}

EMERGENCY = N_(
    "If anyone is in immediate danger, contact local emergency services first. "
    "The committee has been told this report mentions danger."
)

# When storing a report fails (the database is locked, read-only or unreachable) and the form is still open.
# Sending the same modal or form again is safe: its key makes a report that was stored after all come back
# instead of a second one.
NOT_STORED = N_(
    "cocbot could not save your report just now, so it has not been sent yet. Please send it again in a "
    "moment; it will not be sent twice. If this keeps happening, contact a committee member directly."
)
UNSTORABLE_CHARACTER = N_(
    "This contains a character that cannot be saved (a broken emoji or symbol). Please remove or retype it."
)
# A report whose storing outlasts the platform's answer window. Each says only what is known.
STORING_SLOWLY = N_(
    "Your report is being saved; this is taking longer than usual. Keep this window open: it will show "
    "your report's reference once it is stored, and cocbot will also send you a direct message with it."
)
# The same, once the modal has already been answered with STORING_SLOWLY.
NOT_STORED_LATE = N_(
    "Your report could not be stored, so nothing was sent to the committee. Please try again with /report "
    "in a few minutes. If it keeps failing, contact a committee member directly."
)
NOT_CONFIRMED = N_(
    "We could not confirm that your report was stored. If it was, cocbot will send you a direct message "
    "with its reference within a few minutes. If no message arrives, please send it again with /report; "
    "sending it twice does no harm."
)


def _plural(value: float) -> int:
    """The count a plural form is chosen by: 1.5 hours reads as many."""
    return int(value) if value == int(value) else 2


def hours(value: float, tr: Translator) -> str:
    return tr.ngettext("%(n)s hour", "%(n)s hours", _plural(value)) % {"n": number(value, tr)}


def days(value: float, tr: Translator) -> str:
    return tr.ngettext("%(n)s day", "%(n)s days", _plural(value)) % {"n": number(value, tr)}


def what_happens_next(config: CommunityConfig, tr: Translator = english()) -> str:
    return tr.gettext(
        "The committee will acknowledge it within %(hours)s, or on the next working day if it arrived on a "
        "weekend or holiday, and will get back to you within %(days)s with a resolution or an explanation of "
        "where things stand. Nobody you named or excluded will see it."
    ) % {"hours": hours(config.policy.acknowledge_within_hours, tr),
         "days": days(config.policy.respond_within_days, tr)}


def reporter_confirmation(report: ReportRecord, config: CommunityConfig, tr: Translator = english()) -> Message:
    ref, community = report.ref, config.community.name
    blocks: list = [
        Heading(tr.gettext("Your report %(ref)s was received") % {"ref": ref}),
        # Rendered when the DM is sent: it says "passed to the committee" only once that is true.
        Text(tr.gettext("Thank you for telling us. It is stored safely and has been passed to the Code of Conduct "
                        "committee of %(community)s.") % {"community": community}
             if report.delivery_state in ("delivered", "escalated") else
             tr.gettext("Thank you for telling us. It is stored safely and will reach the Code of Conduct "
                        "committee of %(community)s as soon as it can be delivered.") % {"community": community}),
        Text(what_happens_next(config, tr)),
    ]
    if report.anonymity == "anonymous":
        blocks.append(Note(tr.gettext("You reported anonymously: the committee is not shown who you are. If they "
                                      "have a question, cocbot will relay it here and you can choose whether to "
                                      "answer.")))
    elif report.anonymity == "confidential":
        blocks.append(Note(tr.gettext("Your identity is visible only to the committee.")))
    if report.danger:
        blocks.append(Text(tr.gettext(EMERGENCY), bold=True))
    blocks.append(Buttons((Button("add_information", tr.gettext("Add information"), ref, "primary"),)))
    if config.community.code_of_conduct_url:
        blocks.append(Link(tr.gettext("Code of Conduct"), config.community.code_of_conduct_url))
    return Message(summary=tr.gettext("Your report %(ref)s was received") % {"ref": ref}, blocks=tuple(blocks),
                   locale=tr.locale)


def reporter_held(report: ReportRecord, config: CommunityConfig, tr: Translator = english()) -> Message:
    ref = {"ref": report.ref}
    return Message(
        summary=tr.gettext("Your report %(ref)s is saved but could not be passed on yet") % ref,
        blocks=(
            Heading(tr.gettext("Your report %(ref)s is saved, but nobody could receive it yet") % ref),
            Text(tr.gettext("Everyone who could receive it — every committee member and the escalation contact — "
                            "is among the people you named or asked to exclude. So it has not been shown to "
                            "anyone.")),
            Text(tr.gettext("The person who runs cocbot has been told that a report is waiting, without any of its "
                            "content or your name. You can also raise it through another route you trust, such "
                            "as an organiser of the community outside the committee.")),
        ), locale=tr.locale)


def addendum_received(ref: str, tr: Translator = english()) -> str:
    return tr.gettext("Thank you. Your additional information was added to report %(ref)s; cocbot is passing it "
                      "to the committee.") % {"ref": ref}


def _reporter_blocks(report: ReportRecord, tr: Translator) -> list:
    if not reachable(report.reporter):
        how = (tr.gettext("Cannot be contacted: a flag cocbot found on the forum without its webhook, so who "
                          "flagged is not known. Nothing can be relayed to them.")
               if report.reporter.startswith("unknown:") else
               tr.gettext("Cannot be contacted: the public report form, by someone without an account. Nothing "
                          "can be relayed to them."))
        return [Facts(((tr.gettext("Reporter"), how),))]
    if report.anonymity == "anonymous":
        return [Facts(((tr.gettext("Reporter"),
                        tr.gettext("Anonymous — cocbot can relay questions without revealing who they are")),))]
    label = (tr.gettext("Reporter (named)") if report.anonymity == "named"
             else tr.gettext("Reporter (confidential: keep within the committee)"))
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


def _describe(deadline: triage.Deadline, config: CommunityConfig, now: datetime, tr: Translator) -> str:
    when = deadlines.describe_deadline(deadline.at, _calendar(config), tr)
    if deadline.at < now:
        return tr.gettext("%(when)s (overdue by %(age)s)") % {"when": when,
                                                              "age": triage.describe_age(now - deadline.at, tr)}
    return tr.gettext("%(when)s (in %(age)s)") % {"when": when, "age": triage.describe_age(deadline.at - now, tr)}


def state_label(state: str, tr: Translator = english()) -> str:
    try:
        return tr.gettext(triage.STATE_LABELS[triage.State(state)])
    except ValueError:
        return state


def _deadline_pair(deadline: triage.Deadline | None, config: CommunityConfig, at: datetime,
                   tr: Translator) -> tuple[str, str]:
    if deadline is None:
        return tr.gettext("Next deadline"), tr.gettext("none")
    return tr.gettext(deadline.label), _describe(deadline, config, at, tr)


def _outcome(outcome: str, tr: Translator) -> str:
    try:
        return tr.gettext(triage.OUTCOME_LABELS[triage.Outcome(outcome)])
    except (ValueError, KeyError):
        return outcome


def status_blocks(report: ReportRecord, config: CommunityConfig, now: datetime | None, *,
                  outcome: str | None = None, tr: Translator = english()) -> list[Block]:
    at = _now(report, now)
    pairs = [(tr.gettext("State"), state_label(report.state, tr)),
             (tr.gettext("Age"), triage.describe_age(at - report.created_at, tr))]
    pairs.append(_deadline_pair(_deadline(report, config), config, at, tr))
    if report.category:
        pairs.append((tr.gettext("Category"), report.category))
    if outcome:
        pairs.append((tr.gettext("Decision"), _outcome(outcome, tr)))
    blocks: list[Block] = [Facts(tuple(pairs))]
    blocks.append(People(tr.gettext("Owner"), (report.owner,) if report.owner else (),
                         empty=tr.gettext("nobody yet — use Assign to me")))
    return blocks


def buttons(report: ReportRecord, config: CommunityConfig, tr: Translator = english()) -> Buttons:
    specs = triage.buttons_for(report.state, details_on_demand=config.triage.details_on_demand)
    if report.owner is None:  # nobody to reassign from: "Assign to me" takes an unowned report
        specs = tuple(s for s in specs if s.action != "triage_reassign")
    return Buttons(tuple(Button(s.action, tr.gettext(s.label), report.ref, s.style) for s in specs))


def whole_report(report: ReportRecord, tr: Translator = english()) -> Button:
    """Where a member reads everything when a platform had to shorten a message about the report."""
    return Button(triage.VIEW_BUTTON.action, tr.gettext("View the whole report"), report.ref)


def summary_message(report: ReportRecord, config: CommunityConfig, now: datetime | None, *,
                    outcome: str | None = None, tr: Translator = english()) -> Message:
    """Details on demand: nothing of the account is in the channel's history."""
    at = _now(report, now)
    pairs = [(tr.gettext("Reference"), report.ref),
             (tr.gettext("Category"), report.category or tr.gettext("not assessed yet")),
             (tr.gettext("State"), state_label(report.state, tr))]
    pairs.append(_deadline_pair(_deadline(report, config), config, at, tr))
    if outcome:
        pairs.append((tr.gettext("Decision"), _outcome(outcome, tr)))
    title = tr.gettext("Code of Conduct report %(ref)s") % {"ref": report.ref}
    blocks: list[Block] = [Heading(title), Facts(tuple(pairs)),
                           People(tr.gettext("Owner"), (report.owner,) if report.owner else (),
                                  empty=tr.gettext("nobody yet"))]
    blocks += _warning_blocks(report, tr)
    if report.danger:
        blocks.append(Text(tr.gettext("The reporter said someone may be in immediate danger: check on safety "
                                      "first."), bold=True))
    blocks.append(Note(tr.gettext("Details on demand: the report is not shown here. Press View report to read "
                                  "it; every view is recorded in the report's history.")))
    blocks.append(buttons(report, config, tr))
    return Message(summary=title, blocks=tuple(blocks), carries_report_content=True, locale=tr.locale)


# ---- the report's message in its space ----

def committee_report(report: ReportRecord, config: CommunityConfig, now: datetime | None = None, *,
                     full: bool = False, outcome: str | None = None, tr: Translator | None = None) -> Message:
    """The report's message in its space, with its triage status and buttons (updated in place), in the
    committee's language unless `tr` says otherwise.

    With details on demand it holds only reference, category, state and deadline; `full` gives the whole
    report without buttons (the "View report" modal).
    """
    from cocbot.bot.i18n import translator

    config = _with_warning(report, config)
    tr = tr or translator(config.community.language)
    if config.triage.details_on_demand and not full:
        return summary_message(report, config, now, outcome=outcome, tr=tr)
    received = report.created_at.strftime("%Y-%m-%d %H:%M UTC")
    facts = [
        (tr.gettext("Reference"), report.ref),
        (tr.gettext("Received"), received),
        (tr.gettext("Via"), tr.gettext(SOURCE_LABELS[report.source]) if report.source in SOURCE_LABELS
         else report.source),
        (tr.gettext("Ongoing"), tr.gettext(ONGOING_LABELS.get(report.ongoing or "unsure", ONGOING_LABELS["unsure"]))),
        (tr.gettext("Anyone in immediate danger"),
         tr.gettext("YES — check on safety first") if report.danger else tr.gettext("No")),
    ]
    title = tr.gettext("Code of Conduct report %(ref)s") % {"ref": report.ref}
    blocks: list = [Heading(title), Facts(tuple(facts))]
    if not full:
        blocks += status_blocks(report, config, now, outcome=outcome, tr=tr)
    blocks.append(UserText(tr.gettext("What happened"), report.description))
    if report.when:
        blocks.append(UserText(tr.gettext("When"), report.when))
    if report.where_channel:
        blocks.append(Channel(tr.gettext("Where"), report.where_channel))
    if report.where_text:
        blocks.append(UserText(tr.gettext("Where (as described)"), report.where_text))
    blocks.append(People(tr.gettext("People involved"), report.implicated, empty=tr.gettext("none named")))
    if report.implicated_other:
        blocks.append(UserText(tr.gettext("Others involved (as described)"), report.implicated_other))
    if report.witnesses:
        blocks.append(People(tr.gettext("Witnesses"), report.witnesses, empty=tr.gettext("none named")))
    if report.flagged_ts:
        if report.flagged_permalink:
            blocks.append(Link(tr.gettext("Flagged message"), report.flagged_permalink))
        if report.flagged_author:
            blocks.append(People(tr.gettext("Author of the flagged message"), (report.flagged_author,)))
        blocks.append(UserText(tr.gettext("The message as it was when flagged"),
                               report.snapshot or tr.gettext("(no text)"), quote=True))
    blocks += _reporter_blocks(report, tr)
    blocks += _behalf_blocks(report, tr)
    if report.excluded:
        blocks.append(People(tr.gettext("Excluded by the reporter — do not discuss this report with"),
                             report.excluded))
    if report.space_kind == "escalation":
        blocks.append(Note(tr.gettext("You received this as the escalation contact because every committee "
                                      "member is implicated or excluded. Please handle it outside the "
                                      "committee.")))
    elif report.space_kind == "private_space":
        blocks.append(Note(tr.gettext("This private space holds only the committee members who may see this "
                                      "report.")))
    if not full:
        blocks.append(buttons(report, config, tr))
    summary = tr.gettext("New Code of Conduct report %(ref)s") % {"ref": report.ref} if report.state == "new" \
        else title
    return Message(summary=summary, blocks=tuple(blocks), carries_report_content=True,
                   more=None if full else whole_report(report, tr), locale=tr.locale)


def committee_addendum(report: ReportRecord, text: str, *, details_on_demand: bool = False,
                       tr: Translator = english()) -> Message:
    ref = {"ref": report.ref}
    if report.content_warning and not details_on_demand:
        return Message(summary=tr.gettext("More information for %(ref)s") % ref,
                       blocks=(Text(tr.gettext("The reporter added information to %(ref)s.") % ref, bold=True),
                               *behind_warning(report, (UserText("", text),), tr)),
                       carries_report_content=True, locale=tr.locale)
    if details_on_demand:
        return Message(summary=tr.gettext("More information for %(ref)s") % ref,
                       blocks=(Text(tr.gettext("The reporter added information to %(ref)s.") % ref, bold=True),
                               Note(tr.gettext("Details on demand: press View report on the report's message to "
                                               "read it."))),
                       carries_report_content=True, locale=tr.locale)
    return Message(
        summary=tr.gettext("More information for %(ref)s") % ref,
        blocks=(Text(tr.gettext("The reporter added information to %(ref)s:") % ref, bold=True),
                UserText("", text)),
        carries_report_content=True, more=whole_report(report, tr), locale=tr.locale)


def _behalf_blocks(report: ReportRecord, tr: Translator) -> list[Block]:
    """Who filed a report made on someone's behalf, and whether that person has confirmed it."""
    from cocbot.bot.reports.behalf import texts as behalf_texts

    return behalf_texts.committee_blocks(tr, report)


def _with_warning(report: ReportRecord, config: CommunityConfig) -> CommunityConfig:
    """A report with a content warning is shown as details on demand shows every report."""
    from cocbot.bot.reports.warnings import details_on_demand_for

    return details_on_demand_for(report, config)


def _warning_blocks(report: ReportRecord, tr: Translator) -> list[Block]:
    from cocbot.bot.reports.warnings import warning_blocks

    return warning_blocks(report, tr)


def behind_warning(report: ReportRecord, blocks: Sequence[Block], tr: Translator = english()) -> list[Block]:
    """What people wrote in a post about the report: as it is, or, when the report has a content warning,
    folded behind it (who and when stay outside, in the caller's blocks) with the button to read it all."""
    if not report.content_warning:
        return list(blocks)
    return [Folded(report.content_warning, tuple(blocks)), Buttons((whole_report(report, tr),))]
