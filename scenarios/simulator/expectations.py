"""What a story says must be seen, or never seen, and the privacy check every story gets anyway.

Texts are matched against what each person saw (the raw payload and what they read), with `{ref}`,
`{ref2}` and `{id:role}` filled in. A failed expectation lists every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cocbot.bot.i18n import Translator, english
from cocbot.bot.config.community import Committee
from cocbot.scenarios.simulator.cast import Cast
from cocbot.scenarios.simulator.schema import CHANNEL_FIELDS, PEOPLE_FIELDS, Expect, Needle
from cocbot.scenarios.simulator.records import ReportView
from cocbot.scenarios.simulator.transcript import Observation, RecordingSlack, Seen, by_person, render, short
from cocbot.storage.reports import ReportRecord

_PLACEHOLDER = re.compile(r"\{(ref\d*|id:[a-z][a-z0-9_]*)\}")
_MIN_CONTENT = 12  # shorter report texts are not searched for by the privacy check (too many false hits)
_STATUS = {"done": "sent", "pending": "scheduled", "cancelled": "cancelled"}


class Unmet(Exception):
    """A step or an expectation that did not hold; the runner adds the story, the step and who saw what."""


@dataclass
class Leak:
    person: str
    why: str  # implicated / excluded / recused / wrote the flagged message / expectation
    ref: str
    via: str
    channel: str | None
    step: int
    what: str

    def render(self, cast: Cast) -> str:
        return (f"{cast.name(self.person)} — {self.why} in {self.ref} — saw {self.what} via {self.via}"
                f" in {cast.channel_name(self.channel)} (step {self.step})")


class Expectations:
    def __init__(self, cast: Cast, fake: RecordingSlack) -> None:
        self.cast = cast
        self.fake = fake
        self.seen = Seen(cast)
        # A story replayed in another language (`cocbot demo --lang es`): cocbot's own words are looked for
        # in that language; a phrase the catalog does not hold (part of a sentence) is not looked for.
        self.tr: Translator = english()

    def fill(self, text: str, refs: list[str]) -> str:
        def sub(m: re.Match[str]) -> str:
            token = m.group(1)
            if token.startswith("id:"):
                role = token[3:]
                if role in self.cast.people:
                    return self.cast.user(role)
                return self.cast.channel(role) if role in self.cast.channels else m.group(0)
            if token == "ref":
                return refs[-1] if refs else m.group(0)
            n = int(token[3:])
            return refs[n - 1] if 0 < n <= len(refs) else m.group(0)

        return _PLACEHOLDER.sub(sub, text)

    def problems(self, e: Expect, reports: list[ReportView], outbox: dict[tuple[str, str], int]) -> list[str]:
        """Everything in `e` that does not hold; `outbox` is (kind, status) → rows."""
        refs = [r.ref for r in reports]
        return [*self._seen(e, refs), *self._stored(e, reports), *self._outbox(e, outbox)]

    def _seen(self, e: Expect, refs: list[str]) -> list[str]:
        problems: list[str] = []
        seen_by = by_person(self.fake.observations)
        for role, needles in e.saw.items():
            mine = seen_by.get(self.cast.user(role), [])
            for needle in needles:
                text, via = (needle.text, needle.via) if isinstance(needle, Needle) else (needle, None)
                translated = self.tr.gettext(text)
                if translated == text and self.tr.locale != "en":
                    if not any(self.fill(text, refs) in self.seen.text(o) for o in mine):
                        continue
                text = self.fill(translated, refs)
                if not any(text in self.seen.text(o) and (via is None or o.via == via) for o in mine):
                    problems.append(f"{role} should have seen {text!r}{' via ' + via if via else ''}, but did not")
        for role, texts in e.never_saw.items():
            mine = seen_by.get(self.cast.user(role), [])
            for needle in texts:
                text = self.fill(needle, refs)
                for o in [o for o in mine if text in self.seen.text(o)][:3]:
                    problems.append(f"{role} must never see {text!r}, but saw it via {o.via} in "
                                    f"{self.cast.channel_name(o.channel)} at step {o.step}")
        for needle, roles in e.who_saw.items():
            text = self.fill(needle, refs)
            if self.tr.locale != "en" and self.tr.gettext(needle) == needle \
                    and not any(text in self.seen.text(o) for o in self.fake.observations):
                # A fragment of an English text, read in another language in this replay: the English replay
                # checks who saw it.
                continue
            problems += self._who_saw(text, {self.cast.user(r) for r in roles})
        for role in e.saw_nothing:
            seen = seen_by.get(self.cast.user(role), [])
            if seen:
                first = seen[0]
                what = short(" / ".join(render(first.content, self.cast)))
                problems.append(f"{role} should have seen nothing from cocbot, but saw {len(seen)} thing(s), first "
                                f"via {first.via} at step {first.step}: {what!r}")
        return problems

    def _who_saw(self, text: str, expected: set[str]) -> list[str]:
        actual = {o.user for o in self.fake.observations if text in self.seen.text(o)}
        if actual == expected:
            return []
        lines = [f"who saw {text!r}:",
                 f"    expected: {', '.join(sorted(self._short_names(expected))) or 'nobody'}",
                 f"    actual:   {', '.join(sorted(self._short_names(actual))) or 'nobody'}"]
        lines += [f"    + {self.cast.name(u)} (should not have)" for u in sorted(actual - expected)]
        lines += [f"    - {self.cast.name(u)} (should have)" for u in sorted(expected - actual)]
        return ["\n".join(lines)]

    def _stored(self, e: Expect, reports: list[ReportView]) -> list[str]:
        problems: list[str] = []
        if e.reports is not None and e.reports != len(reports):
            problems.append(f"expected {e.reports} stored report(s), found {len(reports)}")
        for item in e.stored:
            if not 0 < item.report <= len(reports):
                problems.append(f"stored: report {item.report} does not exist ({len(reports)} stored)")
                continue
            record = reports[item.report - 1].record
            for name, expected in item.fields.items():
                actual = getattr(record, name)
                want = self._stored_value(name, expected)
                if _normal(actual) != _normal(want):
                    problems.append(f"stored report {item.report} ({record.ref}) {name}: expected {want!r}, "
                                    f"found {actual!r}")
        return problems

    @staticmethod
    def _outbox(e: Expect, counts: dict[tuple[str, str], int]) -> list[str]:
        problems: list[str] = []
        for status, wanted in (("done", e.sent), ("pending", e.scheduled), ("cancelled", e.cancelled)):
            for kind, n in wanted.items():
                actual = counts.get((kind, status), 0)
                if actual != n:
                    problems.append(f"expected {n} {kind} {_STATUS[status]}, found {actual} "
                                    f"(outbox: {_outbox_summary(counts)})")
        return problems

    def _stored_value(self, name: str, expected: Any) -> Any:
        if name in PEOPLE_FIELDS:
            if isinstance(expected, list):
                return tuple(self.cast.user(r) for r in expected)
            return self.cast.user(expected) if isinstance(expected, str) else expected
        if name in CHANNEL_FIELDS and isinstance(expected, str):
            return self.cast.channel(expected)
        return expected

    def _short_names(self, ids: Iterable[str]) -> list[str]:
        return [self.cast.short_name(u) for u in ids]

    # ---- privacy ----
    def privacy_leaks(self, reports: list[ReportView], committee: Committee,
                      recused_at: dict[tuple[str, str], int]) -> list[Leak]:
        """Anyone implicated, excluded, recused or the flagged message's author who saw any of a report
        (its text or its reference), and anyone else outside its readers who saw its text. `recused_at`:
        (ref, user) → the step at which they recused; what they saw before was legitimate."""
        leaks: list[Leak] = []
        for report in reports:
            r = report.record
            why = _kept_out(r)
            readers = {r.reporter, *(set(committee.members) - set(why))}
            if r.space_kind == "escalation" and committee.escalation_contact:
                readers.add(committee.escalation_contact)
            needles = _content_needles(r, report.addenda)
            ref_re = re.compile(rf"\b{re.escape(r.ref)}\b")
            for obs in self.fake.observations:
                if obs.user not in why:
                    if obs.user not in readers:
                        # Not named, but not a reader either (e.g. someone else in the committee channel).
                        hit = next((n for n in needles if n in self.seen.text(obs)), None)
                        if hit is not None:
                            leaks.append(_leak(obs, "not on the committee", r.ref, f"its text {short(hit)!r}"))
                    continue
                since = recused_at.get((r.ref, obs.user)) if why[obs.user] == "recused" else None
                if since is not None and obs.step < since:
                    continue  # they were an eligible reader until they declared the conflict
                text = self.seen.text(obs)
                what = next((f"its text {short(n)!r}" for n in needles if n in text), None)
                # A recused member knows the reference (they declared the conflict on it).
                if what is None and since is None and ref_re.search(text):
                    what = f"its reference {r.ref}"
                if what:
                    leaks.append(_leak(obs, why[obs.user], r.ref, what))
        return leaks

    def never_saw_leaks(self, e: Expect, reports: list[ReportView]) -> list[Leak]:
        """In check mode a story's `never_saw` is a privacy promise: broken, it is a leak."""
        refs = [r.ref for r in reports]
        leaks = []
        for role, needles in e.never_saw.items():
            uid = self.cast.user(role)
            for needle in needles:
                text = self.fill(needle, refs)
                for o in self.fake.observations:
                    if o.user == uid and text in self.seen.text(o):
                        leaks.append(_leak(o, "the story says never", refs[-1] if refs else "-", repr(short(text))))
        return leaks


def _kept_out(r: ReportRecord) -> dict[str, str]:
    """Who must never see the report, and why; the reporter wrote it, whatever else they are."""
    why: dict[str, str] = {}
    for uid in r.implicated:
        why[uid] = "implicated"
    for uid in r.excluded:
        why.setdefault(uid, "excluded")
    for uid in r.recused:
        why.setdefault(uid, "recused")
    if r.flagged_author:
        why.setdefault(r.flagged_author, "wrote the flagged message")
    why.pop(r.reporter, None)
    return why


def _leak(obs: Observation, why: str, ref: str, what: str) -> Leak:
    return Leak(obs.user, why, ref, obs.via, obs.channel, obs.step, what)


def _content_needles(record: ReportRecord, addenda: list[str]) -> list[str]:
    texts = [record.description, record.when, record.where_text, record.implicated_other, record.snapshot, *addenda]
    needles = []
    for text in texts:
        for line in str(text or "").splitlines():
            line = line.strip()
            if len(line) >= _MIN_CONTENT:
                needles.append(line[:80])
    return needles


def _normal(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(sorted(map(str, value)))
    return value


def _outbox_summary(counts: dict[tuple[str, str], int]) -> str:
    return ", ".join(f"{kind}/{status}={n}" for (kind, status), n in sorted(counts.items())) or "empty"
