"""Payments against real MongoDB-wire and RabbitMQ servers; Stripe is the local stand-in that
speaks Stripe's wire format (payments/stripe_standin.py), driven by the official client."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
import pytest
import stripe

from ticketing.payments.app import create_app
from ticketing.payments.models import OrderReplica, Payment
from ticketing.payments.settings import PaymentsSettings
from ticketing.payments.stripe_standin import STANDIN_KEY, StripeStandIn
from ticketing.shared import events
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.platform import Platform
from ticketing.testing.events import EventTap, inject
from ticketing.testing.fixtures import eventually, running, sign_up


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
    app = create_app(PaymentsSettings(**isolated))
    platform = app.state.platform
    tap = await EventTap(isolated, "orders").start([events.PaymentCreated])
    async with running(app) as client:
        buyer, buyer_headers = await sign_up(platform.identity, "buyer@example.com")
        seller, seller_headers = await sign_up(platform.identity, "seller@example.com")
        yield World(
            client,
            platform,
            app.state.stripe_standin,
            tap,
            buyer.id,
            buyer_headers,
            seller.id,
            seller_headers,
            isolated,
        )
    await tap.stop()


async def test_paying_charges_stripe_records_and_announces_the_payment(world: World) -> None:
    order_id = await world.order(price="45.50")
    response = await world.pay(order_id)
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["order_id"] == order_id
    assert payment["stripe_id"].startswith("pi_")
    assert payment["amount_cents"] == 4550
    [charge] = world.standin.charges
    assert (charge["id"], charge["amount"], charge["currency"]) == (
        payment["stripe_id"],
        4550,
        "usd",
    )
    assert charge["metadata"] == {"order_id": order_id}
    announced = await world.orders_view.next(events.PaymentCreated)
    assert (announced.id, announced.order_id, announced.stripe_id) == (
        payment["id"],
        order_id,
        payment["stripe_id"],
    )


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
    assert world.standin.charges == []


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
    assert len(world.standin.charges) == 1


async def test_twenty_concurrent_payments_make_one_payment_and_one_charge(world: World) -> None:
    order_id = await world.order()
    responses = await asyncio.gather(*(world.pay(order_id) for _ in range(20)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 19, codes
    assert await Payment.find(Payment.order_id == order_id).count() == 1
    assert len(world.standin.charges) == 1


async def test_cancelled_and_expired_orders_are_refused(world: World) -> None:
    cancelled = await world.order()
    await inject(world.isolated, events.OrderCancelled(id=cancelled, version=1, ticket_id="t"))
    await eventually(lambda: _replica_status(cancelled, "cancelled"))
    assert (await world.pay(cancelled)).status_code == 409
    expired = await world.order(expires_in=-1)
    response = await world.pay(expired)
    assert response.status_code == 409
    assert "expired" in response.json()["detail"]
    assert world.standin.charges == []


async def test_order_events_out_of_order_and_twice_leave_the_replica_right(world: World) -> None:
    order_id, ticket_id = str(uuid4()), str(uuid4())
    cancel = events.OrderCancelled(id=order_id, version=1, ticket_id=ticket_id)
    placed = created(order_id, ticket_id, world.buyer_id, 600, "10")
    await inject(world.isolated, cancel, placed, placed, cancel)  # the cancellation overtakes
    replica = await eventually(lambda: _replica_status(order_id, "cancelled"), within=20)
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


async def test_the_stand_in_speaks_stripes_wire_format_to_the_official_client() -> None:
    standin = StripeStandIn()
    await standin.start()
    try:
        client = stripe.StripeClient(STANDIN_KEY, base_addresses={"api": standin.url})
        params: Any = {
            "amount": 1234,
            "currency": "eur",
            "confirm": True,
            "payment_method_data": {"type": "card", "card": {"token": "tok_visa"}},
        }
        first = await client.v1.payment_intents.create_async(params, {"idempotency_key": "k1"})
        again = await client.v1.payment_intents.create_async(params, {"idempotency_key": "k1"})
        assert isinstance(first, stripe.PaymentIntent)
        assert (first.status, first.amount, first.currency) == ("succeeded", 1234, "eur")
        assert again.id == first.id  # replayed, not charged twice
        assert len(standin.charges) == 1
        declined: Any = {
            **params,
            "payment_method_data": {"type": "card", "card": {"token": "tok_chargeDeclined"}},
        }
        with pytest.raises(stripe.CardError) as raised:
            await client.v1.payment_intents.create_async(declined)
        assert raised.value.code == "card_declined"
        assert raised.value.http_status == 402
        bad_key = stripe.StripeClient("pk_wrong", base_addresses={"api": standin.url})
        with pytest.raises(stripe.AuthenticationError):
            await bad_key.v1.payment_intents.create_async(params)
    finally:
        await standin.stop()


async def _replica_status(order_id: str, status: str) -> OrderReplica | None:
    replica = await OrderReplica.get(order_id)
    return replica if replica is not None and replica.status == status else None
