"""Ban storage: places sealed with the ban, the bans in force, an end handled once, ended bans purged; and
`cocbot bans check` matching a sign-up list against them (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from cocbot.storage import bans as bans_q
from cocbot.storage import triage as triage_q
from cocbot.storage.bans import BanPlaces, Places
from cocbot.storage.db import Database
from tests.storage.test_triage import NOW, decide, new_report


async def two_bans(db: Database, ends: datetime = NOW + timedelta(days=30)) -> tuple[int, int]:
    rid = await new_report(db)
    async with db.transaction() as s:
        did = await decide(s, rid, "temporary_ban")
        ending = await triage_q.add_ban(s, report_id=rid, decision_id=did, now=NOW, outcome="temporary_ban",
                                        subjects=("UM",), scope="Slack", ends_at=ends)
        await bans_q.add_places(s, ban_id=ending, report_id=rid, places=Places(channels=("CEVENTS",), forum=True))
        forever = await triage_q.add_ban(s, report_id=rid, decision_id=did, now=NOW, outcome="permanent_ban",
                                         subjects=("mallory",), scope="", ends_at=None)
        await bans_q.add_places(s, ban_id=forever, report_id=rid, places=Places(categories=(5,)))
    return ending, forever


async def test_places_are_sealed_and_read_back_with_the_bans_in_force(db: Database) -> None:
    ending, forever = await two_bans(db)
    async with db.transaction() as s:
        stored = (await s.execute(select(col(BanPlaces.places_sealed)))).scalars().all()
        now_in_force = await bans_q.in_force(s, NOW + timedelta(days=1))
        later = await bans_q.in_force(s, NOW + timedelta(days=31))
    assert all(v.startswith(("v1:", "v2:")) for v in stored)
    assert [(b.ban.id, b.ref, b.places) for b in now_in_force] == [
        (ending, "R-0001", Places(channels=("CEVENTS",), forum=True)), (forever, "R-0001", Places(categories=(5,)))]
    assert [b.ban.id for b in later] == [forever]


async def test_an_end_is_claimed_once(db: Database) -> None:
    ending, _ = await two_bans(db)
    claims = []
    for _ in range(2):
        async with db.transaction() as s:
            claims.append(await bans_q.claim_end(s, ending, NOW + timedelta(days=30)))
    assert claims == [True, False]


async def test_ended_bans_are_purged_after_the_retention(db: Database) -> None:
    ending, forever = await two_bans(db)
    async with db.transaction() as s:
        assert await bans_q.purge_ended_bans(s, NOW + timedelta(days=29)) == 0  # not ended yet
    async with db.transaction() as s:
        assert await bans_q.purge_ended_bans(s, NOW + timedelta(days=400)) == 1
    async with db.transaction() as s:
        left = await triage_q.all_bans(s)
        assert await bans_q.get(s, ending) is None
    assert [b.id for _, b in left] == [forever]  # permanent bans never end


async def test_cocbot_bans_check_prints_only_the_matches(db: Database, database_url: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, slack: object,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from cocbot.bot.cli.main import main
    from cocbot.handlers.slack.testing.fake_api import FakeSlack
    from tests.harness import BOT_TOKEN, SIGNING_SECRET

    assert isinstance(slack, FakeSlack)
    slack.add_user("UM")
    slack.set_email("UM", "um@example.org")
    await two_bans(db, datetime(2099, 4, 1, 23, 59, tzinfo=timezone.utc))  # the command reads the real clock
    config = tmp_path / "cocbot.yml"
    config.write_text("committee:\n  channel: CCOMMITTEE\n  members: [UALICE, UBOB]\n  escalation_contact: UESCAL\n"
                      "discourse:\n  base_url: https://forum.example.org\n  api_key: k0123456789abcdef\n"
                      "  api_username: cocbot\n  webhook_secret: s0123456789abcdef0123456789abcdef0123456789\n"
                      "  public_url: https://cocbot.example.org\n  identities: {UMAL: mallory}\n")
    sheet = tmp_path / "registrations.csv"
    sheet.write_text("name,contact\nAnn,ann@example.org\nUm,um@example.org\nMal,UMAL\nOther,@someone\n")
    for name, value in {"DATABASE_URL": database_url, "COCBOT_CONFIG": str(config), "SLACK_BOT_TOKEN": BOT_TOKEN,
                        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.base_url}.items():
        monkeypatch.setenv(name, value)
    code = await asyncio.to_thread(main, ["bans", "check", str(sheet)])
    captured = capsys.readouterr()
    out = captured.out
    assert code == 0, captured.err
    lines = out.strip().splitlines()
    assert lines[0] == "row 3 (um@example.org): a ban in force, R-0001, until 2099-04-01"
    assert lines[1] == "row 4 (UMAL): a ban in force, R-0001, until permanent"  # through the identity map
    assert "2 match(es)" in lines[-1] and len(lines) == 3
    assert "secret account" not in out and "Ann" not in out and "someone" not in out


def test_the_end_date_prints_as_a_day() -> None:
    from cocbot.bot.bans.rules import until_text

    assert until_text(datetime(2026, 4, 1, 23, 59, tzinfo=timezone.utc)) == "2026-04-01"


async def test_cocbot_bans_lists_where_each_is_enforced(db: Database, database_url: str,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from cocbot.bot.cli.main import main

    await two_bans(db, datetime(2099, 4, 1, 23, 59, tzinfo=timezone.utc))
    monkeypatch.setenv("DATABASE_URL", database_url)
    code = await asyncio.to_thread(main, ["bans"])
    out = capsys.readouterr().out
    assert code == 0 and "enforced in: #CEVENTS, forum" in out and "enforced in: category 5" in out
