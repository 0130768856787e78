"""Idempotency keys (shared/idempotency.py) on placing an order, against real servers: one
order however often and however concurrently a key is sent, per caller."""

import asyncio
from datetime import UTC, datetime, timedelta

from ticketing.orders.models import Order
from ticketing.orders.tests import test_orders
from ticketing.orders.tests.test_orders import World
from ticketing.shared import idempotency
from ticketing.testing.fixtures import sign_up

world = test_orders.world  # the same fixture: the orders service over real servers
KEY = "order-7f3c2a"


def keyed(headers: dict[str, str], key: str = KEY) -> dict[str, str]:
    return {**headers, idempotency.HEADER: key}


async def test_twenty_concurrent_posts_with_one_key_place_one_order(world: World) -> None:
    ticket = await world.ticket()
    answers = await asyncio.gather(*(world.order(ticket, keyed(world.buyer)) for _ in range(20)))
    assert await Order.count() == 1
    (order,) = await Order.find_all().to_list()
    for answer in answers:
        assert answer.status_code in (201, 409), answer.text
        if answer.status_code == 201:
            assert answer.json()["id"] == order.id
        else:  # still running: try again in a moment
            assert answer.json()["type"].endswith("/idempotency-key-in-use")
            assert answer.headers["retry-after"] == "1"
    assert [a.status_code for a in answers].count(201) >= 1
    again = await world.order(ticket, keyed(world.buyer))
    assert (again.status_code, again.json()["id"]) == (201, order.id)
    assert again.headers["idempotent-replayed"] == "true"
    assert await Order.count() == 1


async def test_a_key_is_the_callers_own_and_names_one_request(world: World) -> None:
    first, second = await world.ticket("t1"), await world.ticket("t2")
    placed = await world.order(first, keyed(world.buyer))
    assert placed.status_code == 201
    # Another body with the same key: refused, nothing placed.
    other = await world.order(second, keyed(world.buyer))
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")
    # Another caller's same key is another key: their own order, not the buyer's answer.
    _, stranger = await sign_up(world.platform.identity, "stranger@example.com")
    theirs = await world.order(second, keyed(stranger))
    assert theirs.status_code == 201
    assert theirs.json()["id"] != placed.json()["id"]
    assert "idempotent-replayed" not in theirs.headers
    # Without a key, nothing changes: a second order of the ticket is refused as before.
    assert (await world.order(first)).status_code == 409
    assert await Order.count() == 2


async def test_a_retry_after_the_first_died_mid_way_places_no_second_order(world: World) -> None:
    ticket = await world.ticket()
    assert (await world.order(ticket, keyed(world.buyer))).status_code == 201
    # As if the service had been killed after committing the order, before answering: the
    # claim is still running, and older than its lease.
    keys = world.platform.db.client[world.platform.db.name][idempotency.COLLECTION]
    lapsed = datetime.now(UTC) - idempotency.LEASE - timedelta(seconds=1)
    await keys.update_one(
        {}, {"$set": {"state": "running", "claimed_at": lapsed}, "$unset": {"answer": ""}}
    )
    retry = await world.order(ticket, keyed(world.buyer))
    assert retry.status_code == 409  # the database's one active order per ticket
    assert await Order.count() == 1


async def test_keys_expire_after_a_day(world: World) -> None:
    keys = world.platform.db.client[world.platform.db.name][idempotency.COLLECTION]
    indexes = [index async for index in await keys.list_indexes()]
    (ttl,) = (index for index in indexes if "expireAfterSeconds" in index)
    assert (dict(ttl["key"]), ttl["expireAfterSeconds"]) == ({"created_at": 1}, 24 * 3600)


async def test_a_malformed_key_is_a_400(world: World) -> None:
    ticket = await world.ticket()
    answer = await world.order(ticket, keyed(world.buyer, "x" * 256))
    assert answer.status_code == 400
    assert await Order.count() == 0
