"""`cocbot scenarios check`: the stories recast onto a community's own config, looking only for leaks.

Each story's committee roles are played by the community's committee members in order; everyone else is
made up. Exit codes: 0 no leak, 1 a leak, 3 an internal error (a bug, never reported as a leak); a story
or config that cannot be used raises ScenarioError (the CLI's 2).
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import IO

from cocbot.bot.config.community import CommunityConfig, parse_config
from cocbot.scenarios.simulator.demo import load_stories, quiet_logs
from cocbot.scenarios.simulator.format import LoadedScenario, ScenarioError
from cocbot.scenarios.simulator.runner import Replay, ScenarioRunner, StepFailure

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


def _forum_stand_in(config: CommunityConfig, source: str, also_in_channel: tuple[str, ...],
                    out: IO[str]) -> CommunityConfig:
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
    return config


def _mapping(replayed: Replay, story: LoadedScenario, config: CommunityConfig) -> str:
    c = story.scenario.community
    roles = [*c.committee.members, c.committee.escalation_contact] + ([c.committee.chair] if c.committee.chair else [])
    pairs = [f"{r}→{replayed.cast.user(r)}" for r in dict.fromkeys(roles)]
    pairs.append(f"#{c.committee.channel}→{config.committee.channel}")
    return ", ".join(pairs)


async def _check_one(story: LoadedScenario, database_url: str, config: CommunityConfig,
                     also_in_channel: tuple[str, ...], out: IO[str], tally: Counter[str]) -> None:
    runner = ScenarioRunner(story, database_url=database_url, config=config,
                            also_in_committee_channel=also_in_channel)
    try:
        replayed = await runner.run()
    except (StepFailure, ScenarioError) as exc:
        tally["problems"] += 1
        first = str(exc).split("\n\n")[0]
        print(f"  could not replay  {story.name}: {first}", file=out)
        return
    except Exception as exc:  # a bug in the simulator or the bot: reported, never a leak's exit code
        tally["internal"] += 1
        print(f"  ERROR    {story.name}: internal error while replaying ({type(exc).__name__}: "
              f"{str(exc).splitlines()[0] if str(exc) else 'no message'})", file=out)
        return
    if replayed.leaks:
        tally["leaks"] += len(replayed.leaks)
        print(f"  LEAK     {story.name} ({_mapping(replayed, story, config)}):", file=out)
        for leak in replayed.leaks:
            print(f"             {leak.render(replayed.cast)}", file=out)
    else:
        print(f"  ok       {story.name}" + (f" ({', '.join(replayed.refs)} reached only the people "
                                           "allowed to see them)" if replayed.refs else ""), file=out)
    if replayed.stopped:
        tally["partial"] += 1
        print(f"           stopped early with your config — {replayed.stopped}", file=out)


def _verdict(tally: Counter[str], out: IO[str]) -> int:
    print("", file=out)
    if tally["leaks"]:
        print(f"{tally['leaks']} privacy leak(s) found. Nothing was sent to Slack; fix the set-up (or report a bug) "
              "before going live.", file=out)
        return 1
    if tally["internal"]:
        print(f"{tally['internal']} story/stories could not be checked because of an internal error (a bug in "
              "cocbot; please report it). No leak was found in the others.", file=out)
        return 3
    problems, partial = tally["problems"], tally["partial"]
    print("No path found by which an implicated, excluded or recused person would see a report."
          + (f" ({problems} story/stories could not be replayed; see above.)" if problems else "")
          + (f" ({partial} stopped early because a step does not apply to your set-up; what happened up to "
             "there was checked.)" if partial else ""), file=out)
    return 0


async def _check(config: CommunityConfig, source: str, names: list[str], out: IO[str], *,
                 also_in_channel: tuple[str, ...], directory: Path | None) -> int:
    stories = load_stories(names, directory)
    if not config.uses_slack:
        config = _forum_stand_in(config, source, also_in_channel, out)
    committee = config.committee
    print(f"Replaying {len(stories)} stories against {source}: committee of {len(committee.members)} in "
          f"{committee.channel}, escalation contact {committee.escalation_contact}"
          + (f", chair {committee.chair}" if committee.chair else "")
          + (f"; also in the committee channel: {', '.join(also_in_channel)}" if also_in_channel else "") + ".",
          file=out)
    print("Each story's committee roles are played by your committee members in order; everyone else is a "
          "made-up person.\nLooking for any path by which someone implicated, excluded or recused would see a "
          "report.\n", file=out)
    tally: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="cocbot-check-") as tmp:
        for story in stories:
            if isinstance(story, ScenarioError):
                tally["problems"] += 1
                print(f"  INVALID  {story.render()}", file=out)
                continue
            await _check_one(story, f"sqlite+aiosqlite:///{tmp}/{story.name}.sqlite3", config, also_in_channel,
                             out, tally)
    return _verdict(tally, out)


def run_check(config: CommunityConfig, source: str, names: list[str], out: IO[str], *,
              also_in_channel: tuple[str, ...] = (), directory: Path | None = None) -> int:
    quiet_logs()
    return asyncio.run(_check(config, source, names, out, also_in_channel=also_in_channel, directory=directory))
