"""Who may be a party to a conversation, and when an unanswered one falls due (working time)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cocbot.bot.reminders.deadlines import calendar_from_policy
from cocbot.bot.talk import rules
from tests.harness import make_config

UTC = timezone.utc


@pytest.mark.parametrize("start, due", [
    (datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 2, 11, 0)),  # Monday morning: two hours later
    (datetime(2026, 3, 2, 16, 30), datetime(2026, 3, 3, 10, 30)),  # half an hour today, 1.5 h tomorrow
    (datetime(2026, 3, 6, 16, 30), datetime(2026, 3, 9, 10, 30)),  # Friday afternoon: Monday morning
    (datetime(2026, 3, 7, 12, 0), datetime(2026, 3, 9, 11, 0)),  # Saturday: the clock starts on Monday
    (datetime(2026, 3, 2, 6, 0), datetime(2026, 3, 2, 11, 0)),  # before the day starts
])
def test_answer_within_counts_working_hours(start: datetime, due: datetime) -> None:
    config = make_config(talk={"answer_within": "2h"})
    calendar = calendar_from_policy(config.policy)
    assert rules.answer_due(start.replace(tzinfo=UTC), config, calendar) == due.replace(tzinfo=UTC)


def test_add_working_time_in_the_committees_time_zone() -> None:
    config = make_config(policy={"timezone": "Europe/Berlin"})
    calendar = calendar_from_policy(config.policy)
    # 15:00 UTC is 16:00 in Berlin: one hour today, one tomorrow from 09:00 Berlin (08:00 UTC).
    start = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    assert rules.add_working_time(start, timedelta(hours=2), calendar) == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def test_eligible_helpers_exclude_the_named_and_the_member_across_platforms() -> None:
    config = make_config(duty={"facilitators": ["UFAC1", "UFAC2"]},
                         discourse={"base_url": "https://forum.example.org", "api_key": "k" * 20,
                                    "api_username": "cocbot",
                                    "webhook_secret": "s" * 40, "public_url": "https://cocbot.example.org",
                                    "identities": {"UFAC1": "fiona", "UFAC2": "fred"}})
    assert rules.eligible("UFAC1", "UREPORTER", (), config, "slack")
    assert not rules.eligible("UFAC1", "UREPORTER", ("fiona",), config, "slack")  # excluded by forum name
    assert not rules.eligible("UMALLORY", "UREPORTER", (), config, "slack")  # takes no conversations
    assert not rules.eligible("UFAC1", "UFAC1", (), config, "slack")  # never with oneself
    assert rules.helpers(config, "discourse") == frozenset({"fiona", "fred"})
    assert rules.on_duty_helper(["UFAC1", "UFAC2"], "UREPORTER", ("UFAC1",), config, "slack") == "UFAC2"
    assert rules.on_duty_helper(["UFAC1"], "UREPORTER", ("UFAC1",), config, "slack") is None


def test_config_sections_have_defaults_and_refuse_nonsense() -> None:
    from cocbot.bot.config.community import ConfigError

    config = make_config()
    assert config.talk.answer_within == "2h" and config.retention.consultations == timedelta(days=30)
    assert (config.retention.closed_reports, config.retention.unsubmitted_drafts,
            config.retention.ended_bans) == (timedelta(days=730), timedelta(days=1), timedelta(days=365))
    with pytest.raises(ConfigError):
        make_config(talk={"answer_within": "soon"})
    with pytest.raises(ConfigError):
        make_config(retention={"consultations": "0d"})
