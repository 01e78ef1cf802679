"""Triage domain tables: the state machine, who may act, the risk × impact matrix, outcomes, decisions,
what the reporter is told, deadlines and the buttons each state offers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cocbot.bot.triage import rules as triage
from cocbot.bot.triage.rules import Action, Outcome, Refusal, State, Transition

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

S = State
A = Action


@pytest.mark.parametrize("action, state, after", [
    (A.ACKNOWLEDGE, S.NEW, S.ACKNOWLEDGED),
    (A.ASSIGN, S.NEW, S.NEW),
    (A.ASSIGN, S.ACKNOWLEDGED, S.IN_PROGRESS),
    (A.ASSIGN, S.DECIDED, S.DECIDED),
    (A.ASSESS, S.ACKNOWLEDGED, S.IN_PROGRESS),
    (A.ASSESS, S.IN_PROGRESS, S.IN_PROGRESS),
    (A.ASSESS, S.DECIDED, S.DECIDED),
    (A.NOTE, S.NEW, S.NEW),
    (A.NOTE, S.ACKNOWLEDGED, S.IN_PROGRESS),
    (A.NOTE, S.CLOSED, S.CLOSED),
    (A.ASK, S.ACKNOWLEDGED, S.IN_PROGRESS),
    (A.ASK, S.DECIDED, S.DECIDED),
    (A.DECIDE, S.ACKNOWLEDGED, S.DECIDED),
    (A.DECIDE, S.IN_PROGRESS, S.DECIDED),
    (A.APPROVE_ANNOUNCEMENT, S.DECIDED, S.DECIDED),
    (A.APPROVE_ANNOUNCEMENT, S.CLOSED, S.CLOSED),
    (A.CLOSE, S.DECIDED, S.CLOSED),
    (A.REOPEN, S.CLOSED, S.IN_PROGRESS),
    (A.RECUSE, S.NEW, S.NEW),
    (A.RECUSE, S.CLOSED, S.CLOSED),
    (A.VIEW, S.CLOSED, S.CLOSED),
    (A.HISTORY, S.NEW, S.NEW),
])
def test_legal_transitions(action: Action, state: State, after: State) -> None:
    assert triage.plan(action, state.value, "R-0001") == Transition(state, after)


@pytest.mark.parametrize("action, state, says", [
    (A.ACKNOWLEDGE, S.ACKNOWLEDGED, "already acknowledged"),
    (A.ACKNOWLEDGE, S.CLOSED, "already closed"),
    (A.ASSIGN, S.CLOSED, "reopen it before assigning"),
    (A.ASSESS, S.NEW, "Acknowledge it first"),
    (A.ASSESS, S.CLOSED, "closed"),
    (A.ASK, S.NEW, "Acknowledge it before asking"),
    (A.DECIDE, S.NEW, "Acknowledge it first"),
    (A.DECIDE, S.DECIDED, "already decided"),
    (A.DECIDE, S.CLOSED, "Reopen it"),
    (A.APPROVE_ANNOUNCEMENT, S.IN_PROGRESS, "no decision"),
    (A.CLOSE, S.NEW, "Record a decision"),
    (A.CLOSE, S.IN_PROGRESS, "Record a decision"),
    (A.CLOSE, S.CLOSED, "Record a decision"),
    (A.REOPEN, S.DECIDED, "not closed"),
    (A.REOPEN, S.IN_PROGRESS, "not closed"),
])
def test_illegal_transitions_are_refused_with_a_reason(action: Action, state: State, says: str) -> None:
    planned = triage.plan(action, state.value, "R-0001")
    assert isinstance(planned, Refusal) and says in planned.message and "R-0001" in planned.message


def test_every_action_has_a_rule_and_an_unknown_state_is_refused() -> None:
    assert set(triage.RULES) == set(Action)
    assert isinstance(triage.plan(A.ACKNOWLEDGE, "weird", "R-1"), Refusal)


MEMBERS = ("UALICE", "UBOB", "UCAROL")


@pytest.mark.parametrize("user, space_kind, implicated, excluded, recused, author, code", [
    ("UALICE", "committee_channel", (), (), (), None, None),
    ("UOTHER", "committee_channel", (), (), (), None, "not_allowed"),
    ("UALICE", "private_space", ("UALICE",), (), (), None, "not_allowed"),
    ("UALICE", "private_space", (), ("UALICE",), (), None, "not_allowed"),
    ("UALICE", "private_space", (), (), (), "UALICE", "not_allowed"),
    ("UALICE", "private_space", (), (), ("UALICE",), None, "recused"),
    ("UESCAL", "escalation", MEMBERS, (), (), None, None),
    ("UALICE", "escalation", (), MEMBERS[1:], (), None, "not_allowed"),
    ("UESCAL", "committee_channel", (), (), (), None, "not_allowed"),
])
def test_who_may_act(user: str, space_kind: str, implicated: tuple, excluded: tuple, recused: tuple,
                     author: str | None, code: str | None) -> None:
    refusal = triage.permission(user, ref="R-1", members=MEMBERS, escalation_contact="UESCAL", space_kind=space_kind,
                                implicated=implicated, excluded=excluded, recused=recused, flagged_author=author)
    assert (refusal.code if refusal else None) == code
    if refusal is not None and code == "not_allowed":
        # Never tells a blocked person why: that would reveal they are named in a report.
        assert "implicated" not in refusal.message and "excluded" not in refusal.message


@pytest.mark.parametrize("risk, impact, suggestion", [
    ("low", "low", "Verbal warning."),
    ("high", "low", "Take notes and follow up later."),
    ("low", "high", "Public apology; remove the person from the event or space."),
    ("high", "high", "Coordinated whole-team response."),
])
def test_the_seed_matrix(risk: str, impact: str, suggestion: str) -> None:
    assert triage.suggested_response(risk, impact) == suggestion


CATEGORIES = ("Harassment", "Other")
GOOD = {"risk": "low", "impact": "high", "ongoing": "no", "unsafe": "no", "category": "Other",
        "reporter_role": "affected"}


@pytest.mark.parametrize("change, field", [
    ({}, None),
    ({"risk": None}, "risk"),
    ({"impact": "medium"}, "impact"),
    ({"ongoing": "maybe"}, "ongoing"),
    ({"unsafe": None}, "unsafe"),
    ({"category": "Not listed"}, "category"),
    ({"reporter_role": "bystander"}, "reporter_role"),
])
def test_assessment_validation(change: dict, field: str | None) -> None:
    errors = triage.validate_assessment({**GOOD, **change}, CATEGORIES)
    assert set(errors) == ({field} if field else set())


def draft(**kw: object) -> triage.DecisionDraft:
    values: dict = {"outcome": Outcome.PRIVATE_REPRIMAND, "message": "We talked to them."}
    values.update(kw)
    return triage.DecisionDraft(**values)


LATER = NOW + timedelta(days=10)


@pytest.mark.parametrize("d, fields", [
    (draft(), set()),
    (draft(message="  "), {"message"}),
    (draft(message="x" * 3001), {"message"}),
    (draft(outcome=Outcome.TEMPORARY_BAN), {"ban_subjects", "ban_scope", "ban_until"}),
    (draft(outcome=Outcome.TEMPORARY_BAN, ban_subjects=("UM",), ban_scope="all", ban_until=NOW), {"ban_until"}),
    (draft(outcome=Outcome.TEMPORARY_BAN, ban_subjects=("UM",), ban_scope="all", ban_until=LATER), set()),
    (draft(outcome=Outcome.PERMANENT_BAN, ban_subjects=("UM",), ban_scope="all"), set()),
    (draft(outcome=Outcome.WEEK_OFF, ban_subjects=("UM",), ban_scope="Slack"), {"ban_until"}),
    (draft(announcement="Something happened."), {"announcement"}),  # private outcome
    (draft(outcome=Outcome.PUBLIC_REPRIMAND, announcement="<thing> happened."), {"announcement"}),
    (draft(outcome=Outcome.PUBLIC_REPRIMAND, announcement="<@UM> did it", announce_channel="C1"), {"announcement"}),
    (draft(outcome=Outcome.PUBLIC_REPRIMAND, announcement="UM did it", announce_channel="C1"), {"announcement"}),
    (draft(outcome=Outcome.PUBLIC_REPRIMAND, announcement="Someone was rude."), {"announce_channel"}),
    (draft(outcome=Outcome.PUBLIC_REPRIMAND, announcement="Someone was rude.", announce_channel="C1"), set()),
])
def test_decision_validation(d: triage.DecisionDraft, fields: set) -> None:
    assert set(triage.validate_decision(d, NOW, people_in_report=("UM",), max_chars=3000)) == fields


def test_outcomes_follow_cscce_and_every_one_has_words_for_the_reporter() -> None:
    assert set(triage.OUTCOME_LABELS) == set(Outcome) == set(triage.OUTCOME_FOR_REPORTER)
    assert triage.BANS == {Outcome.WEEK_OFF, Outcome.TEMPORARY_BAN, Outcome.PERMANENT_BAN}
    assert Outcome.PUBLIC_REPRIMAND in triage.PUBLIC and Outcome.PRIVATE_REPRIMAND not in triage.PUBLIC


def test_the_announcement_template_is_the_seeds() -> None:
    text = triage.announcement_draft("https://example.org/coc", "email conduct@example.org")
    assert text.startswith("<thing> happened.\nThis was a violation of our policy.\nWe apologise for this.")
    assert "https://example.org/coc" in text and "email conduct@example.org" in text


@pytest.mark.parametrize("reporter, witnesses, assessed, role", [
    ("UR", (), None, "affected"),
    ("UR", ("UR",), None, "witness"),
    ("UR", ("UR",), "affected", "affected"),
    ("UR", (), "witness", "witness"),
])
def test_reporter_role(reporter: str, witnesses: tuple, assessed: str | None, role: str) -> None:
    assert triage.reporter_role(reporter, witnesses, assessed) == role


@pytest.mark.parametrize("notice, role, told", [
    (triage.Notice.ACKNOWLEDGED, "affected", True), (triage.Notice.ACKNOWLEDGED, "witness", True),
    (triage.Notice.QUESTION, "witness", True),
    (triage.Notice.DECIDED, "affected", True), (triage.Notice.DECIDED, "witness", True),
    (triage.Notice.CLOSED, "affected", True), (triage.Notice.CLOSED, "witness", False),
    (triage.Notice.REOPENED, "affected", True), (triage.Notice.REOPENED, "witness", False),
])
def test_what_the_reporter_is_told(notice: triage.Notice, role: str, told: bool) -> None:
    assert triage.tells_reporter(notice, role) is told
    assert triage.reveals_outcome(role) is (role == "affected")


@pytest.mark.parametrize("delta, text", [
    (timedelta(seconds=20), "just now"), (timedelta(minutes=5), "5 min"), (timedelta(hours=3), "3 h"),
    (timedelta(hours=47), "47 h"), (timedelta(days=3, hours=4), "3 d 4 h"),
])
def test_age(delta: timedelta, text: str) -> None:
    assert triage.describe_age(delta) == text


@pytest.mark.parametrize("state, present, absent", [
    ("new", {"triage_acknowledge", "triage_recuse", "triage_history"}, {"triage_decide", "triage_close"}),
    ("in_progress", {"triage_decide", "triage_assess", "triage_ask"}, {"triage_acknowledge", "triage_reopen"}),
    ("decided", {"triage_close"}, {"triage_decide", "triage_reopen"}),
    ("closed", {"triage_reopen", "triage_history"}, {"triage_close", "triage_acknowledge"}),
])
def test_buttons_follow_the_state(state: str, present: set, absent: set) -> None:
    actions = {b.action for b in triage.buttons_for(state, details_on_demand=False)}
    assert present <= actions and not (absent & actions)
    assert "triage_view" in {b.action for b in triage.buttons_for(state, details_on_demand=True)}
    assert len(triage.buttons_for(state, details_on_demand=True)) <= 25  # Slack's actions block limit
