"""When the database refuses a report, the reporter is told to send it again (safely: no second copy) and
the log says what failed without the report: no text, no reporter id, no statement parameters."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select, text

from cocbot.bot.reports.texts import NOT_STORED, UNSTORABLE_CHARACTER
from cocbot.handlers.slack.testing import markers
from cocbot.storage.models import Report
from tests.harness import COMMITTEE_CHANNEL, GENERAL, Harness

SECRET_TEXT = "QUOKKA-PRIVATE he followed me to the hotel after the meetup"

REFUSE = {
    "sqlite": ["CREATE TRIGGER refuse_reports BEFORE INSERT ON reports "
               "BEGIN SELECT RAISE(ABORT, 'the disk said no'); END"],
    "postgresql": ["CREATE OR REPLACE FUNCTION refuse_reports() RETURNS trigger AS $$ "
                   "BEGIN RAISE EXCEPTION 'the disk said no'; END $$ LANGUAGE plpgsql",
                   "CREATE TRIGGER refuse_reports BEFORE INSERT ON reports "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_reports()"],
}


async def execute(bot: Harness, *statements: str) -> None:
    async with bot.runtime.db.engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement))


async def count(bot: Harness) -> int:
    async with bot.runtime.db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(Report))).scalar_one())


def as_logged(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(r) for r in records)


async def test_a_refused_write_tells_the_reporter_and_logs_one_line_without_content(
        engine_bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    bot = engine_bot
    dialect = bot.runtime.db.engine.dialect.name
    await execute(bot, *REFUSE[dialect])
    await bot.slash("UREPORTER", GENERAL)
    view = bot.fake.open_view_for("UREPORTER")
    caplog.set_level(logging.DEBUG)
    resp = await bot.submit_view("UREPORTER", {"description": SECRET_TEXT, "when": "QUOKKA yesterday evening"},
                                 view=view)
    assert resp.status == 200
    assert resp.json() == {"response_action": "errors", "errors": {"description": NOT_STORED}}
    logged = as_logged(caplog.records)
    assert "QUOKKA" not in logged and "UREPORTER" not in logged, logged
    assert "parameters" not in logged
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in failures] == ["cocbot.intake"], logged
    assert "could not be stored" in failures[0].getMessage() and not failures[0].exc_info
    assert await count(bot) == 0

    # Sending the same modal again once the database takes writes stores it, once.
    await execute(bot, "DROP TRIGGER refuse_reports" + (" ON reports" if dialect == "postgresql" else ""))
    resp = await bot.submit_view("UREPORTER", {"description": SECRET_TEXT}, view=view)
    assert resp.json()["response_action"] == "update"
    await bot.submit_view("UREPORTER", {"description": SECRET_TEXT}, view=view)
    assert await count(bot) == 1
    await bot.drain()
    assert bot.fake.who_saw("QUOKKA-PRIVATE") == {"UALICE", "UBOB", "UCAROL"}
    assert bot.fake.messages_in(COMMITTEE_CHANNEL)


async def test_engines_keep_statement_parameters_out_of_errors(engine_bot: Harness) -> None:
    bot = engine_bot
    await execute(bot, *REFUSE[bot.runtime.db.engine.dialect.name])
    with pytest.raises(Exception) as caught:
        async with bot.runtime.db.transaction() as session:
            await session.execute(text("INSERT INTO reports (ref, reporter) VALUES (:ref, :reporter)"),
                                  {"ref": "R-9999", "reporter": "UQUOKKAREPORTER"})
    assert "UQUOKKAREPORTER" not in str(caught.value)


async def test_a_lone_surrogate_gets_a_specific_error_and_nothing_is_logged(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    await bot.slash("UREPORTER", GENERAL)
    caplog.set_level(logging.DEBUG)
    markers.note_text("QUOKKA-PRIVATE a broken emoji")
    resp = await bot.submit_view("UREPORTER", {"description": "QUOKKA-PRIVATE a broken emoji \ud83d here"})
    assert resp.status == 200
    assert resp.json() == {"response_action": "errors", "errors": {"description": UNSTORABLE_CHARACTER}}
    logged = as_logged(caplog.records)
    assert "QUOKKA" not in logged and "UREPORTER" not in logged, logged
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], logged
    assert await count(bot) == 0
