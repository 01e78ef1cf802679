"""`cocbot demo`: the stories replayed against the built-in fake Slack, with what each person saw.

It needs no Slack credentials (nor does `cocbot scenarios check`, check.py): the bot runs in-process over
loopback HTTP against the fake, on an SQLite file in a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import IO

from cocbot.scenarios.simulator.format import LoadedScenario, ScenarioError, scenario_files, select
from cocbot.scenarios.simulator.runner import StepFailure, load_all, replay
from cocbot.scenarios.simulator.transcript import print_replay, wrap

RULE = "═" * 78


def quiet_logs() -> None:
    # The bot's operator warnings are meant for a real operator's log, not the demo's story.
    logging.getLogger("cocbot").setLevel(logging.ERROR)
    logging.getLogger("slack_bolt").setLevel(logging.ERROR)
    logging.getLogger("aiohttp").setLevel(logging.ERROR)


def load_stories(names: list[str], directory: Path | None) -> list[LoadedScenario | ScenarioError]:
    if directory is not None and not directory.is_dir():
        raise ScenarioError(str(directory), ["not a directory of stories"])
    paths = scenario_files(directory)
    if not paths:
        raise ScenarioError(str(directory or "scenarios/"), ["no stories (*.yml) found there"])
    if names:
        paths = select(paths, names)
    return load_all(paths)


async def _demo(names: list[str], out: IO[str], *, short: bool, directory: Path | None, ids: bool = False,
                language: str | None = None) -> int:
    stories = load_stories(names, directory)
    print("cocbot demo — real Code of Conduct situations, replayed through cocbot's real Slack handlers against "
          "a local stand-in for Slack.\nNo Slack account or credentials; a throwaway SQLite database. Every "
          "message, form and reminder below is exactly what cocbot sent.", file=out)
    if len(stories) > 1:
        print("\nThe stories:", file=out)
        for n, story in enumerate(stories, start=1):
            title = story.scenario.title if isinstance(story, LoadedScenario) else "(invalid story)"
            print(f"  {n:>2}. {title}", file=out)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="cocbot-demo-") as tmp:
        for n, story in enumerate(stories, start=1):
            print(f"\n{RULE}", file=out)
            if isinstance(story, ScenarioError):
                failed += 1
                print(f"{n}/{len(stories)}  (invalid story)\n{story.render()}", file=out)
                continue
            s = story.scenario
            print(f"{n}/{len(stories)}  {s.title}\n      {story.source}", file=out)
            print(RULE, file=out)
            for line in wrap("From the seeds: " + " ".join(s.seed.split()), "", hang=""):
                print(line, file=out)
            if s.story:
                print("", file=out)
                for line in wrap(" ".join(s.story.split()), "", hang=""):
                    print(line, file=out)
            print("", file=out)
            try:
                replayed = await replay(story, database_url=f"sqlite+aiosqlite:///{tmp}/{story.name}.sqlite3",
                                        language=language)
            except (StepFailure, ScenarioError) as exc:
                failed += 1
                print(f"This story did not replay as written:\n{exc}", file=out)
                continue
            print_replay(replayed, out, short=short, ids=ids)
    print(f"\n{RULE}\nThat was cocbot. Set it up for your own workspace: see README.md (`cocbot run`), and check "
          "your committee's set-up\nagainst these stories with `cocbot scenarios check --config cocbot.yml`.",
          file=out)
    return 1 if failed else 0


def run_demo(names: list[str], out: IO[str], *, short: bool = False, directory: Path | None = None,
             ids: bool = False, language: str | None = None) -> int:
    quiet_logs()
    return asyncio.run(_demo(names, out, short=short, directory=directory, ids=ids, language=language))


def list_stories(out: IO[str], directory: Path | None = None) -> int:
    for story in load_stories([], directory):
        if isinstance(story, ScenarioError):
            print(f"  (invalid) {story.render()}", file=out)
            continue
        print(f"  {story.name:<48} {story.scenario.title}", file=out)
    return 0


__all__ = ["list_stories", "print_replay", "run_demo"]
