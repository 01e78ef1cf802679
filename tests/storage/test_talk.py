"""Talk conversations in storage, on both engines: sealed, idempotent, purged after retention unless reported."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from cocbot.storage import talk as talk_q
from cocbot.storage.content import ContentSeal, new_key
from cocbot.storage.db import Database
from cocbot.storage.talk import Parties

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


async def test_conversations_are_sealed_idempotent_and_purged(db: Database) -> None:
    async with db.transaction() as session:
        parties = Parties("UMEMBER", "UFAC1", ("UMALLORY",), "CCALLS")
        old, new = await talk_q.create(session, key="k1", platform="slack", now=T0, anonymous=True, parties=parties)
        assert new
        again, new = await talk_q.create(session, key="k1", platform="slack", now=T0, anonymous=True, parties=parties)
        assert not new and again.id == old.id and again.parties == parties
        assert await talk_q.add_message(session, conversation_id=old.id, key="m1", role="member", text="secret words",
                                        now=T0) is not None
        assert await talk_q.add_message(session, conversation_id=old.id, key="m1", role="member", text="again",
                                        now=T0) is None
        kept, _ = await talk_q.create(session, key="k2", platform="slack", now=T0, anonymous=False, parties=parties)
        await talk_q.save(session, kept.__class__(**{**kept.__dict__, "report_ref": "R-0001"}))
        recent, _ = await talk_q.create(session, key="k3", platform="slack", now=T0 + timedelta(days=20),
                                        anonymous=False, parties=parties)
    async with db.transaction() as session:
        raw = (await session.execute(text("SELECT parties_sealed FROM talk_conversations"))).scalars().all()
        assert all(r.startswith("v1:") for r in raw)
        assert [m.text for m in await talk_q.messages(session, old.id)] == ["secret words"]
        assert await talk_q.purge_consultations(session, T0 + timedelta(days=10)) == 1
    async with db.transaction() as session:
        assert await talk_q.get(session, old.id) is None and await talk_q.messages(session, old.id) == []
        assert await talk_q.get(session, kept.id) is not None  # it became a report
        assert await talk_q.get(session, recent.id) is not None


async def test_with_content_keys_nothing_readable_is_stored(database_url: str) -> None:
    db = Database(database_url, seal=ContentSeal([new_key()]))
    await db.create_schema()
    try:
        async with db.transaction() as session:
            record, _ = await talk_q.create(session, key="k", platform="slack", now=T0, anonymous=True,
                                            parties=Parties("UMEMBER", "UFAC1"))
            await talk_q.add_message(session, conversation_id=record.id, key="m", role="member", text="secret words",
                                     now=T0)
        async with db.transaction() as session:
            rows = (await session.execute(text("SELECT parties_sealed FROM talk_conversations UNION ALL "
                                               "SELECT text_sealed FROM talk_messages"))).scalars().all()
            assert rows and all(r.startswith("v2:") and "UMEMBER" not in r and "secret" not in r for r in rows)
    finally:
        await db.dispose()
