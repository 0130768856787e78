"""The outbox against real MongoDB-wire and RabbitMQ servers, with RabbitMQ taken down."""

import asyncio
import contextlib
from typing import Any

import msgspec
import pytest
from pymongo.errors import OperationFailure

from ticketing.shared import events
from ticketing.shared.messaging import Bus
from ticketing.shared.ory import KetoPermissions
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.platform import Platform
from ticketing.shared.settings import ServiceSettings
from ticketing.testing.fixtures import eventually
from ticketing.testing.keto_standin import KetoStandIn
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


async def test_embedded_tuples_commit_with_the_change_or_not_at_all(
    isolated: dict[str, Any],
) -> None:
    platform = Platform("tickets", ServiceSettings(**isolated), [])
    await platform.start()
    try:
        owner = RelationTuple("Ticket", "t9", "owners", "u1")
        with contextlib.suppress(RuntimeError):
            async with platform.db.transaction() as session:
                await platform.outbox.grant([owner], session)
                raise RuntimeError("the state change failed")
        assert not await platform.permissions.check("Ticket", "t9", "edit", "u1")

        async with platform.db.transaction() as session:
            await platform.outbox.grant([owner], session)
            await platform.outbox.grant([owner], session)  # a repeat is a no-op, as in Keto
        assert await platform.permissions.check("Ticket", "t9", "edit", "u1")  # no flush needed
        async with platform.db.transaction() as session:
            await platform.outbox.revoke([owner], session)
        assert not await platform.permissions.check("Ticket", "t9", "edit", "u1")
        assert await platform.outbox.pending() == 0
    finally:
        await platform.stop()


async def test_keto_grants_go_out_while_the_broker_is_down(isolated: dict[str, Any]) -> None:
    keto = await KetoStandIn().start()
    outage, via_proxy = await Outage.in_front_of(isolated["rabbitmq_url"])
    settings = ServiceSettings(**{**isolated, "rabbitmq_url": via_proxy})
    permissions = KetoPermissions(keto.url, keto.url)
    platform = Platform("tickets", settings, [], permissions=permissions)
    await platform.start()
    try:
        await outage.cut()
        async with platform.db.transaction() as session:
            await platform.outbox.add_event(EVENT, session)
            await platform.outbox.grant([RelationTuple("Ticket", "t9", "owners", "u1")], session)
        await platform.outbox.flush_soon(within=1.0)
        assert await permissions.check("Ticket", "t9", "edit", "u1")
        assert await platform.outbox.pending() == 1  # the event waits for the broker alone
    finally:
        await outage.cut()
        await platform.stop()
        await keto.stop()


async def test_a_failure_after_the_commit_never_fails_the_request(
    isolated: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = Platform("tickets", ServiceSettings(**isolated), [])
    await platform.start()
    try:
        async with platform.db.transaction() as session:
            await platform.outbox.add_event(EVENT, session)

        def unreadable(*args: Any, **kwargs: Any) -> Any:
            raise OperationFailure("the outbox cannot be read")

        monkeypatch.setattr(platform.outbox._collection, "find", unreadable)
        await platform.outbox.flush_soon()  # logs and leaves it to the relay; does not raise
        monkeypatch.undo()
        assert await platform.outbox.pending() == 1
    finally:
        await platform.stop()


async def test_a_burst_of_commits_is_delivered_by_the_requests_themselves(
    isolated: dict[str, Any],
) -> None:
    """Concurrent commits share delivery passes; none may be left behind for the relay, which
    is stopped here, and each event arrives once."""
    platform = Platform("tickets", ServiceSettings(**isolated), [])
    await platform.start()
    await platform.outbox.stop()  # only the requests' own flushes deliver
    orders, received = await collect(isolated)
    burst = [msgspec.structs.replace(EVENT, id=f"t{i}") for i in range(40)]

    async def commit(event: events.TicketCreated) -> None:
        """What the store's commit does: a transaction, then delivery at once."""

        async def write(session: Any) -> None:
            await platform.outbox.add_event(event, session)

        await platform.db.atomically(write)
        await platform.outbox.flush_soon()

    try:
        await asyncio.gather(*(commit(event) for event in burst))
        assert await platform.outbox.pending() == 0
        arrived = [(await asyncio.wait_for(received.get(), 10)).id for _ in burst]
        assert sorted(arrived) == sorted(event.id for event in burst)
        assert received.empty()
    finally:
        await orders.stop()
        await platform.stop()
