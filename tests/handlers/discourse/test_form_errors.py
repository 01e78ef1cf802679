"""The Discourse form when what arrives cannot be read or cannot be stored: a specific page, no 500, and
nothing of the report in the logs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from cocbot.bot.reports.texts import NOT_STORED
from tests.handlers.discourse.conftest import ForumBot

SECRET_TEXT = "WOMBAT-PRIVATE they posted my address in the thread"


def as_logged(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(r) for r in records)


async def test_a_form_post_that_is_not_utf8_is_a_400(fbot: ForumBot, caplog: pytest.LogCaptureFixture) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    url = fbot.link_for("rita")
    caplog.set_level(logging.DEBUG)
    async with fbot.http.post(url, data=b"description=caf\xe9&when=\xff",
                              headers={"Content-Type": "application/x-www-form-urlencoded"}) as resp:
        assert resp.status == 400
        assert "could not be read" in await resp.text()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], as_logged(caplog.records)
    # The link was not used up: the reporter can still send the report.
    assert await fbot.report("rita", description=SECRET_TEXT)


async def test_a_refused_write_keeps_the_text_on_the_page_and_out_of_the_logs(
        fbot: ForumBot, caplog: pytest.LogCaptureFixture) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    url = fbot.link_for("rita")
    async with fbot.runtime.db.engine.begin() as conn:
        await conn.execute(text("CREATE TRIGGER refuse_reports BEFORE INSERT ON reports "
                                "BEGIN SELECT RAISE(ABORT, 'the disk said no'); END"))
    caplog.set_level(logging.DEBUG)
    from cocbot.handlers.slack.testing import markers

    markers.note_reporter("rita")
    status, page = await fbot.submit(url, {"description": SECRET_TEXT})
    assert status == 503
    assert NOT_STORED.split(",")[0] in page.replace("&#x27;", "'") and SECRET_TEXT in page
    logged = as_logged(caplog.records)
    assert "WOMBAT" not in logged and "rita" not in logged and "parameters" not in logged, logged
    assert [r.name for r in caplog.records if r.levelno >= logging.ERROR] == ["cocbot.intake"], logged

    async with fbot.runtime.db.engine.begin() as conn:
        await conn.execute(text("DROP TRIGGER refuse_reports"))
    status, page = await fbot.submit(url, {"description": SECRET_TEXT})
    assert status == 200 and "R-0001 was received" in page
