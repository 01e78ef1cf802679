"""Report content at rest: plain by default, encrypted with COCBOT_CONTENT_KEYS, rotated by reseal."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from cocbot.bot.config.settings import SettingsError, load_settings
from cocbot.storage.content import ContentKeyError, ContentSeal, new_key
from cocbot.storage.db import Database
from cocbot.storage.reseal import reseal_all
from tests.fakes.slack import FakeSlack
from tests.harness import Harness, make_config

SECRET = "he cornered me at the meetup-4417"


def test_plain_and_encrypted_values_round_trip_and_old_plain_values_stay_readable() -> None:
    plain, key = ContentSeal(), new_key()
    sealed = ContentSeal([key])
    value = {"text": "Zoë said “no” twice", "people": ["U1"]}
    assert plain.unseal(plain.seal(value)) == value and plain.seal(value).startswith("v1:")
    token = sealed.seal(value)
    # Deterministic, not probabilistic: a Fernet token is url-safe base64, an alphabet in which no character
    # of the value's text ("ë", quotes, spaces) can occur, so a short plain fragment cannot appear by chance.
    assert re.fullmatch(r"v2:[A-Za-z0-9_\-]+=*", token)
    assert "Zoë" not in token and "“no”" not in token and sealed.unseal(token) == value
    assert sealed.unseal(plain.seal(value)) == value  # switching encryption on keeps old rows readable
    with pytest.raises(ContentKeyError, match="not set"):
        plain.unseal(token)
    with pytest.raises(ContentKeyError, match="not in COCBOT_CONTENT_KEYS"):
        ContentSeal([new_key()]).unseal(token)


def test_rotation_new_key_first_reads_old_values_and_reseal_moves_them() -> None:
    old, new = new_key(), new_key()
    token = ContentSeal([old]).seal({"text": "x"})
    rotated = ContentSeal([new, old])
    assert rotated.unseal(token) == {"text": "x"}
    moved = rotated.reseal(token)
    assert moved is not None and ContentSeal([new]).unseal(moved) == {"text": "x"}


def test_content_keys_are_checked_at_start_up(tmp_path: Path) -> None:
    (tmp_path / "c.yml").write_text("x: 1\n")
    env = {"COCBOT_CONFIG": str(tmp_path / "c.yml")}
    good = new_key()
    assert load_settings({**env, "COCBOT_CONTENT_KEYS": f" {good} , {new_key()}"},
                         require_slack=False).content_keys[0] == good
    with pytest.raises(SettingsError) as err:
        load_settings({**env, "COCBOT_CONTENT_KEYS": f"{good},hunter2"}, require_slack=False)
    assert err.value.problems == ["COCBOT_CONTENT_KEYS: key 2 is not a content key (32 random bytes, url-safe "
                                  "base64; make one with `cocbot keygen`)"]


async def test_with_a_key_no_report_text_reaches_the_database_file(slack: FakeSlack, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/c.sqlite3"
    key = new_key()
    bot = Harness(slack, make_config(), url, content_keys=(key,))
    await bot.start()
    ref = await bot.report("UREPORTER", description=SECRET, implicated=["UMALLORY"])
    await bot.drain()
    assert slack.who_saw(SECRET) == {"UALICE", "UBOB", "UCAROL"}  # delivered as usual
    # Someone kept out of a case is indexed for the earlier-cases check as a keyed hash, never by name.
    await bot.report("UOTHER", description=SECRET, implicated=["UMALLORY"], exclude=["UWITNESS"])
    await bot.drain()
    await bot.stop()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("c.sqlite3*"))
    assert SECRET.encode() not in raw and b"UMALLORY" not in raw and b"UREPORTER" not in raw
    assert b"UWITNESS" not in raw and b"UWITNESS".hex().encode() not in raw
    assert ref.encode() in raw  # references and states stay readable for operators
    # Without the key the content cannot be read, and says so.
    db = Database(url)
    try:
        from cocbot.storage import reports as reports_q

        with pytest.raises(ContentKeyError):
            async with db.transaction() as session:
                await reports_q.get_report_by_ref(session, ref)
    finally:
        await db.dispose()


async def test_with_a_key_a_flagged_message_leaves_no_ids_in_the_database_file(slack: FakeSlack,
                                                                                tmp_path: Path) -> None:
    """The "Report message" draft (kept until the report is sent or the draft expires) is sealed too."""
    import asyncio

    url = f"sqlite+aiosqlite:///{tmp_path}/f.sqlite3"
    bot = Harness(slack, make_config(), url, content_keys=(new_key(),))
    await bot.start()
    try:
        await bot.message_shortcut("UWITNESS", "CGENERAL", author="UMALLORY", text="flagged words",
                                   ts="1711111111.222333")
        view = slack.open_view_for("UWITNESS")
        assert view is not None
        for _ in range(500):  # stored after the modal opened
            snapshot = await bot.runtime.services.intake.flag_snapshot(view["id"])
            if snapshot is not None:
                break
            await asyncio.sleep(0.01)
        assert snapshot is not None
        assert (snapshot.channel, snapshot.ts, snapshot.author) == ("CGENERAL", "1711111111.222333", "UMALLORY")
    finally:
        await bot.stop()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("f.sqlite3*"))
    assert b"UMALLORY" not in raw and b"1711111111" not in raw and b"CGENERAL" not in raw
    assert b"flagged words" not in raw


async def test_reseal_encrypts_a_plain_database_and_rotates_keys(slack: FakeSlack, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/r.sqlite3"
    bot = Harness(slack, make_config(), url)
    await bot.start()
    ref = await bot.report("UREPORTER", description=SECRET)
    await bot.drain()
    await bot.stop()

    first, second = new_key(), new_key()
    for keys in ((first,), (second, first)):
        db = Database(url, seal=ContentSeal(keys))
        try:
            counts = await reseal_all(db, batch=2)
            assert counts["reports"] == 1
        finally:
            await db.dispose()
    with sqlite3.connect(tmp_path / "r.sqlite3") as conn:
        dumped = "\n".join(conn.iterdump())
    assert SECRET not in dumped and "UREPORTER" not in dumped
    db = Database(url, seal=ContentSeal([second]))  # the old key is no longer needed
    try:
        from cocbot.storage import reports as reports_q

        async with db.transaction() as session:
            report = await reports_q.get_report_by_ref(session, ref)
        assert report is not None and report.description == SECRET
    finally:
        await db.dispose()



async def test_reseal_never_overwrites_a_value_the_bot_changed_meanwhile(tmp_path: Path) -> None:
    from sqlalchemy import text

    url = f"sqlite+aiosqlite:///{tmp_path}/cas.sqlite3"
    db = Database(url, seal=ContentSeal([new_key()]))
    await db.create_schema()
    plain = ContentSeal()
    async with db.engine.begin() as conn:
        await conn.execute(text("INSERT INTO discourse_threads (topic_id, purpose, username_sealed, created_at) "
                                "VALUES (1, 'reporter', :u, '2026-01-01 00:00:00')"), {"u": plain.seal("rita")})
    real_reseal = db.seal.reseal

    def reseal_while_the_bot_writes(stored: str | None) -> str | None:
        new = real_reseal(stored)
        db.seal.reseal = real_reseal  # type: ignore[method-assign]
        import sqlite3

        with sqlite3.connect(tmp_path / "cas.sqlite3") as conn:  # the bot's own write lands in between
            conn.execute("UPDATE discourse_threads SET username_sealed = ? WHERE topic_id = 1",
                         (plain.seal("wanda"),))
        return new

    db.seal.reseal = reseal_while_the_bot_writes  # type: ignore[method-assign]
    try:
        assert (await reseal_all(db))["discourse_threads"] == 0
        from cocbot.storage import discourse as dq

        async with db.transaction() as session:
            assert (await dq.get_thread(session, 1)).username == "wanda"  # type: ignore[union-attr]
    finally:
        await db.dispose()
