"""The outbox against real MongoDB-wire and RabbitMQ servers, with RabbitMQ taken down."""

import asyncio
from typing import Any

from ticketing.shared import events
from ticketing.shared.messaging import Bus
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.platform import Platform
from ticketing.shared.settings import ServiceSettings
from ticketing.testing.fixtures import eventually
from ticketing.testing.proxy import Outage

EVENT = events.TicketCreated(id="t9", version=0, title="Gig", price=5, user_id="u1")  # type: ignore[arg-type]


async def collect(isolated: dict[str, Any]) -> tuple[Bus, asyncio.Queue[events.TicketCreated]]:
    received: asyncio.Queue[events.TicketCreated] = asyncio.Queue()
    orders = Bus(isolated["rabbitmq_url"], isolated["event_exchange"], "orders")
    orders.subscribe(events.TicketCreated, received.put)
    await orders.start()
    return orders, received


async def test_state_and_event_commit_together_and_the_event_survives_a_broker_outage(
    isolated: dict[str, Any],
) -> None:
    outage, via_proxy = await Outage.in_front_of(isolated["rabbitmq_url"])
    platform = Platform("tickets", ServiceSettings(**{**isolated, "rabbitmq_url": via_proxy}), [])
    await platform.start()
    orders, received = await collect(isolated)
    try:
        await outage.cut()
        async with platform.db.transaction() as session:
            await platform.outbox.add_event(EVENT, session)
        await platform.outbox.flush_soon(within=1.0)
        assert await platform.outbox.pending() == 1  # kept, not lost
        assert received.empty()

        await outage.restore()  # the relay notices on its own
        assert await asyncio.wait_for(received.get(), 30) == EVENT

        async def emptied() -> bool:  # the relay deletes it once the broker confirmed
            return await platform.outbox.pending() == 0

        await eventually(emptied)
    finally:
        await orders.stop()
        await outage.cut()
        await platform.stop()


async def test_an_aborted_transaction_publishes_nothing(isolated: dict[str, Any]) -> None:
    platform = Platform("tickets", ServiceSettings(**isolated), [])
    await platform.start()
    orders, received = await collect(isolated)
    try:
        try:
            async with platform.db.transaction() as session:
                await platform.outbox.add_event(EVENT, session)
                raise RuntimeError("the state change failed")
        except RuntimeError:
            pass
        await platform.outbox.flush_soon()
        assert await platform.outbox.pending() == 0
        await asyncio.sleep(1)
        assert received.empty()
    finally:
        await orders.stop()
        await platform.stop()


async def test_relation_tuples_are_written_after_commit(isolated: dict[str, Any]) -> None:
    platform = Platform("tickets", ServiceSettings(**isolated), [])
    await platform.start()
    try:
        owner = RelationTuple("Ticket", "t9", "owners", "u1")
        async with platform.db.transaction() as session:
            await platform.outbox.grant([owner], session)
        assert not await platform.permissions.check("Ticket", "t9", "edit", "u1")
        await platform.outbox.flush_soon()
        assert await platform.permissions.check("Ticket", "t9", "edit", "u1")
        async with platform.db.transaction() as session:
            await platform.outbox.revoke([owner], session)
        await platform.outbox.flush_soon()
        assert not await platform.permissions.check("Ticket", "t9", "edit", "u1")
    finally:
        await platform.stop()
