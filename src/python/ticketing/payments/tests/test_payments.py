"""Payments against real MongoDB-wire and RabbitMQ servers; Stripe is the stand-in that speaks
Stripe's wire format (stack/stripe_standin.py), driven by the official client."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
import pytest

from ticketing.payments.app import create_app
from ticketing.payments.models import OrderReplica, Payment
from ticketing.payments.settings import PaymentsSettings
from ticketing.shared import events
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.platform import Platform
from ticketing.stack.stripe_standin import STANDIN_KEY, StripeStandIn
from ticketing.testing.events import EventTap, inject
from ticketing.testing.fixtures import eventually, in_status, running, sign_up
from ticketing.testing.proxy import Outage


@dataclass
class World:
    client: httpx.AsyncClient
    platform: Platform
    standin: StripeStandIn
    orders_view: EventTap  # what the orders service would receive
    buyer_id: str
    buyer: dict[str, str]
    seller_id: str
    seller: dict[str, str]
    isolated: dict[str, Any]

    async def order(self, expires_in: float = 600, price: str = "45.50") -> str:
        """An order of the buyer's for a ticket of the seller's, as orders would announce it."""
        order_id, ticket_id = str(uuid4()), str(uuid4())
        await self.platform.permissions.write(
            [
                RelationTuple("Ticket", ticket_id, "owners", self.seller_id),
                RelationTuple("Order", order_id, "owners", self.buyer_id),
                RelationTuple("Order", order_id, "sellers", self.seller_id),
                RelationTuple("Order", order_id, "parents", ticket_id),
            ]
        )
        await inject(self.isolated, created(order_id, ticket_id, self.buyer_id, expires_in, price))
        await eventually(lambda: OrderReplica.get(order_id))
        return order_id

    async def pay(
        self, order_id: str, token: str = "tok_visa", headers: dict[str, str] | None = None
    ) -> httpx.Response:
        body = {"order_id": order_id, "token": token}
        return await self.client.post("/api/payments", json=body, headers=headers or self.buyer)


def created(
    order_id: str, ticket_id: str, buyer_id: str, expires_in: float, price: str
) -> events.OrderCreated:
    return events.OrderCreated(
        id=order_id,
        version=0,
        status=events.OrderStatus.CREATED,
        user_id=buyer_id,
        expires_at=datetime.now(UTC) + timedelta(seconds=expires_in),
        ticket=events.OrderTicket(id=ticket_id, price=Decimal(price), user_id="seller"),
    )


@pytest.fixture
async def world(isolated: dict[str, Any]) -> AsyncIterator[World]:
    standin = await StripeStandIn().start()
    async with paying(isolated, standin) as world:
        yield world
    await standin.stop()


@contextlib.asynccontextmanager
async def paying(
    isolated: dict[str, Any], standin: StripeStandIn, stripe_url: str | None = None
) -> AsyncIterator[World]:
    """The payments app charging the stand-in (at ``stripe_url``, if it is reached through a
    proxy), and its surroundings."""
    base = stripe_url or standin.url
    settings = PaymentsSettings(**isolated, stripe_api_key=STANDIN_KEY, stripe_api_base=base)
    app = create_app(settings)
    platform = app.state.platform
    tap = await EventTap(isolated, "orders").start([events.PaymentAuthorized])
    async with running(app) as client:
        buyer, buyer_headers = await sign_up(platform.identity, "buyer@example.com")
        seller, seller_headers = await sign_up(platform.identity, "seller@example.com")
        yield World(
            client,
            platform,
            standin,
            tap,
            buyer.id,
            buyer_headers,
            seller.id,
            seller_headers,
            isolated,
        )
    await tap.stop()


async def test_paying_authorises_the_card_records_and_announces_the_payment(
    world: World,
) -> None:
    order_id = await world.order(price="45.50")
    response = await world.pay(order_id)
    assert response.status_code == 201, response.text
    payment = response.json()
    assert (payment["order_id"], payment["status"], payment["amount_cents"]) == (
        order_id,
        "authorized",
        4550,
    )
    [intent] = world.standin.intents.values()
    assert intent["id"] == payment["stripe_id"]
    assert (intent["status"], intent["capture_method"], intent["amount"]) == (
        "requires_capture",  # held, not taken
        "manual",
        4550,
    )
    assert intent["metadata"] == {"order_id": order_id}
    announced = await world.orders_view.next(events.PaymentAuthorized)
    assert (announced.id, announced.order_id, announced.version) == (payment["id"], order_id, 0)


async def test_order_completed_captures_and_order_cancelled_releases(world: World) -> None:
    kept, dropped = await world.order(), await world.order()
    paid = {order: (await world.pay(order)).json() for order in (kept, dropped)}
    completed = events.OrderCompleted(
        id=kept, version=1, payment_id=paid[kept]["id"], ticket_id="t1", user_id="buyer"
    )
    cancelled = events.OrderCancelled(id=dropped, version=1, ticket_id="t")
    await inject(world.isolated, completed, cancelled, completed, cancelled)  # and duplicates
    await eventually(lambda: in_status(Payment, paid[kept]["id"], "captured"))
    await eventually(lambda: in_status(Payment, paid[dropped]["id"], "voided"))
    intents = world.standin.intents
    assert intents[paid[kept]["stripe_id"]]["status"] == "succeeded"
    assert intents[paid[kept]["stripe_id"]]["amount_received"] == 4550
    assert intents[paid[dropped]["stripe_id"]]["status"] == "canceled"
    read = await world.client.get(f"/api/payments/{paid[kept]['id']}", headers=world.buyer)
    assert read.json()["status"] == "captured"


async def test_a_stripe_outage_delays_a_capture_and_never_loses_it(
    isolated: dict[str, Any],
) -> None:
    standin = await StripeStandIn().start()
    outage, via_proxy = await Outage.in_front_of(standin.url)
    try:
        async with paying(isolated, standin, via_proxy) as world:
            order_id = await world.order()
            payment = (await world.pay(order_id)).json()
            await outage.cut()
            completed = events.OrderCompleted(
                id=order_id, version=1, payment_id=payment["id"], ticket_id="t1", user_id="buyer"
            )
            await inject(isolated, completed)
            await eventually(lambda: in_status(Payment, payment["id"], "capturing"))
            await asyncio.sleep(3)  # more than one retry round, all failing
            assert standin.intents[payment["stripe_id"]]["status"] == "requires_capture"
            await outage.restore()
            await eventually(lambda: in_status(Payment, payment["id"], "captured"), within=20)
            assert standin.intents[payment["stripe_id"]]["status"] == "succeeded"
    finally:
        await outage.cut()
        await standin.stop()


async def test_refusals(world: World) -> None:
    assert (await world.pay("no-such-order")).status_code == 404
    order_id = await world.order()
    stranger = (await sign_up(world.platform.identity, "stranger@example.com"))[1]
    assert (await world.pay(order_id, headers=stranger)).status_code == 403
    assert (
        await world.client.post("/api/payments", json={"order_id": order_id, "token": "tok_visa"})
    ).status_code == 401
    bad = await world.client.post("/api/payments", json={"order_id": order_id}, headers=world.buyer)
    assert bad.status_code == 400
    unknown_token = await world.pay(order_id, token="tok_nonsense")
    assert unknown_token.status_code == 400
    assert await Payment.count() == 0
    assert world.standin.intents == {}


async def test_a_declined_card_is_a_402_and_another_card_may_follow(world: World) -> None:
    order_id = await world.order()
    declined = await world.pay(order_id, token="tok_chargeDeclined")
    assert declined.status_code == 402
    assert declined.json()["decline_code"] == "generic_decline"
    assert await Payment.count() == 0
    second = await world.pay(order_id, token="tok_visa")
    assert second.status_code == 201, second.text


async def test_a_paid_order_cannot_be_paid_again(world: World) -> None:
    order_id = await world.order()
    assert (await world.pay(order_id)).status_code == 201
    again = await world.pay(order_id)
    assert again.status_code == 409
    assert "paid" in again.json()["detail"]
    assert len(world.standin.intents) == 1


async def test_twenty_concurrent_payments_make_one_payment_and_one_intent(world: World) -> None:
    order_id = await world.order()
    responses = await asyncio.gather(*(world.pay(order_id) for _ in range(20)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 19, codes
    assert await Payment.find(Payment.order_id == order_id).count() == 1
    assert len(world.standin.intents) == 1


async def test_cancelled_and_expired_orders_are_refused(world: World) -> None:
    cancelled = await world.order()
    await inject(world.isolated, events.OrderCancelled(id=cancelled, version=1, ticket_id="t"))
    await eventually(lambda: in_status(OrderReplica, cancelled, "cancelled"))
    assert (await world.pay(cancelled)).status_code == 409
    expired = await world.order(expires_in=-1)
    response = await world.pay(expired)
    assert response.status_code == 409
    assert "expired" in response.json()["detail"]
    assert world.standin.intents == {}


async def test_order_events_out_of_order_and_twice_leave_the_replica_right(world: World) -> None:
    order_id, ticket_id = str(uuid4()), str(uuid4())
    cancel = events.OrderCancelled(id=order_id, version=1, ticket_id=ticket_id)
    placed = created(order_id, ticket_id, world.buyer_id, 600, "10")
    await inject(world.isolated, cancel, placed, placed, cancel)  # the cancellation overtakes
    replica = await eventually(lambda: in_status(OrderReplica, order_id, "cancelled"), within=20)
    assert replica.version == 1


async def test_who_may_read_a_payment(world: World) -> None:
    order_id = await world.order()
    payment = (await world.pay(order_id)).json()
    await world.platform.outbox.flush_soon()
    url = f"/api/payments/{payment['id']}"
    stranger = (await sign_up(world.platform.identity, "stranger@example.com"))[1]
    assert (await world.client.get(url, headers=world.buyer)).status_code == 200
    assert (await world.client.get(url, headers=world.seller)).status_code == 200  # ticket owner
    assert (await world.client.get(url, headers=stranger)).status_code == 403
    assert (await world.client.get("/api/payments/nope", headers=world.buyer)).status_code == 404


ORY = {
    f"{name}_url": f"http://ory:{port}"
    for name, port in [
        ("kratos_public", 1),
        ("kratos_admin", 2),
        ("keto_read", 3),
        ("keto_write", 4),
    ]
}


@pytest.mark.parametrize("profile", ["dev", "production"])
def test_without_a_stripe_key_payments_do_not_start(profile: str) -> None:
    with pytest.raises(ValueError, match="STRIPE_API_KEY is not set") as refused:
        PaymentsSettings(ticketing_profile=profile, **ORY)  # type: ignore[arg-type]
    assert "STRIPE_API_BASE" in str(refused.value)
    database = "mongodb://db.internal:27017/"  # production refuses the local default
    settings = {"stripe_api_key": "sk_test_x", "mongodb_url": database, **ORY}
    PaymentsSettings(ticketing_profile=profile, **settings)  # type: ignore[arg-type]
