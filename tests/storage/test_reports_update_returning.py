"""update_and_get_report (one UPDATE … RETURNING) gives what update_report + get_report give, on both engines."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.reports import NewReport

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)



async def test_update_and_get_matches_update_then_get(db: Database) -> None:
    async with db.transaction() as s:
        report, _ = await reports_q.create_report(s, NewReport(
            idempotency_key="upd-1", platform="slack", source="command", anonymity="confidential",
            reporter="UREPORTER", description="sealed text", implicated=("UALICE",)), NOW)
        # The session already holds this report: the returned record must still be the updated one.
        await reports_q.get_report(s, report.id)
        fresh = await reports_q.update_and_get_report(s, report.id, space_kind="private_space",
                                                      space_channel="CPRIV", space_invited=False)
    async with db.transaction() as s:
        stored = await reports_q.get_report(s, report.id)
    assert fresh is not None and fresh == stored
    assert (fresh.space_kind, fresh.space_channel, fresh.space_invited) == ("private_space", "CPRIV", False)
    assert fresh.description == "sealed text" and fresh.implicated == ("UALICE",)
    async with db.transaction() as s:
        assert await reports_q.update_and_get_report(s, report.id + 1000, space_invited=True) is None
        with pytest.raises(ValueError):
            await reports_q.update_and_get_report(s, report.id, description="not here")
