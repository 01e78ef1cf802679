"""Committee triage: states, who may act, which transitions are legal, what each cell of the risk × impact
matrix suggests, which outcomes exist and what the reporter is told. Pure functions of plain values; the
service in bot/triage_service.py applies the decisions to storage and the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from collections.abc import Iterable, Mapping
from typing import Any

from cocbot.bot.i18n.catalogs import N_, Translator, english
from cocbot.bot.i18n.phrases import english_of, term


class State(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    DECIDED = "decided"
    CLOSED = "closed"


STATE_LABELS = {
    State.NEW: N_("New — not yet acknowledged"),
    State.ACKNOWLEDGED: N_("Acknowledged"),
    State.IN_PROGRESS: N_("In progress"),
    State.DECIDED: N_("Decided"),
    State.CLOSED: N_("Closed"),
}
# The same states inside a sentence ("R-12 is already acknowledged").
STATE_WORDS = {
    State.NEW: N_("new and not yet acknowledged"),
    State.ACKNOWLEDGED: N_("acknowledged"),
    State.IN_PROGRESS: N_("in progress"),
    State.DECIDED: N_("decided"),
    State.CLOSED: N_("closed"),
}


class Action(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ASSIGN = "assign"
    RECUSE = "recuse"
    ASSESS = "assess"
    NOTE = "note"
    ASK = "ask"
    DECIDE = "decide"
    APPROVE_ANNOUNCEMENT = "approve_announcement"
    CLOSE = "close"
    REOPEN = "reopen"
    VIEW = "view"
    HISTORY = "history"


ALL = frozenset(State)
OPEN = frozenset({State.NEW, State.ACKNOWLEDGED, State.IN_PROGRESS, State.DECIDED})
WORKING = frozenset({State.ACKNOWLEDGED, State.IN_PROGRESS})


@dataclass(frozen=True)
class Rule:
    allowed_from: frozenset[State]
    # None: the state stays as it is. A mapping lets "acknowledged" become "in progress" on first work.
    to: State | None = None
    # Why it is refused in any other state; `{ref}` and `{state}` are filled in.
    refusal: str = "{ref} is {state}; that cannot be done now."
    # A more specific reason for particular states.
    by_state: tuple[tuple[State, str], ...] = ()


# Work on an acknowledged report (assessing, asking, noting, assigning) puts it "in progress".
_START_WORK = State.IN_PROGRESS

RULES: dict[Action, Rule] = {
    Action.ACKNOWLEDGE: Rule(frozenset({State.NEW}), State.ACKNOWLEDGED,
                             N_("%(ref)s is already %(state)s; the reporter was told once.")),
    Action.ASSIGN: Rule(OPEN, None, N_("%(ref)s is closed; reopen it before assigning it.")),
    Action.RECUSE: Rule(ALL, None),
    Action.ASSESS: Rule(WORKING | {State.DECIDED}, None,
                        N_("%(ref)s is %(state)s. Acknowledge it first so the reporter knows it arrived.")),
    Action.NOTE: Rule(ALL, None),
    Action.ASK: Rule(WORKING | {State.DECIDED}, None,
                     N_("%(ref)s is %(state)s. Acknowledge it before asking the reporter anything.")),
    Action.DECIDE: Rule(WORKING, State.DECIDED, N_("%(ref)s is %(state)s; it cannot be decided now."), (
        (State.NEW, N_("%(ref)s is not acknowledged yet. Acknowledge it first, so the reporter knows it arrived.")),
        (State.DECIDED, N_("%(ref)s was already decided (perhaps by another member just now). Reopen it after "
                           "closing to decide again.")),
        (State.CLOSED, N_("%(ref)s is closed. Reopen it to record a new decision.")),
    )),
    Action.APPROVE_ANNOUNCEMENT: Rule(frozenset({State.DECIDED, State.CLOSED}), None,
                                      N_("%(ref)s has no decision with an announcement to approve.")),
    Action.CLOSE: Rule(frozenset({State.DECIDED}), State.CLOSED,
                       N_("%(ref)s is %(state)s. Record a decision (it may be “no further action”) before closing.")),
    Action.REOPEN: Rule(frozenset({State.CLOSED}), State.IN_PROGRESS, N_("%(ref)s is %(state)s, not closed.")),
    Action.VIEW: Rule(ALL, None),
    Action.HISTORY: Rule(ALL, None),
}

# Actions after which an acknowledged report counts as being worked on.
_WORK_ACTIONS = frozenset({Action.ASSIGN, Action.ASSESS, Action.NOTE, Action.ASK})


@dataclass(frozen=True)
class Transition:
    before: State
    after: State

    @property
    def changes(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str  # in English; `template` and `args` give it in the reader's language
    template: str = ""
    args: Mapping[str, Any] = field(default_factory=dict)


def refusal(code: str, template: str, **args: Any) -> Refusal:
    return Refusal(code, english_of(template, args), template, args)


def plan(action: Action, state: str, ref: str) -> Transition | Refusal:
    """The transition `action` causes from `state`, or why it is not allowed."""
    try:
        current = State(state)
    except ValueError:
        return refusal("bad_state", N_("%(ref)s is in an unknown state (%(state)s); ask the operator to check it."),
                       ref=ref, state=state)
    rule = RULES[action]
    if current not in rule.allowed_from:
        template = dict(rule.by_state).get(current, rule.refusal)
        return refusal("illegal_transition", template, ref=ref, state=term(STATE_WORDS[current]))
    after = rule.to or current
    if rule.to is None and current == State.ACKNOWLEDGED and action in _WORK_ACTIONS:
        after = _START_WORK
    return Transition(current, after)


# ---- who may act ----

NOT_ON_COMMITTEE = N_("Only Code of Conduct committee members handling this report can do that. "
                      "Nothing was changed.")
RECUSED = N_("You declared a conflict of interest on %(ref)s, so you can no longer act on it or read it. "
             "Nothing was changed.")


def permission(user: str, *, ref: str, members: Iterable[str], escalation_contact: str | None, space_kind: str | None,
               implicated: Iterable[str], excluded: Iterable[str], recused: Iterable[str],
               flagged_author: str | None) -> Refusal | None:
    """None when `user` may act on the report; otherwise a refusal that never says why someone is blocked
    (telling a person they are implicated or excluded would itself leak the report)."""
    if user in set(recused):
        return refusal("recused", RECUSED, ref=ref)
    blocked = set(implicated) | set(excluded) | ({flagged_author} if flagged_author else set())
    handlers = ({escalation_contact} if escalation_contact else set()) if space_kind == "escalation" else set(members)
    if user not in handlers or user in blocked:
        return refusal("not_allowed", NOT_ON_COMMITTEE)
    return None


# ---- risk × impact (the seed's matrix, adapted from Audrey Eschright) ----

class Level(StrEnum):
    LOW = "low"
    HIGH = "high"


SUGGESTED_RESPONSES: dict[tuple[Level, Level], str] = {
    (Level.LOW, Level.LOW): N_("Verbal warning."),
    (Level.HIGH, Level.LOW): N_("Take notes and follow up later."),
    (Level.LOW, Level.HIGH): N_("Public apology; remove the person from the event or space."),
    (Level.HIGH, Level.HIGH): N_("Coordinated whole-team response."),
}

EXAMPLES: dict[tuple[Level, Level], str] = {
    (Level.LOW, Level.LOW): N_("e.g. an inappropriate joke made in private"),
    (Level.HIGH, Level.LOW): N_("e.g. someone with a previous arrest or assault"),
    (Level.LOW, Level.HIGH): N_("e.g. inappropriate jokes in public"),
    (Level.HIGH, Level.HIGH): N_("e.g. persistent coordinated harassment"),
}


def suggested_response(risk: str, impact: str) -> str:
    """Keyed (risk, impact) as in the seed's table: rows are impact, columns are risk."""
    return SUGGESTED_RESPONSES[(Level(risk), Level(impact))]


def validate_assessment(values: dict[str, str | None], categories: Iterable[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values.get("risk") not in ("low", "high"):
        errors["risk"] = N_("Choose low or high risk.")
    if values.get("impact") not in ("low", "high"):
        errors["impact"] = N_("Choose low or high impact.")
    if values.get("ongoing") not in ("yes", "no", "unsure"):
        errors["ongoing"] = N_("Choose whether it is still going on.")
    if values.get("unsafe") not in ("yes", "no"):
        errors["unsafe"] = N_("Say whether anyone is unsafe right now.")
    if values.get("category") not in set(categories):
        errors["category"] = N_("Choose the Code of Conduct category that fits best.")
    if values.get("reporter_role") not in ("affected", "witness"):
        errors["reporter_role"] = N_("Say whether the reporter was affected or a witness.")
    return errors


# ---- outcomes (CSCCE, "What happens after you file a report?") ----

class Outcome(StrEnum):
    NO_ACTION = "no_action"
    PRIVATE_REPRIMAND = "private_reprimand"
    PUBLIC_REPRIMAND = "public_reprimand"
    WEEK_OFF = "week_off"
    TEMPORARY_BAN = "temporary_ban"
    PERMANENT_BAN = "permanent_ban"
    RESOURCES = "resources"


OUTCOME_LABELS = {
    Outcome.NO_ACTION: N_("No further action (no violation found)"),
    Outcome.PRIVATE_REPRIMAND: N_("Private reprimand"),
    Outcome.PUBLIC_REPRIMAND: N_("Public reprimand"),
    Outcome.WEEK_OFF: N_("Temporary break (“take a week off”)"),
    Outcome.TEMPORARY_BAN: N_("Temporary ban from some or all spaces"),
    Outcome.PERMANENT_BAN: N_("Permanent ban from some or all spaces"),
    Outcome.RESOURCES: N_("Resources or other support towards resolution"),
}

# What an affected reporter reads: the same facts, worded for them.
OUTCOME_FOR_REPORTER = {
    Outcome.NO_ACTION: N_("The committee reviewed what happened and found no violation of the Code of Conduct, "
                       "so it is taking no further action."),
    Outcome.PRIVATE_REPRIMAND: N_("A committee member will privately reprimand the person or people involved."),
    Outcome.PUBLIC_REPRIMAND: N_("The committee will publicly reprimand the person or people involved, without "
                              "identifying you."),
    Outcome.WEEK_OFF: N_("The person or people involved are being asked to take a break from the community."),
    Outcome.TEMPORARY_BAN: N_("The person or people involved are banned for a period from some or all of the "
                           "community's spaces."),
    Outcome.PERMANENT_BAN: N_("The person or people involved are permanently banned from some or all of the "
                           "community's spaces."),
    Outcome.RESOURCES: N_("The committee is offering resources and other support towards a resolution."),
}

BANS = frozenset({Outcome.WEEK_OFF, Outcome.TEMPORARY_BAN, Outcome.PERMANENT_BAN})
PUBLIC = frozenset({Outcome.PUBLIC_REPRIMAND, Outcome.TEMPORARY_BAN, Outcome.PERMANENT_BAN})
WEEK_OFF_DAYS = 7

ANNOUNCEMENT_TEMPLATE = (
    "<thing> happened.\n"
    "This was a violation of our policy.\n"
    "We apologise for this.\n"
    "We have taken <action>.\n"
    "This is a good time for everyone to review our policy at {policy}.\n"
    "If anyone would like to discuss this further they can {contact}."
)
PLACEHOLDERS = ("<thing>", "<action>", "<location>", "<contact us somehow>")


def announcement_draft(code_of_conduct_url: str | None, contact: str) -> str:
    return ANNOUNCEMENT_TEMPLATE.format(policy=code_of_conduct_url or "<location>", contact=contact)


@dataclass(frozen=True)
class DecisionDraft:
    outcome: Outcome
    message: str  # to the reporter
    ban_subjects: tuple[str, ...] = ()
    ban_scope: str = ""
    ban_until: datetime | None = None
    announcement: str = ""
    announce_channel: str | None = None
    # Where the ban is enforced (bot/bans); the free-text scope above stays as a note.
    ban_channels: tuple[str, ...] = ()
    ban_workspace: bool = False
    ban_categories: tuple[int, ...] = ()
    ban_forum: bool = False

    @property
    def ban_places_chosen(self) -> bool:
        return bool(self.ban_channels or self.ban_workspace or self.ban_categories or self.ban_forum)


def validate_decision(draft: DecisionDraft, now: datetime, *, people_in_report: Iterable[str],
                      max_chars: int) -> dict[str, str]:
    """Field → a specific message for the committee member (an English source text whose placeholders
    `decision_args` fills). Empty when the decision can be recorded."""
    errors: dict[str, str] = {}
    if not draft.message.strip():
        errors["message"] = N_("Write what the reporter should be told; cocbot sends it without naming you.")
    elif len(draft.message) > max_chars:
        errors["message"] = N_("This is %(message_chars)d characters; the limit is %(limit)d.")
    if draft.outcome in BANS:
        if not draft.ban_subjects:
            errors["ban_subjects"] = N_("Choose who the ban applies to, so it can be reviewed later.")
        if not draft.ban_scope.strip() and not draft.ban_places_chosen:
            errors["ban_scope"] = N_("Say which spaces the ban covers (e.g. “all spaces” or “Slack and calls”).")
        if draft.outcome != Outcome.PERMANENT_BAN:
            if draft.ban_until is None:
                errors["ban_until"] = N_("Choose the date the ban ends.")
            elif draft.ban_until <= now:
                errors["ban_until"] = N_("The end date must be in the future.")
    text = draft.announcement.strip()
    if text:
        if draft.outcome not in PUBLIC:
            errors["announcement"] = N_("Only public outcomes (public reprimand, bans) are announced. Leave this "
                                        "empty for this outcome.")
        elif any(p in text for p in PLACEHOLDERS):
            errors["announcement"] = N_("Replace the <…> placeholders of the template with general wording.")
        elif "<@" in text or "<!" in text or any(p and p in text for p in people_in_report):
            errors["announcement"] = N_("Keep the announcement general: no mentions or user ids, so nobody "
                                        "involved can be identified or targeted.")
        elif len(text) > ANNOUNCEMENT_CHARS:
            errors["announcement"] = N_("This is %(announcement_chars)d characters; the limit is "
                                        "%(announcement_limit)d.")
        elif not draft.announce_channel:
            errors["announce_channel"] = N_("Choose the channel where the approved announcement is posted.")
    return errors


ANNOUNCEMENT_CHARS = 3000


def decision_args(draft: DecisionDraft, max_chars: int) -> dict[str, int]:
    """The values `validate_decision`'s messages name."""
    return {"message_chars": len(draft.message), "limit": max_chars,
            "announcement_chars": len(draft.announcement.strip()), "announcement_limit": ANNOUNCEMENT_CHARS}


# ---- what the reporter is told ----

class Notice(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    QUESTION = "question"
    DECIDED = "decided"
    CLOSED = "closed"
    REOPENED = "reopened"


def reporter_role(reporter: str, witnesses: Iterable[str], assessed_role: str | None) -> str:
    """Affected or witness: the committee's assessment wins; until then a reporter who listed themselves
    among the witnesses is treated as a witness."""
    if assessed_role in ("affected", "witness"):
        return assessed_role
    return "witness" if reporter in set(witnesses) else "affected"


# Witnesses are generally not kept updated, for confidentiality (the Wikimedia seed); they are told that
# their report was acknowledged, asked questions, and told it was dealt with — never the outcome.
TOLD: dict[tuple[Notice, str], bool] = {
    (Notice.ACKNOWLEDGED, "affected"): True, (Notice.ACKNOWLEDGED, "witness"): True,
    (Notice.QUESTION, "affected"): True, (Notice.QUESTION, "witness"): True,
    (Notice.DECIDED, "affected"): True, (Notice.DECIDED, "witness"): True,
    (Notice.CLOSED, "affected"): True, (Notice.CLOSED, "witness"): False,
    (Notice.REOPENED, "affected"): True, (Notice.REOPENED, "witness"): False,
}


def tells_reporter(notice: Notice, role: str) -> bool:
    return TOLD[(notice, role if role in ("affected", "witness") else "affected")]


def reveals_outcome(role: str) -> bool:
    return role != "witness"


# ---- status shown on the committee's message ----

@dataclass(frozen=True)
class Deadline:
    """The next promise on a report (computed by bot.deadlines, as the reminders count it)."""

    label: str
    at: datetime


def describe_age(delta: timedelta, tr: Translator = english()) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return tr.gettext("just now") if minutes < 1 else tr.gettext("%(minutes)d min") % {"minutes": minutes}
    hours = minutes // 60
    if hours < 48:
        return tr.gettext("%(hours)d h") % {"hours": hours}
    return tr.gettext("%(days)d d %(hours)d h") % {"days": hours // 24, "hours": hours % 24}


@dataclass(frozen=True)
class ButtonSpec:
    action: str
    label: str
    style: str | None = None


# Which buttons the report's message offers in each state. The server checks again on every click.
BUTTONS_BY_STATE: dict[State, tuple[ButtonSpec, ...]] = {
    State.NEW: (
        ButtonSpec("triage_acknowledge", N_("Acknowledge"), "primary"),
        ButtonSpec("triage_assign_me", N_("Assign to me")),
        ButtonSpec("triage_reassign", N_("Reassign")),
        ButtonSpec("triage_note", N_("Add note")),
        ButtonSpec("triage_recuse", N_("I have a conflict")),
    ),
    State.ACKNOWLEDGED: (
        ButtonSpec("triage_assign_me", N_("Assign to me")),
        ButtonSpec("triage_reassign", N_("Reassign")),
        ButtonSpec("triage_assess", N_("Assess")),
        ButtonSpec("triage_note", N_("Add note")),
        ButtonSpec("triage_ask", N_("Ask the reporter")),
        ButtonSpec("triage_decide", N_("Decide")),
        ButtonSpec("triage_recuse", N_("I have a conflict")),
    ),
    State.IN_PROGRESS: (
        ButtonSpec("triage_assign_me", N_("Assign to me")),
        ButtonSpec("triage_reassign", N_("Reassign")),
        ButtonSpec("triage_assess", N_("Assess")),
        ButtonSpec("triage_note", N_("Add note")),
        ButtonSpec("triage_ask", N_("Ask the reporter")),
        ButtonSpec("triage_decide", N_("Decide"), "primary"),
        ButtonSpec("triage_recuse", N_("I have a conflict")),
    ),
    State.DECIDED: (
        ButtonSpec("triage_close", N_("Close"), "primary"),
        ButtonSpec("triage_note", N_("Add note")),
        ButtonSpec("triage_ask", N_("Ask the reporter")),
        ButtonSpec("triage_assign_me", N_("Assign to me")),
        ButtonSpec("triage_recuse", N_("I have a conflict")),
    ),
    State.CLOSED: (
        ButtonSpec("triage_reopen", N_("Reopen")),
        ButtonSpec("triage_note", N_("Add note")),
        ButtonSpec("triage_recuse", N_("I have a conflict")),
    ),
}

ALWAYS_BUTTONS = (ButtonSpec("triage_history", N_("History")),)
VIEW_BUTTON = ButtonSpec("triage_view", N_("View report"), "primary")


def buttons_for(state: str, *, details_on_demand: bool) -> tuple[ButtonSpec, ...]:
    try:
        current = State(state)
    except ValueError:
        return ALWAYS_BUTTONS
    lead = (VIEW_BUTTON,) if details_on_demand else ()
    return lead + BUTTONS_BY_STATE[current] + ALWAYS_BUTTONS


# ---- the audit trail, in words ----

AUDIT_LABELS = {
    "acknowledge": N_("acknowledged the report (the reporter was told, without names)"),
    "assign": N_("assigned the report"),
    "recuse": N_("declared a conflict of interest and stepped back"),
    "moved": N_("the case moved to a new private space"),
    "assess": N_("assessed risk and impact"),
    "note": N_("added a note"),
    "ask": N_("asked the reporter a question"),
    "answer": N_("the reporter answered a question"),
    "decide": N_("recorded a decision"),
    "approve_announcement": N_("approved the public announcement"),
    "close": N_("closed the report"),
    "reopen": N_("reopened the report"),
    "view": N_("viewed the full report"),
    "history": N_("viewed the history"),
}


def week_off_end(now: datetime) -> datetime:
    """When "take a week off" ends for a decision taken at `now`."""
    return now + timedelta(days=WEEK_OFF_DAYS)
