"""What a reporter is told when the form is not right, as a table."""

from __future__ import annotations

import pytest

from cocbot.bot.reports.intake import ReportDraft, Source, validate
from tests.harness import make_config

CONFIG = make_config()


def draft(**kw: object) -> ReportDraft:
    base: dict[str, object] = {"idempotency_key": "k", "reporter": "UREP", "source": Source.COMMAND,
                               "description": "It happened."}
    base.update(kw)
    return ReportDraft(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "fields, field, message_part",
    [
        ({"description": ""}, "description", "describe what happened"),
        ({"description": "   \n "}, "description", "describe what happened"),
        ({"description": "x" * 4001}, "description", "4001 characters; the limit is 4000"),
        ({"when": "w" * 501}, "when", "limit is 500"),
        ({"where_text": "w" * 501}, "where_text", "limit is 500"),
        ({"implicated_other": "n" * 1001}, "implicated_other", "limit is 1000"),
        ({"implicated": tuple(f"U{i:03d}X" for i in range(21))}, "implicated", "at most 20 people"),
        ({"excluded": ("not-a-user",)}, "excluded", "not a known member"),
        ({"witnesses": ("C123",)}, "witnesses", "not a known member"),
        ({"ongoing": "maybe"}, "ongoing", "yes, no or not sure"),
    ],
)
def test_specific_errors(fields: dict[str, object], field: str, message_part: str) -> None:
    errors = validate(draft(**fields), CONFIG)
    assert set(errors) == {field}
    assert message_part in errors[field]


def test_a_minimal_report_is_valid() -> None:
    assert validate(draft(), CONFIG) == {}


def test_limits_follow_the_config() -> None:
    config = make_config(reporting={"max_description_chars": 100})
    assert "limit is 100" in validate(draft(description="y" * 101), config)["description"]


def test_a_lone_surrogate_is_a_specific_error_not_a_database_failure() -> None:
    errors = validate(draft(description="a broken emoji \ud83d", when="\udc00"), CONFIG)
    assert set(errors) == {"description", "when"}
    assert "cannot be saved" in errors["description"]


@pytest.mark.parametrize("reporter", [None, "", "  "])
async def test_a_report_without_a_reporter_is_refused_at_intake(sqlite_url: str, reporter: object) -> None:
    from cocbot.bot.clock import ManualClock
    from cocbot.bot.reports.intake import Intake, NoReporter
    from cocbot.storage import reports as reports_q
    from cocbot.storage.db import Database

    db = Database(sqlite_url)
    await db.create_schema()
    try:
        with pytest.raises(NoReporter):
            await Intake(db, CONFIG, ManualClock()).submit(draft(reporter=reporter))
        async with db.transaction() as session:
            assert await reports_q.get_report(session, 1) is None
    finally:
        await db.dispose()
