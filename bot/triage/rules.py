"""Committee triage: states, who may act, which transitions are legal, what each cell of the risk × impact
matrix suggests, which outcomes exist and what the reporter is told. Pure functions of plain values; the
service in bot/triage_service.py applies the decisions to storage and the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from collections.abc import Iterable

from cocbot.bot.i18n.catalogs import N_, Translator, english


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
                             "{ref} is already {state}; the reporter was told once."),
    Action.ASSIGN: Rule(OPEN, None, "{ref} is closed; reopen it before assigning it."),
    Action.RECUSE: Rule(ALL, None),
    Action.ASSESS: Rule(WORKING | {State.DECIDED}, None,
                        "{ref} is {state}. Acknowledge it first so the reporter knows it arrived."),
    Action.NOTE: Rule(ALL, None),
    Action.ASK: Rule(WORKING | {State.DECIDED}, None,
                     "{ref} is {state}. Acknowledge it before asking the reporter anything."),
    Action.DECIDE: Rule(WORKING, State.DECIDED, "{ref} is {state}; it cannot be decided now.", (
        (State.NEW, "{ref} is not acknowledged yet. Acknowledge it first, so the reporter knows it arrived."),
        (State.DECIDED, "{ref} was already decided (perhaps by another member just now). Reopen it after "
                        "closing to decide again."),
        (State.CLOSED, "{ref} is closed. Reopen it to record a new decision."),
    )),
    Action.APPROVE_ANNOUNCEMENT: Rule(frozenset({State.DECIDED, State.CLOSED}), None,
                                      "{ref} has no decision with an announcement to approve."),
    Action.CLOSE: Rule(frozenset({State.DECIDED}), State.CLOSED,
                       "{ref} is {state}. Record a decision (it may be “no further action”) before closing."),
    Action.REOPEN: Rule(frozenset({State.CLOSED}), State.IN_PROGRESS, "{ref} is {state}, not closed."),
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
    message: str


def plan(action: Action, state: str, ref: str) -> Transition | Refusal:
    """The transition `action` causes from `state`, or why it is not allowed."""
    try:
        current = State(state)
    except ValueError:
        return Refusal("bad_state", f"{ref} is in an unknown state ({state}); ask the operator to check it.")
    rule = RULES[action]
    if current not in rule.allowed_from:
        template = dict(rule.by_state).get(current, rule.refusal)
        return Refusal("illegal_transition", template.format(ref=ref, state=STATE_LABELS[current].lower()))
    after = rule.to or current
    if rule.to is None and current == State.ACKNOWLEDGED and action in _WORK_ACTIONS:
        after = _START_WORK
    return Transition(current, after)


# ---- who may act ----

NOT_ON_COMMITTEE = ("Only Code of Conduct committee members handling this report can do that. "
                    "Nothing was changed.")
RECUSED = ("You declared a conflict of interest on {ref}, so you can no longer act on it or read it. "
           "Nothing was changed.")


def permission(user: str, *, ref: str, members: Iterable[str], escalation_contact: str | None, space_kind: str | None,
               implicated: Iterable[str], excluded: Iterable[str], recused: Iterable[str],
               flagged_author: str | None) -> Refusal | None:
    """None when `user` may act on the report; otherwise a refusal that never says why someone is blocked
    (telling a person they are implicated or excluded would itself leak the report)."""
    if user in set(recused):
        return Refusal("recused", RECUSED.format(ref=ref))
    blocked = set(implicated) | set(excluded) | ({flagged_author} if flagged_author else set())
    handlers = ({escalation_contact} if escalation_contact else set()) if space_kind == "escalation" else set(members)
    if user not in handlers or user in blocked:
        return Refusal("not_allowed", NOT_ON_COMMITTEE)
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
    for name in ("risk", "impact"):
        if values.get(name) not in ("low", "high"):
            errors[name] = f"Choose low or high {name}."
    if values.get("ongoing") not in ("yes", "no", "unsure"):
        errors["ongoing"] = "Choose whether it is still going on."
    if values.get("unsafe") not in ("yes", "no"):
        errors["unsafe"] = "Say whether anyone is unsafe right now."
    if values.get("category") not in set(categories):
        errors["category"] = "Choose the Code of Conduct category that fits best."
    if values.get("reporter_role") not in ("affected", "witness"):
        errors["reporter_role"] = "Say whether the reporter was affected or a witness."
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
    """Field → a specific message for the committee member. Empty when the decision can be recorded."""
    errors: dict[str, str] = {}
    if not draft.message.strip():
        errors["message"] = "Write what the reporter should be told; cocbot sends it without naming you."
    elif len(draft.message) > max_chars:
        errors["message"] = f"This is {len(draft.message)} characters; the limit is {max_chars}."
    if draft.outcome in BANS:
        if not draft.ban_subjects:
            errors["ban_subjects"] = "Choose who the ban applies to, so it can be reviewed later."
        if not draft.ban_scope.strip() and not draft.ban_places_chosen:
            errors["ban_scope"] = "Say which spaces the ban covers (e.g. “all spaces” or “Slack and calls”)."
        if draft.outcome != Outcome.PERMANENT_BAN:
            if draft.ban_until is None:
                errors["ban_until"] = "Choose the date the ban ends."
            elif draft.ban_until <= now:
                errors["ban_until"] = "The end date must be in the future."
    text = draft.announcement.strip()
    if text:
        if draft.outcome not in PUBLIC:
            errors["announcement"] = ("Only public outcomes (public reprimand, bans) are announced. Leave this "
                                      "empty for this outcome.")
        elif any(p in text for p in PLACEHOLDERS):
            errors["announcement"] = "Replace the <…> placeholders of the template with general wording."
        elif "<@" in text or "<!" in text or any(p and p in text for p in people_in_report):
            errors["announcement"] = ("Keep the announcement general: no mentions or user ids, so nobody "
                                      "involved can be identified or targeted.")
        elif len(text) > 3000:
            errors["announcement"] = f"This is {len(text)} characters; the limit is 3000."
        elif not draft.announce_channel:
            errors["announce_channel"] = "Choose the channel where the approved announcement is posted."
    return errors


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
