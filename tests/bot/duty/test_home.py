"""App Home decisions without Slack: who may see which reference, and which deadlines are near."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from cocbot.bot.duty import home as duty_home
from cocbot.storage.duty import OpenReport

from tests.harness import ESCALATION, make_config

UTC = timezone.utc
T0 = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday inside working hours (the policy default)
CONFIG = make_config()


def report(blocked: frozenset[str] | set[str] = frozenset(), space: str | None = "committee_channel",
           state: str = "new", age_hours: float = 0, acknowledged: bool = False) -> OpenReport:
    created = T0 - timedelta(hours=age_hours)
    return OpenReport("R-0001", created, state, created + timedelta(hours=1) if acknowledged else None,
                      frozenset(blocked), space)


MAY_SEE = [
    (report(), "UALICE", True),
    (report(), "UOTHER", False),  # not on the committee
    (report({"UALICE"}), "UALICE", False),  # implicated, excluded, recused or flagged author
    (report({"UALICE"}, "private_space"), "UBOB", True),
    (report(space="escalation"), "UALICE", False),
    (report(space="escalation"), ESCALATION, True),
    (report({ESCALATION}, "escalation"), ESCALATION, False),
]


@pytest.mark.parametrize("r,viewer,expected", MAY_SEE)
def test_may_see(r: OpenReport, viewer: str, expected: bool) -> None:
    assert duty_home.may_see(r, viewer, CONFIG) is expected


DEADLINES = [
    # (report, expected (which, past) or None when nothing is near)
    (report(age_hours=1), None),  # 23 hours left of 24
    (report(age_hours=20), ("acknowledge", False)),  # due in 4 hours: within a quarter of the window
    (report(age_hours=50), ("acknowledge", True)),
    (report(state="acknowledged", acknowledged=True, age_hours=30), None),  # 7 days to respond
    (report(state="decided", acknowledged=True, age_hours=400), None),  # nothing owed once decided
]


@pytest.mark.parametrize("r,expected", DEADLINES)
def test_near_or_past_deadlines(r: OpenReport, expected: tuple[str, bool] | None) -> None:
    found = duty_home.deadlines([r], T0, CONFIG)
    assert ((found[0].which, found[0].past) if found else None) == expected


def test_committee_summary_counts_only_what_the_viewer_may_see() -> None:
    reports = [report(), report({"UBOB"}), report(space="escalation")]
    assert duty_home.committee_summary(reports, "UALICE", T0, CONFIG).open_count == 2
    assert duty_home.committee_summary(reports, "UBOB", T0, CONFIG).open_count == 1
    assert duty_home.committee_summary(reports, ESCALATION, T0, CONFIG).open_count == 1
