"""Small stories the simulator's own tests replay: one report about mallory, and the same with a leak."""

from __future__ import annotations

from pathlib import Path

STORY = """
title: t
seed: s
community:
  committee: {members: [alice, bob], escalation_contact: erin}
  channels:
    committee: {members: [alice, bob], private: true}
    general: {members: [rita, mallory]}
steps:
  - slash: {by: rita, in: general}
  - submit: {by: rita, values: {description: "Mallory shouted at me in the call", implicated: [mallory]}}
expect:
  who_saw:
    "Mallory shouted at me": [alice, bob]
"""

# mallory is implicated but sits outside the committee channel: the bot routes around her. Adding her after
# delivery (she scrolls back) forces the leak, so the privacy check itself can be tested.
LEAKY_STORY = STORY.split("expect:")[0] + "  - join: {channel: committee, people: [mallory]}\n"


def write(tmp_path: Path, text: str, name: str = "story.yml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path
