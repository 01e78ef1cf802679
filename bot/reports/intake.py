"""Report intake: validate what a reporter sent, store it with its deliveries in one transaction."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from collections.abc import Callable

from cocbot.bot.audit import trail as audit
from cocbot.bot.i18n import Translator, english
from cocbot.bot.reports.reporters import reachable
from cocbot.bot.clock import Clock
from cocbot.bot.reminders import hooks as reminders
from cocbot.bot.safety import paging as safety_paging
from cocbot.bot.reports.readers.service import readers_errors, schedule_ask
from cocbot.bot.reports.behalf import service as behalf
from cocbot.bot.reports.behalf.service import behalf_errors
from cocbot.bot.reports.warnings import warning_errors
from cocbot.bot.holds import hooks as holds
from cocbot.bot.holds import texts as holds_texts
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.config.discourse import USERNAME as DISCOURSE_USERNAME
from cocbot.bot.reports.texts import UNSTORABLE_CHARACTER
from cocbot.storage import outbox as outbox_q
from cocbot.storage import reports as reports_q
from cocbot.storage.db import Database
from cocbot.storage.holds import is_held
from cocbot.storage.reports import FlagSnapshot, NewReport

log = logging.getLogger("cocbot.intake")

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
# Retention of an unsubmitted "Report message" snapshot.
UNSUBMITTED_DRAFTS = timedelta(days=1)


class Anonymity(StrEnum):
    NAMED = "named"
    CONFIDENTIAL = "confidential"
    ANONYMOUS = "anonymous"


class Source(StrEnum):
    COMMAND = "command"
    MESSAGE_SHORTCUT = "message_shortcut"
    FORM = "form"
    DISCOURSE_FLAG = "discourse_flag"


@dataclass(frozen=True)
class FlaggedMessage:
    channel: str
    ts: str
    author: str | None
    text: str


@dataclass(frozen=True)
class ReportDraft:
    """A report as the reporter submitted it, already translated out of the platform's payload."""

    idempotency_key: str
    reporter: str
    source: Source
    description: str
    platform: str = "slack"
    when: str = ""
    where_channel: str | None = None
    where_text: str = ""
    implicated: tuple[str, ...] = ()
    implicated_other: str = ""
    witnesses: tuple[str, ...] = ()
    ongoing: str = "unsure"
    danger: bool = False
    anonymity: Anonymity = Anonymity.CONFIDENTIAL
    excluded: tuple[str, ...] = ()
    flagged: FlaggedMessage | None = None
    # The saved snapshot (save_flag_snapshot) this report uses up: deleted when the report is stored.
    flag_draft: str | None = None
    # Only these committee members may see it (empty: the whole committee).
    readers: tuple[str, ...] = ()
    # Filed for someone else (a verbal report): a member of the platform, or a name and contact.
    on_behalf: str | None = None
    on_behalf_other: str = ""
    # A content warning for the committee: the details stay behind "View report" for this case.
    content_warning: str = ""
    # Held until someone else names the same person (bot/holds/).
    hold: bool = False


TEXT_LIMITS = {"when": 500, "where_text": 500, "implicated_other": 1000}


class NoReporter(ValueError):
    """A draft without the id of the person who sent it: nobody could be confirmed to or asked, ever."""


class StoreFailed(Exception):
    """Storing a report failed. Already logged without content; the edge asks the reporter to send again."""


def storable(text: str) -> bool:
    """False for text no database can hold: a lone UTF-16 surrogate (JSON lets `\\ud800` through)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def failure_kind(exc: BaseException) -> str:
    """What failed, as class names and database error codes only: a database error's text can hold the
    statement's values (report text, reporter id), so it is never logged."""
    orig = getattr(exc, "orig", None)
    parts = [type(exc).__name__]
    if orig is not None:
        parts.append(type(orig).__name__)
        code = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None)
        if isinstance(code, str):
            parts.append(code)
    return "/".join(parts)


def validate(draft: ReportDraft, config: CommunityConfig, tr: Translator = english()) -> dict[str, str]:
    """Field → a specific message for the reporter, in their language. Empty when the draft can be stored."""
    errors: dict[str, str] = {}
    limit = config.reporting.max_description_chars
    description = draft.description.strip()
    if not description:
        errors["description"] = tr.gettext("Please describe what happened. A sentence or two is enough to start.")
    elif len(description) > limit:
        errors["description"] = tr.gettext(
            "This is %(count)s characters; the limit is %(limit)s. Please shorten it — after sending you can add "
            "the rest with the “Add information” button.") % {"count": len(description), "limit": limit}
    for name, max_len in TEXT_LIMITS.items():
        value = getattr(draft, name)
        if len(value) > max_len:
            errors[name] = tr.gettext("This is %(count)s characters; the limit is %(limit)s.") % {
                "count": len(value), "limit": max_len}
    for name in ("description", *TEXT_LIMITS):
        if name not in errors and not storable(getattr(draft, name)):
            errors[name] = tr.gettext(UNSTORABLE_CHARACTER)
    max_people = config.reporting.max_people
    # People are Slack user ids, or Discourse usernames for reports filed on Discourse.
    person = DISCOURSE_USERNAME if draft.platform == "discourse" else USER_ID
    for name in ("implicated", "witnesses", "excluded"):
        people = getattr(draft, name)
        if len(people) > max_people:
            errors[name] = tr.ngettext("Please choose at most %(max)s person here (you chose %(count)s).",
                                        "Please choose at most %(max)s people here (you chose %(count)s).",
                                        max_people) % {"max": max_people, "count": len(people)}
        elif any(not person.match(p) for p in people):
            errors[name] = (tr.gettext("One of the people chosen is not a known member of this workspace.")
                            if person is USER_ID else
                            tr.gettext("One of these is not a Discourse username (letters, digits, _ . - only)."))
    if draft.ongoing not in ("yes", "no", "unsure"):
        errors["ongoing"] = tr.gettext("Please choose yes, no or not sure.")
    errors.update(readers_errors(draft, config, tr))
    errors.update(behalf_errors(draft, config, tr))
    errors.update(warning_errors(draft.content_warning, tr))
    if draft.hold and not (draft.implicated or draft.flagged):
        errors["hold"] = holds_texts.needs_person(tr)
    return errors


@dataclass(frozen=True)
class Submitted:
    ref: str
    created: bool
    danger: bool
    anonymity: str
    held: bool = False


@dataclass
class Intake:
    db: Database
    config: CommunityConfig
    clock: Clock
    # Wakes the delivery worker once the transaction has committed.
    notify: Callable[[], None] = field(default=lambda: None)
    # How long a flagged message's snapshot waits for its report: a modal left open longer cannot be
    # submitted with it, and the snapshot (who was flagged, where) is deleted.
    draft_ttl: timedelta = UNSUBMITTED_DRAFTS

    async def submit(self, draft: ReportDraft) -> Submitted:
        """Store the report and its deliveries atomically; a repeated key returns the first report.

        Raises NoReporter for a draft without a reporter, StoreFailed when the database refuses it."""
        if not isinstance(draft.reporter, str) or not draft.reporter.strip():
            raise NoReporter("a report needs the id of the person who sent it")
        now = self.clock.now()
        flagged = draft.flagged
        held = False
        new = NewReport(
            idempotency_key=draft.idempotency_key,
            platform=draft.platform,
            source=draft.source.value,
            anonymity=draft.anonymity.value,
            reporter=behalf.reporter_for(draft),
            description=draft.description.strip(),
            when=draft.when.strip(),
            where_channel=draft.where_channel,
            where_text=draft.where_text.strip(),
            implicated=tuple(dict.fromkeys(draft.implicated)),
            implicated_other=draft.implicated_other.strip(),
            witnesses=tuple(dict.fromkeys(draft.witnesses)),
            excluded=tuple(dict.fromkeys(draft.excluded)),
            ongoing=draft.ongoing,
            danger=draft.danger,
            flagged_channel=flagged.channel if flagged else None,
            flagged_ts=flagged.ts if flagged else None,
            flagged_author=flagged.author if flagged else None,
            snapshot=flagged.text if flagged else "",
            readers=tuple(dict.fromkeys(draft.readers)),
            **behalf.stored_fields(draft),
            content_warning=draft.content_warning.strip(),
        )
        try:
            async with self.db.transaction() as session:
                report, created = await reports_q.create_report(session, new, now)
                if created:
                    held = await holds.on_report_stored(session, report, hold=draft.hold, now=now, config=self.config)
                if created and not held:
                    # One statement for these rows and the reminders (delivery first, so it is claimed first).
                    items = [outbox_q.NewItem(key=f"report:{report.id}:deliver", kind="deliver_report",
                                              report_id=report.id)]
                    if report.filed_by:
                        # The person it is for reviews it first; the one who filed it gets a receipt.
                        items += behalf.intake_rows(report)
                    # Nobody to confirm to for the public form or an unknown flagger.
                    elif reachable(report.reporter):
                        items.append(outbox_q.NewItem(key=f"report:{report.id}:confirm", kind="confirm_reporter",
                                                      report_id=report.id))
                    # With the reminders, in the same statement.
                    await reminders.on_report_stored(session, report, now, self.config, also=items)
                    await safety_paging.on_report_stored(session, report, now, self.config)
                    await schedule_ask(session, report, now, self.config)
                    await audit.record(session, report_id=report.id, action="filed", now=now, source=new.source)
                if draft.flag_draft is not None:
                    await reports_q.delete_flag_draft(session, draft.flag_draft)
        except Exception as exc:
            # The only copy of this report may be in this process's memory: the line says what failed and
            # nothing of the report; the caller asks the reporter to send it again (or retries a flag).
            log.error("a report could not be stored (%s)", failure_kind(exc))
            raise StoreFailed() from None
        if created:
            if held:  # nothing about a held report is logged but its reference
                log.info("report %s stored", report.ref)
            else:
                log.info("report %s stored (source=%s, anonymity=%s)", report.ref, new.source, new.anonymity)
            self.notify()
        return Submitted(report.ref, created, report.danger, report.anonymity, held)

    async def stored(self, idempotency_key: str) -> Submitted | None:
        """The report stored under this key, if any: what a reporter is told after a failed submit."""
        async with self.db.transaction() as session:
            report = await reports_q.get_report_by_key(session, idempotency_key)
            held = report is not None and await is_held(session, report.id)
        return None if report is None else Submitted(report.ref, False, report.danger, report.anonymity, held)

    async def save_flag_snapshot(self, view_id: str, message: FlaggedMessage) -> None:
        async with self.db.transaction() as session:
            await reports_q.save_flag_draft(session, view_id=view_id, channel=message.channel, ts=message.ts,
                                            author=message.author, text=message.text, now=self.clock.now())

    async def flag_snapshot(self, view_id: str) -> FlagSnapshot | None:
        """The snapshot saved when the modal opened; None once expired, whether or not it was deleted yet."""
        async with self.db.transaction() as session:
            return await reports_q.get_flag_draft(session, view_id, saved_since=self.clock.now() - self.draft_ttl)

    async def expire_flag_drafts(self) -> int:
        """Delete the snapshots of shortcuts never submitted in time; returns how many."""
        async with self.db.transaction() as session:
            return await reports_q.delete_flag_drafts_before(session, self.clock.now() - self.draft_ttl)

    async def add_information(self, *, ref: str, user: str, text: str, idempotency_key: str,
                              tr: Translator = english()) -> str | None:
        """Append the reporter's text to their report. Returns an error message (in `tr`'s language), or
        None on success."""
        text = text.strip()
        if not text:
            return tr.gettext("Please write the information you want to add.")
        if not storable(text):
            return tr.gettext(UNSTORABLE_CHARACTER)
        if len(text) > self.config.reporting.max_description_chars:
            return tr.gettext("This is %(count)s characters; the limit is %(limit)s. You can send it in several "
                              "parts.") % {"count": len(text), "limit": self.config.reporting.max_description_chars}
        now = self.clock.now()
        async with self.db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
            if report is None or report.reporter != user:
                return tr.gettext("Only the person who filed this report can add information to it.")
            addendum_id, created = await reports_q.add_addendum(
                session, report_id=report.id, idempotency_key=idempotency_key, text=text, now=now)
            if created:
                await outbox_q.enqueue(session, key=f"addendum:{addendum_id}:deliver", kind="deliver_addendum",
                                       report_id=report.id, payload={"addendum_id": addendum_id}, now=now)
                await audit.record(session, report_id=report.id, action="addition", now=now)
        if created:
            self.notify()
        return None
