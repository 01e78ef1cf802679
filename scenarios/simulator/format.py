"""The scenario format: YAML stories of real incidents, parsed and validated without any platform.

Every problem in a file is reported as `file: step N (kind): where: problem`, so a typo in a story is
fixed from the message alone. What a story may say is in schema.py; the format is documented in
scenarios/README.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from cocbot.bot.config.community import read_yaml
from cocbot.scenarios.simulator.schema import (
    ACTIONS, CHANNEL_FIELDS, PEOPLE_FIELDS, ROLE, Expect, Scenario,
)


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


def _message(err: ErrorDetails) -> str:
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
        data = read_yaml(path)
    except ValueError as exc:
        raise ScenarioError(source, [str(exc)]) from None
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
