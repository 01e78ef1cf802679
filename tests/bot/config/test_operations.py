"""The sections around reports: retention periods read back as written, holds and bans checked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cocbot.bot.config.operations import Bans, Duty, Holds, Retention


def test_retention_periods_read_back_as_written() -> None:
    retention = Retention.model_validate({"closed_reports": "never", "consultations": "12h"})
    assert retention.closed_reports is None and retention.consultations == timedelta(hours=12)
    dumped = retention.model_dump()
    assert dumped["closed_reports"] == "never" and dumped["consultations"] == "12h"
    assert Retention.model_validate(dumped) == retention
    with pytest.raises(ValueError, match="or never"):
        Retention.model_validate({"closed_reports": "soon"})
    with pytest.raises(ValueError, match="never"):
        Retention.model_validate({"consultations": "never"})


def test_holds_warn_before_they_expire() -> None:
    with pytest.raises(ValueError, match="shorter than holds.expire_after"):
        Holds(expire_after="7d", warn_before="7d")


def test_bans_take_one_forum_action_and_a_single_word() -> None:
    assert Bans.model_validate({"enforce": "remove"}).removes
    assert Bans.model_validate({"enforce": ["alert", "silence"]}).forum_action == "silence"
    with pytest.raises(ValueError, match="suspend or silence"):
        Bans.model_validate({"enforce": ["suspend", "silence"]})


def test_a_shift_is_never_longer_by_default_than_allowed() -> None:
    with pytest.raises(ValueError, match="longer than max_shift_hours"):
        Duty(default_shift_hours=10, max_shift_hours=4)
