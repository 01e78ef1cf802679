"""Replays scenarios/*.yml through the real Slack handlers against the fake Slack.

Used three ways: by the test suite (tests/scenarios/), by `cocbot demo` (what each person saw) and by
`cocbot scenarios check` (the stories recast onto a real community's config, looking only for privacy
leaks). A story's people and channels are roles; the `Cast` gives them ids — made-up ones for the story
itself, the community's own ids in check mode.

Each step goes in as Slack would send it (signed HTTP requests), then the runner waits for the Bolt
listeners that run after their ack and drains the outbox, so every step's consequences are visible
before the next one — deterministic without sleeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cocbot.bot.i18n import translator
from cocbot.bot.clock import ManualClock
from cocbot.bot.config.community import CommunityConfig
from cocbot.scenarios.simulator.actions import Actions
from cocbot.scenarios.simulator.cast import Cast, populate, story_config
from cocbot.scenarios.simulator.expectations import Expectations, Leak, Unmet
from cocbot.scenarios.simulator.format import LoadedScenario, ScenarioError, load_scenario
from cocbot.scenarios.simulator.harness import Harness
from cocbot.scenarios.simulator.schema import Expect, Step
from cocbot.scenarios.simulator.records import ReportView, outbox_counts, stored_reports
from cocbot.scenarios.simulator.transcript import Observation, RecordingSlack, who_saw_what


class StepFailure(AssertionError):
    """A step or expectation did not hold. The message says where, what, and who saw what."""


@dataclass
class Replay:
    loaded: LoadedScenario
    cast: Cast
    observations: list[Observation]
    steps: list[str]  # one line per step, as narrated
    refs: list[str]
    leaks: list[Leak]
    violations: list[str]
    # Check mode only: why the story stopped early with this config (the rest could not apply).
    stopped: str | None = None
    # Story step → its number in the narration: hidden steps (expectations) take no number of their own.
    numbers: dict[int, int] = field(default_factory=dict)

    def shown_step(self, index: int) -> int:
        """The narrated number of a story step; something seen at a hidden step belongs to the one before."""
        return self.numbers.get(index, index)


class ScenarioRunner:
    def __init__(self, loaded: LoadedScenario, *, database_url: str, checker: Any = None,
                 config: CommunityConfig | None = None, also_in_committee_channel: tuple[str, ...] = (),
                 language: str | None = None) -> None:
        """With `config`, the story is recast onto that community and only privacy is checked;
        `also_in_committee_channel` lists people besides the committee who sit in its real channel."""
        self.loaded = loaded
        self.scenario = loaded.scenario
        self.database_url = database_url
        self.real_config = config
        self.check_mode = config is not None
        self.also_in_committee_channel = also_in_committee_channel
        self.cast = Cast.onto_config(self.scenario, config) if config else Cast.for_story(self.scenario)
        self.fake = RecordingSlack(checker)
        self.harness: Harness | None = None
        self.narration: list[str] = []
        self.numbers: dict[int, int] = {}
        self.stopped: str | None = None
        # (ref, user) → the step at which they recused: what they saw before that was legitimate.
        self.recused_at: dict[tuple[str, str], int] = {}
        self.actions = Actions(self)
        self.expectations = Expectations(self.cast, self.fake)
        # Everyone, the committee included, reads cocbot in this language (`cocbot demo --lang es`).
        self.language = language
        if language:
            self.expectations.tr = translator(language)

    async def run(self) -> Replay:
        config = self.real_config or story_config(self.loaded, self.cast)
        populate(self.fake, self.scenario, self.cast, self.real_config, self.also_in_committee_channel)
        if self.language:
            config = config.model_copy(update={"community": config.community.model_copy(
                update={"language": self.language})})
            for user in self.fake.users.values():
                user["locale"] = self.language
        start = self.scenario.start
        clock = ManualClock(start) if start else ManualClock()
        await self.fake.start()
        self.harness = Harness(self.fake, config, self.database_url, clock)
        try:
            await self.harness.start()
            for index, step in enumerate(self.scenario.steps, start=1):
                self.fake.step = index
                try:
                    await self._step(index, step)
                except StepFailure as exc:
                    if not self.check_mode:
                        raise
                    # Recast onto a real config, a step may not apply (a role your committee lacks, an
                    # option you have off). What happened up to here is still checked for leaks.
                    self.stopped = str(exc).split("\n\n")[0].split(": ", 1)[-1]
                    break
            if self.scenario.expect is not None and not self.check_mode:
                self.fake.step = len(self.scenario.steps) + 1
                await self._expect("expect", self.scenario.expect)
            reports = await self.reports()
            leaks = self.expectations.privacy_leaks(reports, config.committee, self.recused_at)
            if self.check_mode and self.scenario.expect is not None:
                leaks += self.expectations.never_saw_leaks(self.scenario.expect, reports)
            if leaks and not self.check_mode:
                raise StepFailure(self._failure("privacy", "someone who must never see a report saw it:\n"
                                                + "\n".join("  " + leak.render(self.cast) for leak in leaks)))
            return Replay(self.loaded, self.cast, list(self.fake.observations), self.narration,
                          [r.ref for r in reports], leaks, list(self.fake.violations), self.stopped,
                          dict(self.numbers))
        finally:
            await self.harness.stop()
            await self.fake.stop()

    async def _step(self, index: int, step: Step) -> None:
        where = f"step {index} ({step.kind})"
        try:
            line = None
            if step.kind == "expect":
                if not self.check_mode:
                    await self._expect(where, step.action)
            else:
                line = await self.actions.take(step)
                await self.settle()
                await self.drain()
        except Unmet as exc:
            raise StepFailure(self._failure(where, str(exc))) from None
        for report in await self.reports():
            for uid in report.record.recused:
                self.recused_at.setdefault((report.ref, uid), index)
        known = set(self.cast.channels.values())
        for channel in self.fake.channels.values():
            if channel.id not in known and not channel.id.startswith("D"):
                self.cast.created[channel.id] = channel.name
        shown = len(self.narration) + 1
        if line:
            self.narration.append(f"{shown}. {line}" + (f" — {step.note}" if step.note else ""))
        elif step.note:
            self.narration.append(f"{shown}. {step.note}")
        self.numbers[index] = len(self.narration)

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait for the Bolt listeners still running after their ack (they open modals, store things)."""
        assert self.harness is not None
        try:
            await self.harness.settle(timeout)
        except AssertionError as exc:
            raise Unmet(str(exc)) from None

    async def drain(self) -> None:
        assert self.harness is not None
        await self.harness.drain()

    async def reports(self) -> list[ReportView]:
        assert self.harness is not None
        return await stored_reports(self.harness.runtime.db)

    async def _expect(self, where: str, e: Expect) -> None:
        reports = await self.reports()
        assert self.harness is not None
        counts = await outbox_counts(self.harness.runtime.db) if e.sent or e.scheduled or e.cancelled else {}
        problems = self.expectations.problems(e, reports, counts)
        if problems:
            raise StepFailure(self._failure(where, "\n".join(problems)))

    def _failure(self, where: str, problem: str) -> str:
        return "\n".join([f"{self.loaded.source}: {where}: {problem}", "", self.transcript()])

    def transcript(self) -> str:
        """Who saw what, per person: step, where, and the first line."""
        return who_saw_what(self.cast, self.fake.observations)


async def replay(loaded: LoadedScenario, *, database_url: str, checker: Any = None,
                 config: CommunityConfig | None = None, language: str | None = None) -> Replay:
    return await ScenarioRunner(loaded, database_url=database_url, checker=checker, config=config,
                                language=language).run()


def load_all(paths: Iterable[Path]) -> list[LoadedScenario | ScenarioError]:
    """Every story, or why it cannot be replayed: one broken file does not hide the others."""
    out: list[LoadedScenario | ScenarioError] = []
    for path in paths:
        try:
            out.append(load_scenario(path))
        except ScenarioError as exc:
            out.append(exc)
    return out
