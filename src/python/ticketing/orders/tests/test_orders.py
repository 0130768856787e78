"""The orders service over HTTP and events, against real MongoDB-wire and RabbitMQ servers."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ticketing.orders.app import create_app
from ticketing.orders.models import Order, TicketReplica
from ticketing.orders.settings import OrdersSettings
from ticketing.shared import events
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.platform import Platform
from ticketing.testing.events import EventTap, inject
from ticketing.testing.fixtures import eventually, in_status, running, sign_up
from ticketing.testing.proxy import Outage


@dataclass
class World:
    client: httpx.AsyncClient
    platform: Platform
    downstream: EventTap  # what tickets would receive
    seller_id: str
    seller: dict[str, str]
    buyer: dict[str, str]
    isolated: dict[str, Any]

    async def ticket(self, ticket_id: str = "t1", approved: bool = True) -> str:
        """A ticket of the seller's, as the tickets service would announce it (once moderation
        approved it, if ``approved``)."""
        await self.platform.permissions.write(
            [RelationTuple("Ticket", ticket_id, "owners", self.seller_id)]
        )
        await inject(
            self.isolated, self.listed(ticket_id, 0, events.TicketStatus.WAITING_MODERATION)
        )
        if approved:
            await inject(self.isolated, self.listed(ticket_id, 1, events.TicketStatus.APPROVED))
        wanted = "approved" if approved else "waiting_moderation"
        await eventually(lambda: in_status(TicketReplica, ticket_id, wanted))
        return ticket_id

    def listed(self, ticket_id: str, version: int, status: events.TicketStatus) -> events.Event:
        kind = events.TicketCreated if version == 0 else events.TicketUpdated
        return kind(
            id=ticket_id,
            version=version,
            title="Gig",
            price=Decimal("20.00"),
            user_id=self.seller_id,
            status=status,
            event_starts_at=datetime.now(UTC) + timedelta(days=30),
        )

    async def order(self, ticket_id: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(
            "/api/orders", json={"ticket_id": ticket_id}, headers=headers or self.buyer
        )


@pytest.fixture
async def world(isolated: dict[str, Any]) -> AsyncIterator[World]:
    app = create_app(OrdersSettings(**isolated, order_expiration_seconds=600))
    platform = app.state.platform
    tap = await EventTap(isolated, "tickets").start([events.OrderCreated, events.OrderCancelled])
    async with running(app) as client:
        seller_principal, seller = await sign_up(platform.identity, "seller@example.com")
        _, buyer = await sign_up(platform.identity, "buyer@example.com")
        yield World(client, platform, tap, seller_principal.id, seller, buyer, isolated)
    await tap.stop()


async def test_placing_an_order_reserves_the_ticket_for_the_window(world: World) -> None:
    await world.ticket()
    response = await world.order("t1")
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "created"
    assert order["ticket"] == {"id": "t1", "title": "Gig", "price": "20.00"}
    assert order["version"] == 0
    created = await world.downstream.next(events.OrderCreated)
    assert (created.id, created.ticket.id, created.ticket.user_id) == (
        order["id"],
        "t1",
        world.seller_id,
    )
    window = created.expires_at - (await Order.get(order["id"])).created_at  # type: ignore[union-attr]
    assert 599 <= window.total_seconds() <= 601


async def test_order_refusals(world: World) -> None:
    missing = await world.order("no-such-ticket")
    assert missing.status_code == 404
    await world.ticket("t1")
    own = await world.order("t1", world.seller)
    assert own.status_code == 403
    assert "own ticket" in own.json()["detail"]
    await world.ticket("t2", approved=False)
    unscreened = await world.order("t2")
    assert unscreened.status_code == 409
    assert "moderation" in unscreened.json()["detail"]
    assert (await world.client.post("/api/orders", json={"ticket_id": "t1"})).status_code == 401
    bad = await world.client.post("/api/orders", json={"ticket": "t1"}, headers=world.buyer)
    assert bad.status_code == 400
    assert await Order.count() == 0


async def test_a_rejected_ticket_cannot_be_ordered(world: World) -> None:
    await world.ticket("t1", approved=False)
    await inject(world.isolated, world.listed("t1", 1, events.TicketStatus.REJECTED))
    await eventually(lambda: in_status(TicketReplica, "t1", "rejected"))
    refused = await world.order("t1")
    assert refused.status_code == 409
    assert "rejected" in refused.json()["detail"]


async def test_fifty_buyers_race_for_one_ticket_and_exactly_one_wins(world: World) -> None:
    await world.ticket()
    buyers = [
        (await sign_up(world.platform.identity, f"racer{i}@example.com"))[1] for i in range(50)
    ]
    responses = await asyncio.gather(*(world.order("t1", headers) for headers in buyers))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 49
    assert await Order.find(Order.ticket_id == "t1").count() == 1


async def test_cancel_frees_the_ticket_for_the_next_buyer(world: World) -> None:
    await world.ticket()
    order = (await world.order("t1")).json()
    assert (await world.order("t1")).status_code == 409
    stranger = (await sign_up(world.platform.identity, "stranger@example.com"))[1]
    url = f"/api/orders/{order['id']}"
    assert (await world.client.delete(url, headers=stranger)).status_code == 403
    assert (await world.client.delete(url, headers=world.buyer)).status_code == 204
    assert (await world.client.delete(url, headers=world.buyer)).status_code == 204  # idempotent
    cancelled = await world.downstream.next(events.OrderCancelled)
    assert (cancelled.id, cancelled.version, cancelled.ticket_id) == (order["id"], 1, "t1")
    assert (await world.client.get(url, headers=world.buyer)).json()["status"] == "cancelled"
    assert (await world.order("t1")).status_code == 201


async def test_who_may_read_an_order(world: World) -> None:
    await world.ticket()
    order = (await world.order("t1")).json()
    await world.platform.outbox.flush_soon()
    url = f"/api/orders/{order['id']}"
    stranger = (await sign_up(world.platform.identity, "stranger@example.com"))[1]
    assert (await world.client.get(url, headers=world.buyer)).status_code == 200
    assert (await world.client.get(url, headers=world.seller)).status_code == 200  # ticket owner
    assert (await world.client.get(url, headers=stranger)).status_code == 403
    assert (await world.client.get("/api/orders/nope", headers=world.buyer)).status_code == 404
    assert (await world.client.delete(url, headers=world.seller)).status_code == 403
    mine = (await world.client.get("/api/orders", headers=world.buyer)).json()
    assert [o["id"] for o in mine] == [order["id"]]
    assert (await world.client.get("/api/orders", headers=stranger)).json() == []


async def test_payment_completes_and_a_complete_order_cannot_be_cancelled_or_expired(
    world: World,
) -> None:
    payments = await EventTap(world.isolated, "payments").start([events.OrderCompleted])
    await world.ticket()
    order = (await world.order("t1")).json()
    paid = events.PaymentAuthorized(id="p1", version=0, order_id=order["id"])
    await inject(world.isolated, paid, paid)
    completed = await payments.next(events.OrderCompleted)
    assert (completed.id, completed.version, completed.payment_id) == (order["id"], 1, "p1")
    assert await payments.silent(1.5)  # the duplicate completed nothing twice
    await payments.stop()
    read = await world.client.get(f"/api/orders/{order['id']}", headers=world.buyer)
    assert (read.json()["status"], read.json()["payment_id"]) == ("complete", "p1")
    refused = await world.client.delete(f"/api/orders/{order['id']}", headers=world.buyer)
    assert refused.status_code == 409
    await inject(world.isolated, events.ExpirationComplete(id=order["id"], version=0))
    await world.downstream.next(events.OrderCreated)
    assert await world.downstream.silent(1.5)  # no cancellation went out
    assert (await in_status(Order, order["id"], "complete")) is not None


async def test_a_payment_for_a_cancelled_or_timed_out_order_completes_nothing(
    world: World,
) -> None:
    payments = await EventTap(world.isolated, "payments").start([events.OrderCompleted])
    await world.ticket("t1")
    cancelled = (await world.order("t1")).json()
    assert (
        await world.client.delete(f"/api/orders/{cancelled['id']}", headers=world.buyer)
    ).is_success
    await world.ticket("t2")
    late = (await world.order("t2")).json()
    # Its reservation ran out, and the expiry job has not fired yet.
    await Order.find_one(Order.id == late["id"]).update({"$set": {"expires_at": datetime.now(UTC)}})
    for order in (cancelled, late):
        await inject(
            world.isolated, events.PaymentAuthorized(id="p", version=0, order_id=order["id"])
        )
    await eventually(
        lambda: in_status(Order, late["id"], "cancelled")
    )  # cancelled now, not completed
    assert await payments.silent(1.5)
    await payments.stop()
    assert (await in_status(Order, cancelled["id"], "cancelled")) is not None


async def test_expiry_cancels_an_unpaid_order_once(world: World) -> None:
    await world.ticket()
    order = (await world.order("t1")).json()
    expired = events.ExpirationComplete(id=order["id"], version=0)
    await inject(world.isolated, expired, expired)
    await eventually(lambda: in_status(Order, order["id"], "cancelled"))
    await world.downstream.next(events.OrderCreated)
    await world.downstream.next(events.OrderCancelled)
    assert await world.downstream.silent(1.5)  # the duplicate changed nothing


async def test_ticket_updates_apply_in_version_order_whatever_order_they_arrive_in(
    world: World,
) -> None:
    await world.ticket()

    def update(version: int, price: str) -> events.TicketUpdated:
        return events.TicketUpdated(
            id="t1",
            version=version,
            title=f"Gig v{version}",
            price=Decimal(price),
            user_id=world.seller_id,
            status=events.TicketStatus.APPROVED,
        )

    await inject(world.isolated, update(3, "30"), update(2, "20"), update(1, "10"), update(2, "20"))

    async def at_version_3() -> TicketReplica | None:
        replica = await TicketReplica.get("t1")
        return replica if replica and replica.source_version == 3 else None

    replica = await eventually(at_version_3, within=20)
    assert (replica.title, replica.price) == ("Gig v3", Decimal("30"))
    await inject(world.isolated, update(2, "20"))  # a late duplicate
    await asyncio.sleep(1)
    late = await TicketReplica.get("t1")
    assert late is not None
    assert (late.source_version, late.price) == (3, Decimal("30"))


async def test_an_order_written_while_rabbitmq_is_down_is_readable_and_announced_when_back(
    isolated: dict[str, Any],
) -> None:
    outage, via_proxy = await Outage.in_front_of(isolated["rabbitmq_url"])
    app = create_app(OrdersSettings(**{**isolated, "rabbitmq_url": via_proxy}))
    tap = await EventTap(isolated, "tickets").start([events.OrderCreated])
    async with running(app) as client:
        world = World(client, app.state.platform, tap, "", {}, {}, isolated)
        seller, world.seller = await sign_up(world.platform.identity, "seller@example.com")
        world.seller_id = seller.id
        _, world.buyer = await sign_up(world.platform.identity, "buyer@example.com")
        await world.ticket()
        await outage.cut()
        response = await world.order("t1")
        assert response.status_code == 201  # the order is taken even with the broker down
        order_url = f"/api/orders/{response.json()['id']}"
        # Its permissions came with it, not behind its event: the buyer reads it at once.
        assert (await client.get(order_url, headers=world.buyer)).status_code == 200
        assert (await client.get(order_url, headers=world.seller)).status_code == 200
        assert await tap.silent(1.0)
        await outage.restore()
        announced = await tap.next(events.OrderCreated, within=30)
        assert announced.id == response.json()["id"]
    await tap.stop()
    await outage.cut()
