import logging

import pytest

from cocbot.handlers.slack.app import filtered_logger


def test_a_slack_library_logger_has_a_level_of_its_own_when_debug_is_off(caplog: pytest.LogCaptureFixture) -> None:
    # slack_sdk and Bolt compose their debug narration (every request and whole answer as text) whenever the
    # logger's own level is unset, before logging.debug drops it: work on every Web API call for nothing.
    caplog.set_level(logging.INFO)
    logger = filtered_logger("cocbot.tests.slack_quiet")
    assert not logger.level <= logging.DEBUG
    assert logger.getEffectiveLevel() == logging.INFO


def test_with_debug_on_the_narration_still_reaches_the_filter(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logger = filtered_logger("cocbot.tests.slack_loud")
    assert logger.level == logging.NOTSET
    assert logger.isEnabledFor(logging.DEBUG)
