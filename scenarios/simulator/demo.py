"""`cocbot demo` and `cocbot scenarios check`: the stories replayed against the built-in fake Slack.

Neither needs Slack credentials: the bot runs in-process over loopback HTTP against the fake, on an
SQLite file in a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from pathlib import Path
from typing import IO

from cocbot.bot.config.community import CommunityConfig, parse_config
from cocbot.scenarios.simulator.format import LoadedScenario, ScenarioError, scenario_files, select
from cocbot.scenarios.simulator.runner import Replay, ScenarioRunner, StepFailure, load_all, replay
from cocbot.scenarios.simulator.transcript import print_replay, wrap

RULE = "═" * 78


def _quiet_logs() -> None:
    # The bot's operator warnings are meant for a real operator's log, not the demo's story.
    logging.getLogger("cocbot").setLevel(logging.ERROR)
    logging.getLogger("slack_bolt").setLevel(logging.ERROR)
    logging.getLogger("aiohttp").setLevel(logging.ERROR)


def _stories(names: list[str], directory: Path | None) -> list[LoadedScenario | ScenarioError]:
    if directory is not None and not directory.is_dir():
        raise ScenarioError(str(directory), ["not a directory of stories"])
    paths = scenario_files(directory)
    if not paths:
        raise ScenarioError(str(directory or "scenarios/"), ["no stories (*.yml) found there"])
    if names:
        paths = select(paths, names)
    return load_all(paths)


async def _demo(names: list[str], out: IO[str], *, short: bool, directory: Path | None) -> int:
    stories = _stories(names, directory)
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
                replayed = await replay(story, database_url=f"sqlite+aiosqlite:///{tmp}/{story.name}.sqlite3")
            except (StepFailure, ScenarioError) as exc:
                failed += 1
                print(f"This story did not replay as written:\n{exc}", file=out)
                continue
            print_replay(replayed, out, short=short)
    print(f"\n{RULE}\nThat was cocbot. Set it up for your own workspace: see README.md (`cocbot run`), and check "
          "your committee's set-up\nagainst these stories with `cocbot scenarios check --config cocbot.yml`.",
          file=out)
    return 1 if failed else 0


def run_demo(names: list[str], out: IO[str], *, short: bool = False, directory: Path | None = None) -> int:
    _quiet_logs()
    return asyncio.run(_demo(names, out, short=short, directory=directory))


def list_stories(out: IO[str], directory: Path | None = None) -> int:
    for story in _stories([], directory):
        if isinstance(story, ScenarioError):
            print(f"  (invalid) {story.render()}", file=out)
            continue
        print(f"  {story.name:<48} {story.scenario.title}", file=out)
    return 0


# ---------------------------------------------------------------- scenarios check

def _mapping(replayed: Replay, story: LoadedScenario, config: CommunityConfig) -> str:
    c = story.scenario.community
    roles = [*c.committee.members, c.committee.escalation_contact] + ([c.committee.chair] if c.committee.chair else [])
    pairs = [f"{r}→{replayed.cast.user(r)}" for r in dict.fromkeys(roles)]
    pairs.append(f"#{c.committee.channel}→{config.committee.channel}")
    return ", ".join(pairs)


FORUM_COMMITTEE_SPACE = "CFORUMCOMMITTEE"


def slack_stand_in(config: CommunityConfig) -> tuple[CommunityConfig, dict[str, str]]:
    """For a community on Discourse only: the same committee on a simulated Slack, and who stands for whom.

    The stories are told in Slack terms. Who may read a report — the committee minus anyone implicated,
    excluded or recused, else the escalation contact — is decided by the domain for both platforms alike,
    so the forum committee is replayed standing in as Slack users: a report the committee may all read is a
    PM to all of them on the forum (the committee channel here), any other a PM to the eligible ones only (a
    private space here)."""
    committee = config.committee
    people = [*committee.members, committee.escalation_contact, committee.chair, *config.duty.facilitators]
    ids = {name: "U" + (re.sub(r"[^A-Z0-9]", "", name.upper()) or "X") + "FORUM" for name in people if name}
    data = config.model_dump(mode="json", exclude={"committee", "discourse"})
    data["committee"] = {"channel": FORUM_COMMITTEE_SPACE, "members": [ids[m] for m in committee.members],
                         "escalation_contact": ids[committee.escalation_contact] if committee.escalation_contact
                         else ids[committee.members[0]]}
    if committee.chair:
        data["committee"]["chair"] = ids[committee.chair]
    data["duty"]["facilitators"] = [ids[f] for f in config.duty.facilitators]
    return parse_config(data, "the forum committee standing in on a simulated Slack"), ids


async def _check(config: CommunityConfig, source: str, names: list[str], out: IO[str], *,
                 also_in_channel: tuple[str, ...], directory: Path | None) -> int:
    stories = _stories(names, directory)
    if not config.uses_slack:
        if also_in_channel:
            raise ScenarioError(source, ["--also-in-committee-channel: this community has no Slack committee "
                                         "channel (it runs on Discourse only)"])
        forum = config.committee
        config, ids = slack_stand_in(config)
        print(f"{source} is a community on Discourse only. The stories are told in Slack terms; they are replayed "
              f"with your forum committee standing in ({', '.join(f'{n} as {u}' for n, u in ids.items())}), which "
              "checks who may read each report — the rule Slack and Discourse share: a report all the committee "
              "may read is a PM to all of them on the forum, any other a PM with only the eligible members. "
              "Every story applies this way"
              + (f"; escalation contact {forum.escalation_contact}" if forum.escalation_contact else "")
              + ". Forum-only paths (flags, the report form) are checked by cocbot's own tests.\n", file=out)
    committee = config.committee
    print(f"Replaying {len(stories)} stories against {source}: committee of {len(committee.members)} in "
          f"{committee.channel}, escalation contact {committee.escalation_contact}"
          + (f", chair {committee.chair}" if committee.chair else "")
          + (f"; also in the committee channel: {', '.join(also_in_channel)}" if also_in_channel else "") + ".",
          file=out)
    print("Each story's committee roles are played by your committee members in order; everyone else is a "
          "made-up person.\nLooking for any path by which someone implicated, excluded or recused would see a "
          "report.\n", file=out)
    leaks = problems = partial = internal = 0
    with tempfile.TemporaryDirectory(prefix="cocbot-check-") as tmp:
        for story in stories:
            if isinstance(story, ScenarioError):
                problems += 1
                print(f"  INVALID  {story.render()}", file=out)
                continue
            runner = ScenarioRunner(story, database_url=f"sqlite+aiosqlite:///{tmp}/{story.name}.sqlite3",
                                    config=config, also_in_committee_channel=also_in_channel)
            try:
                replayed = await runner.run()
            except (StepFailure, ScenarioError) as exc:
                problems += 1
                first = str(exc).split("\n\n")[0]
                print(f"  could not replay  {story.name}: {first}", file=out)
                continue
            except Exception as exc:  # a bug in the simulator or the bot: reported, never a leak's exit code
                internal += 1
                print(f"  ERROR    {story.name}: internal error while replaying ({type(exc).__name__}: "
                      f"{str(exc).splitlines()[0] if str(exc) else 'no message'})", file=out)
                continue
            if replayed.leaks:
                leaks += len(replayed.leaks)
                print(f"  LEAK     {story.name} ({_mapping(replayed, story, config)}):", file=out)
                for leak in replayed.leaks:
                    print(f"             {leak.render(replayed.cast)}", file=out)
            else:
                print(f"  ok       {story.name}" + (f" ({', '.join(replayed.refs)} reached only the people "
                                                   "allowed to see them)" if replayed.refs else ""), file=out)
            if replayed.stopped:
                partial += 1
                print(f"           stopped early with your config — {replayed.stopped}", file=out)
    print("", file=out)
    if leaks:
        print(f"{leaks} privacy leak(s) found. Nothing was sent to Slack; fix the set-up (or report a bug) before "
              "going live.", file=out)
        return 1
    if internal:
        print(f"{internal} story/stories could not be checked because of an internal error (a bug in cocbot; "
              "please report it). No leak was found in the others.", file=out)
        return 3
    print("No path found by which an implicated, excluded or recused person would see a report."
          + (f" ({problems} story/stories could not be replayed; see above.)" if problems else "")
          + (f" ({partial} stopped early because a step does not apply to your set-up; what happened up to "
             "there was checked.)" if partial else ""), file=out)
    return 0


def run_check(config: CommunityConfig, source: str, names: list[str], out: IO[str], *,
              also_in_channel: tuple[str, ...] = (), directory: Path | None = None) -> int:
    _quiet_logs()
    return asyncio.run(_check(config, source, names, out, also_in_channel=also_in_channel, directory=directory))


__all__ = ["list_stories", "print_replay", "run_check", "run_demo"]
