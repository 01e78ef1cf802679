"""Logs never hold report text or reporter ids, even with cocbot's own logging at DEBUG."""

from __future__ import annotations

import logging

import pytest

from cocbot.bot.cli.main import _configure_logging
from tests.harness import Harness


async def test_a_full_flow_logs_no_content_and_no_reporter_id(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    _configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG, logger="cocbot")
    bot.fake.fail("chat.postMessage", times=1, status=500)
    ref = await bot.report(description="LOGSECRET account", implicated=["UALICE"], when="LOGSECRET when")
    await bot.drain()
    bot.clock.advance(seconds=5)
    await bot.drain()
    await bot.click("UREPORTER", "add_information", ref, expect_view=True)
    await bot.submit_view("UREPORTER", {"information": "LOGSECRET more"})
    await bot.drain()
    assert bot.fake.who_saw("LOGSECRET account") == {"UBOB", "UCAROL"}
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert ref in text  # operators can follow a report by its reference
    assert "LOGSECRET" not in text
    assert "UREPORTER" not in text
    logging.getLogger().setLevel(logging.WARNING)
