"""The outbox row of an earlier-cases listing (written with a report's first post in its space)."""

from __future__ import annotations

from cocbot.storage import outbox as outbox_q

KIND = "earlier_cases"


def row(report_id: int) -> outbox_q.NewItem:
    return outbox_q.NewItem(key=f"report:{report_id}:earlier", kind=KIND, report_id=report_id)
