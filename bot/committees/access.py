"""Who of the committee may open a case, beyond the triage rules: a member added later does not read what
was closed before they joined (unless the community chose `new_members_see: all`)."""

from __future__ import annotations

from datetime import datetime
from collections.abc import Mapping

from cocbot.bot.committees import texts
from cocbot.bot.triage.rules import Refusal, refusal as refused
from cocbot.storage.reports import ReportRecord


def closed_before_joining(report: ReportRecord, user: str, joined: Mapping[str, datetime], setting: str) -> bool:
    since = joined.get(user)
    return (setting != "all" and since is not None and report.state == "closed" and report.closed_at is not None
            and report.closed_at < since)


def refusal(report: ReportRecord, user: str, joined: Mapping[str, datetime], setting: str) -> Refusal | None:
    if closed_before_joining(report, user, joined, setting):
        return refused("joined_later", texts.JOINED_AFTER_CLOSING, ref=report.ref)
    return None
