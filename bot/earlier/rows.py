"""The outbox rows of an earlier-cases listing (written with a report's first post in its space, and again
when who reads the case changes)."""

from __future__ import annotations

from cocbot.storage import outbox as outbox_q

KIND = "earlier_cases"
# The listing shown again after the case's readers changed (a recusal moved it, the committee changed): the
# listing in the space is edited in place, or posted in a new space.
REFRESH_KIND = "earlier_refresh"


def row(report_id: int) -> outbox_q.NewItem:
    return outbox_q.NewItem(key=f"report:{report_id}:earlier", kind=KIND, report_id=report_id)


def refresh_row(report_id: int, why: str) -> outbox_q.NewItem:
    """`why`: unique per change (the move's row, the committee change's time), so each change refreshes once."""
    return outbox_q.NewItem(key=f"report:{report_id}:earlier:refresh:{why}", kind=REFRESH_KIND, report_id=report_id)
