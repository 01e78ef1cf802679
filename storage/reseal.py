"""Rewrite every sealed value under the current content key (`cocbot content reseal`).

Used after switching encryption on (plain values become encrypted) and after rotating keys (values under
an older key are re-encrypted under the new first key, after which the old key can be dropped). Works in
batches, one transaction each, and writes a row only if it is still as it was read, so it can run beside a
live bot.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlmodel import SQLModel

import cocbot.storage.tables  # noqa: F401
from cocbot.storage.db import Database
from cocbot.storage.queries import rowcount


async def reseal_all(db: Database, *, batch: int = 500) -> dict[str, int]:
    """Rows rewritten per table."""
    counts: dict[str, int] = {}
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name.endswith("_sealed")]
        if not columns:
            continue
        (key,) = table.primary_key.columns  # every table holding content has a one-column key
        last: object = None
        rewritten = 0
        while True:
            async with db.transaction() as session:
                query = select(key, *columns).order_by(key).limit(batch)
                if last is not None:
                    query = query.where(key > last)
                rows = (await session.execute(query)).all()
                for row in rows:
                    changed = [(c, old, new) for c, old in zip(columns, row[1:], strict=True)
                               if (new := db.seal.reseal(old)) is not None]
                    if not changed:
                        continue
                    # Compare-and-set: a live bot may have rewritten the row since it was read (e.g. a
                    # recusal); its newer value is already sealed under the current key, so it is kept.
                    statement = update(table).where(key == row[0], *(c == old for c, old, _ in changed))
                    result = await session.execute(statement.values({c.name: new for c, _, new in changed}))
                    rewritten += rowcount(result)
            if len(rows) < batch:
                break
            last = rows[-1][0]
        counts[table.name] = rewritten
    return counts
