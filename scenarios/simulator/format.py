"""The scenario format: YAML stories of real incidents, parsed and validated without any platform.

A story names people and channels by role ("alice", "general"); the runner (handlers/slack/testing/
scenarios.py) turns roles into platform ids and replays the steps against the real handlers. Every
problem in a file is reported as `file: step N (kind): where: problem`, so a typo in a story is fixed
from the message alone. The format is documented in scenarios/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cocbot.bot.config.durations import parse_duration

ROLE = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
# Public block ids of the report modal (handlers/slack/views.py); other modals have their own ids,
# which are checked against the open modal when the step runs.
REPORT_BLOCK_IDS = ("description", "when", "where", "where_text", "implicated", "implicated_other",
                    "witnesses", "ongoing", "danger", "anonymity", "exclude")
# Fields of a stored report that a story may check (storage.reports.ReportRecord).
STORED_FIELDS = ("ref", "source", "anonymity", "reporter", "description", "when", "where_channel", "where_text",
                 "implicated", "implicated_other", "witnesses", "excluded", "recused", "ongoing", "danger",
                 "flagged_channel", "flagged_author", "snapshot", "state", "delivery_state", "space_kind")
PEOPLE_FIELDS = ("reporter", "implicated", "witnesses", "excluded", "recused", "flagged_author")
CHANNEL_FIELDS = ("where_channel", "flagged_channel")
ACTIONS = ("slash", "shortcut", "submit", "click", "home", "advance", "advance_to", "join", "leave", "restart",
           "fail", "expect")


class ScenarioError(Exception):
    """A story that cannot be replayed: names the file, the step and the problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        if len(self.problems) == 1:
            return f"{self.source}: {self.problems[0]}"
        return "\n".join([f"{self.source}: {len(self.problems)} problems"] + [f"  - {p}" for p in self.problems])


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- community ----

class ChannelSpec(_Strict):
    members: tuple[str, ...] = ()
    private: bool = False
    # Whether cocbot has been invited. A real bot is only where it was invited; stories say so explicitly
    # when they model a committee that forgot to invite it.
    bot: bool = True
    name: str | None = None


class CommitteeSpec(_Strict):
    members: tuple[str, ...] = Field(min_length=1)
    escalation_contact: str
    chair: str | None = None
    channel: str = "committee"


class CommunitySpec(_Strict):
    name: str = "our community"
    people: dict[str, str] = Field(default_factory=dict, description="role → who they are, for the demo")
    committee: CommitteeSpec
    facilitators: tuple[str, ...] = ()
    channels: dict[str, ChannelSpec] = Field(default_factory=dict)
    # Further sections of the community config (policy, reporting, …); "@role" and "#channel" strings
    # are replaced by the ids the runner gives those roles.
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("config")
    @classmethod
    def _no_committee(cls, v: dict[str, Any]) -> dict[str, Any]:
        if "committee" in v:
            raise ValueError("put the committee under community.committee, not community.config")
        return v


# ---- steps ----

class SlashStep(_Strict):
    by: str
    in_: str = Field(default="dm", alias="in")
    command: str = "/report"
    text: str = ""

    @field_validator("command")
    @classmethod
    def _slash(cls, v: str) -> str:
        if not v.startswith("/"):
            raise ValueError(f"a slash command starts with '/', got {v!r}")
        return v


class ShortcutStep(_Strict):
    """Someone uses the "Report message" shortcut on a message."""

    by: str
    in_: str = Field(alias="in")
    author: str | None = None
    text: str


class SubmitStep(_Strict):
    """Submit the modal that is open for `by`, filling input blocks by their block ids."""

    by: str
    values: dict[str, Any] = Field(default_factory=dict)
    # Block id → a part of the inline error the modal must show. Without it, errors fail the step.
    expect_errors: dict[str, str] | None = None

    @field_validator("values")
    @classmethod
    def _values(cls, v: dict[str, Any]) -> dict[str, Any]:
        for key, value in v.items():
            if isinstance(value, list):
                if not all(isinstance(x, str) for x in value):
                    raise ValueError(f"{key}: a list of names (people or channels) expected")
            elif value is not None and not isinstance(value, (str, int, float, bool)):
                raise ValueError(f"{key}: a text, a choice or a list of names expected")
        return v


class ClickStep(_Strict):
    """Click a button the person can see, found by its action_id (newest message first)."""

    by: str
    action_id: str
    # Where to look: the report's message in its space, the person's DMs, or anywhere they can see.
    # (Not `on:` — YAML reads a bare `on` as true.)
    in_: str = Field(default="any", alias="in")
    report: int | None = None
    # Only when the person cannot see such a button (e.g. a forged click): the value to send.
    value: str | None = None

    @field_validator("in_")
    @classmethod
    def _in(cls, v: str) -> str:
        if v not in ("any", "report", "dm"):
            raise ValueError(f"one of any, report, dm — got {v!r}")
        return v


class HomeStep(_Strict):
    """Someone opens cocbot's App Home tab."""

    by: str


class Membership(_Strict):
    channel: str
    people: tuple[str, ...] = Field(min_length=1)


class FailStep(_Strict):
    """Make the fake Slack fail the next `times` calls of a Web API method."""

    method: str
    times: int = Field(default=1, ge=1, le=100)
    status: int = 500
    error: str = "internal_error"
    retry_after: int | None = None


class Needle(_Strict):
    text: str
    via: str | None = None  # modal, dm, channel, ephemeral, response


class StoredExpect(_Strict):
    report: int = 1
    fields: dict[str, Any]


class Expect(_Strict):
    # person → texts they saw (at least once) / must never have seen
    saw: dict[str, tuple[str | Needle, ...]] = Field(default_factory=dict)
    never_saw: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # text → exactly the people who saw it
    who_saw: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # people who saw nothing at all from cocbot
    saw_nothing: tuple[str, ...] = ()
    reports: int | None = None
    stored: tuple[StoredExpect, ...] = ()
    # outbox kind → how many were sent (done) / are still scheduled (pending) / were cancelled
    sent: dict[str, int] = Field(default_factory=dict)
    scheduled: dict[str, int] = Field(default_factory=dict)
    cancelled: dict[str, int] = Field(default_factory=dict)

    @field_validator("stored", mode="before")
    @classmethod
    def _stored(cls, v: Any) -> Any:
        # `stored: {1: {space_kind: …}}` or a list of `{report: 1, space_kind: …}`
        if isinstance(v, dict):
            v = [{"report": k, **(val or {})} for k, val in v.items()]
        if isinstance(v, list):
            out = []
            for item in v:
                if isinstance(item, dict) and "fields" not in item:
                    item = {"report": item.get("report", 1),
                            "fields": {k: val for k, val in item.items() if k != "report"}}
                out.append(item)
            return out
        return v

    @field_validator("stored")
    @classmethod
    def _fields(cls, v: tuple[StoredExpect, ...]) -> tuple[StoredExpect, ...]:
        for item in v:
            unknown = sorted(set(item.fields) - set(STORED_FIELDS))
            if unknown:
                raise ValueError(f"report {item.report}: unknown field(s) {', '.join(unknown)}; "
                                 f"known: {', '.join(STORED_FIELDS)}")
        return v


def step_duration(value: Any) -> timedelta:
    """An `advance:` as written in a story: seconds, `{hours: 4}` or a duration like 4h or 1d 2h."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=float(value))
    if isinstance(value, dict):
        try:
            return timedelta(**{k: float(v) for k, v in value.items()})
        except TypeError:
            raise ValueError("use days, hours, minutes or seconds, e.g. {hours: 4}") from None
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a duration; write e.g. 4h, 1d 2h, 30m or {{hours: 4}}")


class Step(_Strict):
    note: str | None = None
    slash: SlashStep | None = None
    shortcut: ShortcutStep | None = None
    submit: SubmitStep | None = None
    click: ClickStep | None = None
    home: HomeStep | None = None
    advance: timedelta | None = None
    advance_to: datetime | None = None
    join: Membership | None = None
    leave: Membership | None = None
    restart: bool | None = None
    fail: FailStep | None = None
    expect: Expect | None = None

    @field_validator("advance", mode="before")
    @classmethod
    def _advance(cls, v: Any) -> Any:
        if v is None:
            return v
        delta = step_duration(v)
        if delta <= timedelta(0):
            raise ValueError("time only moves forward; give a positive duration")
        return delta

    @field_validator("advance_to")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2026-03-06T18:00:00Z")
        return v

    @model_validator(mode="before")
    @classmethod
    def _one_action(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"a step is a mapping with one of: {', '.join(ACTIONS)}")
        given = [k for k in data if k in ACTIONS]
        unknown = [k for k in data if k not in ACTIONS and k != "note"]
        if unknown:
            raise ValueError(f"unknown step kind {', '.join(map(repr, unknown))}; use one of: {', '.join(ACTIONS)}")
        if len(given) != 1:
            raise ValueError(f"a step has exactly one action, found {len(given)}"
                             + (f" ({', '.join(given)})" if given else f"; use one of: {', '.join(ACTIONS)}"))
        return data

    @property
    def kind(self) -> str:
        for name in ACTIONS:
            if getattr(self, name) is not None:
                return name
        raise AssertionError("validated steps have an action")

    @property
    def action(self) -> Any:
        return getattr(self, self.kind)


class Scenario(_Strict):
    title: str
    seed: str = Field(description="which seed the situation comes from, in a sentence")
    story: str = ""
    # Features the story needs (see FEATURES); missing ones skip the story with the reason, never silently.
    requires: tuple[str, ...] = ()
    start: datetime | None = None
    community: CommunitySpec
    steps: tuple[Step, ...] = Field(min_length=1)
    expect: Expect | None = None

    @field_validator("start")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2026-03-06T18:00:00Z")
        return v


# Features built in other issues; a story that needs one declares it in `requires`.
FEATURES: dict[str, str] = {
    "triage": "committee triage buttons (acknowledge, recuse, ask the reporter) — issue 3",
    "onduty": "on-duty facilitators and /onduty — issue 4",
    "reminders": "acknowledgement reminders and deadlines — issue 5",
}


@dataclass(frozen=True)
class LoadedScenario:
    path: Path
    name: str
    scenario: Scenario

    @property
    def source(self) -> str:
        return _display(self.path)


def _display(path: Path) -> str:
    cwd = Path.cwd().resolve()
    if cwd == Path(cwd.anchor):
        return str(path.resolve())
    try:
        return str(path.resolve().relative_to(cwd))
    except ValueError:
        return str(path)


def _where(loc: tuple[Any, ...], data: Any) -> str:
    """('steps', 2, 'submit', 'by') → 'step 3 (submit) → by'."""
    parts = list(loc)
    prefix = ""
    if len(parts) >= 2 and parts[0] == "steps" and isinstance(parts[1], int):
        index = parts[1]
        kind = ""
        steps = data.get("steps") if isinstance(data, dict) else None
        if isinstance(steps, list) and index < len(steps) and isinstance(steps[index], dict):
            kinds = [k for k in steps[index] if k in ACTIONS]
            kind = f" ({kinds[0]})" if len(kinds) == 1 else ""
        prefix = f"step {index + 1}{kind}"
        parts = parts[2:]
        if parts and parts[0] in ACTIONS:
            parts = parts[1:]
    rest = ".".join(str(p) for p in parts if not str(p).startswith("function-"))
    rest = rest.replace("in_", "in")
    if prefix:
        return f"{prefix} → {rest}" if rest else prefix
    return rest or "(top level)"


def _message(err: dict[str, Any]) -> str:
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "unknown key (see scenarios/README.md for the format)"
    if err["type"] == "missing":
        return "required but missing"
    if err["type"] == "invalid_key":
        return (f"the key {err.get('input')!r} is not text — quote it, or for `on:` use `in:` (YAML reads "
                "bare on/off/yes/no as true/false)")
    return msg


class _Refs:
    """Checks that every person and channel a story mentions is declared."""

    def __init__(self, scenario: Scenario) -> None:
        c = scenario.community
        self.people = set(c.people) | set(c.committee.members) | {c.committee.escalation_contact} | set(
            c.facilitators)
        if c.committee.chair:
            self.people.add(c.committee.chair)
        for ch in c.channels.values():
            self.people |= set(ch.members)
        self.channels = set(c.channels)
        self.problems: list[str] = []

    def person(self, where: str, name: str | None) -> None:
        if name is None:
            return
        if not ROLE.match(name):
            self.problems.append(f"{where}: {name!r} is not a person's name (lowercase letters, digits, _)")
        elif name not in self.people:
            self.problems.append(f"{where}: unknown person {name!r} (declared: {', '.join(sorted(self.people))})")

    def channel(self, where: str, name: str, *, dm_ok: bool = False) -> None:
        if dm_ok and name == "dm":
            return
        if name not in self.channels:
            self.problems.append(f"{where}: unknown channel {name!r} (declared: {', '.join(sorted(self.channels))}"
                                 + (", or dm" if dm_ok else "") + ")")


def _check_refs(scenario: Scenario) -> list[str]:
    refs = _Refs(scenario)
    c = scenario.community
    for name in refs.people:
        refs.person("community", name)
    for name in refs.channels:
        if not ROLE.match(name):
            refs.problems.append(f"community.channels: {name!r} is not a channel name (lowercase letters, digits, _)")
    refs.channel("community.committee.channel", c.committee.channel)
    for feature in scenario.requires:
        if feature not in FEATURES:
            refs.problems.append(f"requires: unknown feature {feature!r} (known: {', '.join(FEATURES)})")
    reports = 0
    for i, step in enumerate(scenario.steps, start=1):
        where = f"step {i} ({step.kind})"
        a = step.action
        if step.kind == "slash":
            refs.person(f"{where} → by", a.by)
            refs.channel(f"{where} → in", a.in_, dm_ok=True)
        elif step.kind == "shortcut":
            refs.person(f"{where} → by", a.by)
            refs.person(f"{where} → author", a.author)
            refs.channel(f"{where} → in", a.in_)
        elif step.kind == "submit":
            refs.person(f"{where} → by", a.by)
            for block in ("implicated", "witnesses", "exclude"):
                value = a.values.get(block)
                if isinstance(value, str):
                    refs.problems.append(f"{where} → values.{block}: a list of people expected, e.g. [{value}]")
                for name in value or ():
                    refs.person(f"{where} → values.{block}", name)
            if isinstance(a.values.get("where"), str):
                refs.channel(f"{where} → values.where", a.values["where"])
            anonymity = a.values.get("anonymity")
            if anonymity is not None and anonymity not in ("named", "confidential", "anonymous"):
                refs.problems.append(f"{where} → values.anonymity: one of named, confidential, anonymous — "
                                     f"got {anonymity!r}")
            if "description" in a.values and a.expect_errors is None:
                reports += 1
        elif step.kind == "home":
            refs.person(f"{where} → by", a.by)
        elif step.kind == "click":
            refs.person(f"{where} → by", a.by)
            if a.report is not None and not 1 <= a.report <= max(reports, 1):
                refs.problems.append(f"{where} → report: only {reports} report(s) filed before this step")
        elif step.kind in ("join", "leave"):
            refs.channel(f"{where} → channel", a.channel)
            for name in a.people:
                refs.person(f"{where} → people", name)
        elif step.kind == "expect":
            _check_expect(refs, where, a)
    if scenario.expect is not None:
        _check_expect(refs, "expect", scenario.expect)
    return refs.problems


def _check_expect(refs: _Refs, where: str, e: Expect) -> None:
    for name in [*e.saw, *e.never_saw, *e.saw_nothing]:
        refs.person(where, name)
    for needle, people in e.who_saw.items():
        for name in people:
            refs.person(f"{where} → who_saw[{needle!r}]", name)
    for item in e.stored:
        for field in PEOPLE_FIELDS:
            value = item.fields.get(field)
            for name in ([value] if isinstance(value, str) else value or ()):
                refs.person(f"{where} → stored.{field}", name)
        for field in CHANNEL_FIELDS:
            if isinstance(item.fields.get(field), str):
                refs.channel(f"{where} → stored.{field}", item.fields[field])


def parse_scenario(data: Any, source: str = "<scenario>") -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError(source, ["the file must be a YAML mapping with title, seed, community and steps"])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A broken step also empties the list of steps; the broken step is the news.
        if any(e["loc"][:1] == ("steps",) and len(e["loc"]) > 1 for e in errors):
            errors = [e for e in errors if tuple(e["loc"]) != ("steps",)]
        problems = []
        for e in errors:
            loc = tuple(e["loc"])
            if e["type"] == "invalid_key":
                loc = loc[:-1]
            problems.append(f"{_where(loc, data)}: {_message(e)}")
        raise ScenarioError(source, problems) from None
    problems = _check_refs(scenario)
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def load_scenario(path: Path | str) -> LoadedScenario:
    path = Path(path)
    source = _display(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(source, [f"cannot read the file: {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, [f"not valid YAML: {exc}"]) from None
    return LoadedScenario(path, path.stem, parse_scenario(data, source))


def scenarios_dir() -> Path:
    """The shipped stories: the simulator lives in their package, installed or in a checkout."""
    return Path(__file__).resolve().parents[1]


def scenario_files(directory: Path | None = None) -> list[Path]:
    directory = directory or scenarios_dir()
    return sorted(p for p in directory.glob("*.yml") if p.is_file())


def select(paths: Iterable[Path], names: Iterable[str]) -> list[Path]:
    """Pick stories by file name (with or without .yml) or a unique part of it."""
    paths = list(paths)
    chosen: list[Path] = []
    for name in names:
        exact = [p for p in paths if p.stem == name or p.name == name]
        partial = [p for p in paths if name in p.stem]
        match = exact or partial
        if len(match) != 1:
            known = ", ".join(p.stem for p in paths)
            raise ScenarioError(name, [f"{'no' if not match else 'more than one'} scenario matches; known: {known}"])
        chosen.append(match[0])
    return chosen
