"""On-duty decisions without Slack: overlaps, handover at the boundary, refusals, the shift window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cocbot.bot.duty import roster
from cocbot.bot.duty import rules as decisions
from cocbot.bot.duty.roster import Shift
from cocbot.bot.duty.rules import Plan, Refusal

from tests.bot.duty.support import CONFIG, T0, A, B, h, occ, shift
from tests.harness import make_config


def test_take_refuses_non_facilitators_and_overlaps_and_allows_committee() -> None:
    assert isinstance(decisions.decide_take("UOTHER", frozenset({A}), None, T0, [], CONFIG), Refusal)
    plan = decisions.decide_take("UALICE", frozenset({A}), None, T0, [], CONFIG)  # committee counts
    assert isinstance(plan, Plan) and plan.new_shifts[0].end == h(2)  # default 2 hours
    # One at a time when the community allows one (the default is pairs: see test_pairs).
    single = make_config(duty={"facilitators": ["UFAC1", "UFAC2"], "max_on_duty": 1})
    clash = decisions.decide_take("UFAC1", frozenset({A}), timedelta(hours=1), T0, [shift(1, "UFAC2", {A}, 0, 3)],
                                  single)
    assert isinstance(clash, Refusal) and "{u:UFAC2} is already on duty" in clash.message
    too_long = decisions.decide_take("UFAC1", frozenset({A}), timedelta(hours=100), T0, [], CONFIG)
    assert isinstance(too_long, Refusal) and "longest allowed is 72 hours" in too_long.message


def test_handover_ends_the_shift_at_now_and_starts_the_other_at_now() -> None:
    current = shift(1, "UFAC1", {A, B}, -1, 3)
    plan = decisions.decide_handover("UFAC1", "UFAC2", A, T0, [current], [], CONFIG)
    assert isinstance(plan, Plan)
    assert plan.end_shifts == ((1, T0),)
    [new] = plan.new_shifts
    assert (new.facilitator, new.channels, new.start, new.end, new.handover_from) == (
        "UFAC2", frozenset({A, B}), T0, h(3), 1)
    # After applying: at T0 exactly the new facilitator is on duty.
    after = [Shift(1, "UFAC1", current.channels, current.start, T0), Shift(2, "UFAC2", new.channels, T0, new.end)]
    assert [e.facilitator for e in roster.on_duty(after, A, T0)] == ["UFAC2"]


HANDOVER_REFUSALS = [
    ("UOTHER", "UFAC2", [shift(1, "UFAC1", {A}, 0, 2)], "Only facilitators"),
    ("UFAC1", "UOTHER", [shift(1, "UFAC1", {A}, 0, 2)], "is not a facilitator"),
    ("UFAC2", "UFAC1", [shift(1, "UFAC1", {A}, 0, 2)], "Only the person on duty"),
    ("UFAC1", "UFAC2", [], "Nobody is on duty"),
    ("UFAC1", "UFAC1", [shift(1, "UFAC1", {A}, 0, 2)], "already on duty here"),
]


@pytest.mark.parametrize("actor,target,shifts,message", HANDOVER_REFUSALS)
def test_handover_refusals(actor: str, target: str, shifts: list[Shift], message: str) -> None:
    result = decisions.decide_handover(actor, target, A, h(1), shifts, [], CONFIG)
    assert isinstance(result, Refusal) and message in result.message


def test_committee_member_can_hand_over_someone_elses_shift_and_a_call() -> None:
    plan = decisions.decide_handover("UALICE", "UFAC2", A, h(1), [shift(1, "UFAC1", {A}, 0, 2)], [], CONFIG)
    assert isinstance(plan, Plan) and plan.new_shifts[0].facilitator == "UFAC2"
    call = occ(7, A, 0, 2, who="UFAC1")
    plan = decisions.decide_handover("UFAC1", "UBOB", A, h(1), [], [call], CONFIG)
    assert isinstance(plan, Plan) and plan.assign == ((1, call.slot, "UBOB"),)


def test_off_and_cancel() -> None:
    mine = shift(1, "UFAC1", {A}, 0, 2)
    plan = decisions.decide_off("UFAC1", h(1), [mine], CONFIG)
    assert isinstance(plan, Plan) and plan.end_shifts == ((1, h(1)),)
    assert isinstance(decisions.decide_off("UFAC2", h(1), [mine], CONFIG), Refusal)
    future = shift(2, "UFAC1", {A}, 5, 6)
    cancelled = decisions.decide_cancel("UFAC1", future, h(1), CONFIG)
    assert cancelled == Plan(cancel_shifts=(2,), done="Cancelled shift #2.")
    assert isinstance(decisions.decide_cancel("UFAC2", future, h(1), CONFIG), Refusal)
    assert isinstance(decisions.decide_cancel("UALICE", future, h(1), CONFIG), Plan)
    assert isinstance(decisions.decide_cancel("UFAC1", None, h(1), CONFIG), Refusal)


@pytest.mark.parametrize("duty_section,problem", [
    ({"facilitators": ["alice"]}, "is not a Slack user id"),
    ({"timezone": "Mars/Olympus"}, "not a known time zone"),
    ({"announce_channel": "general"}, "not a Slack channel id"),
    ({"default_shift_hours": 10, "max_shift_hours": 4}, "longer than max_shift_hours"),
    ({"reminder_minutes": -1}, "greater than or equal to 0"),
    ({"facilitatorz": []}, "unknown key"),
])
def test_duty_config_errors_are_specific(duty_section: dict, problem: str) -> None:
    from cocbot.bot.config.community import ConfigError

    with pytest.raises(ConfigError) as err:
        make_config(duty=duty_section)
    assert any(problem in p for p in err.value.problems), err.value.problems


def test_schedule_checks_the_window() -> None:
    past = decisions.decide_schedule("UFAC1", "UFAC2", frozenset({A}), h(-3), h(-1), T0, [], CONFIG)
    assert isinstance(past, Refusal) and "already be over" in past.message
    backwards = decisions.decide_schedule("UFAC1", "UFAC2", frozenset({A}), h(3), h(1), T0, [], CONFIG)
    assert isinstance(backwards, Refusal) and "end after it starts" in backwards.message
    ok = decisions.decide_schedule("UFAC1", "UFAC2", frozenset({A}), h(3), h(5), T0, [], CONFIG)
    assert isinstance(ok, Plan) and ok.new_shifts[0].start == h(3)
