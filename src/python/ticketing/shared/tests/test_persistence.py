import asyncio
from typing import Any

import pytest

from ticketing.shared.persistence import Database, StaleVersion, VersionedDocument


class Counter(VersionedDocument):
    value: int = 0

    class Settings:
        name = "counters"


@pytest.fixture
async def db(isolated: dict[str, Any]) -> Any:
    database = Database(
        isolated["mongodb_url"], f"{isolated['mongodb_database_prefix']}_p", [Counter]
    )
    await database.connect()
    yield database
    await database.close()


async def test_the_loser_of_a_race_gets_stale_version_and_nothing_is_overwritten(
    db: Database,
) -> None:
    counter = Counter(value=0)
    await counter.insert()
    first, second = await Counter.get(counter.id), await Counter.get(counter.id)
    assert first is not None
    assert second is not None
    first.value = 1
    await first.save_versioned()
    second.value = 2
    with pytest.raises(StaleVersion):
        await second.save_versioned()
    stored = await Counter.get(counter.id)
    assert stored is not None
    assert (stored.value, stored.version) == (1, 1)
    assert second.version == 0  # the failed copy still says what it was read at


async def test_of_many_concurrent_writers_exactly_one_wins(db: Database) -> None:
    counter = Counter()
    await counter.insert()
    copies = [await Counter.get(counter.id) for _ in range(10)]

    async def bump(copy: Any) -> bool:
        copy.value += 1
        try:
            await copy.save_versioned()
        except StaleVersion:
            return False
        return True

    results = await asyncio.gather(*(bump(c) for c in copies))
    assert results.count(True) == 1
    stored = await Counter.get(counter.id)
    assert stored is not None
    assert (stored.value, stored.version) == (1, 1)


async def test_a_failed_transaction_writes_nothing(db: Database) -> None:
    async def fail_midway() -> None:
        async with db.transaction() as session:
            await Counter(value=7).insert(session=session)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail_midway()
    assert await Counter.find(Counter.value == 7).count() == 0
    async with db.transaction() as session:
        await Counter(value=8).insert(session=session)
    assert await Counter.find(Counter.value == 8).count() == 1
