"""No money is taken for a cancelled order (docs/payments.md).

The orders and payments apps run in this process on one isolated event exchange, over real
RabbitMQ and MongoDB-wire servers; Stripe is the stand-in speaking its wire format. Whatever
the interleaving of paying, cancelling and expiry, each order ends in one of two states and
never a mix: complete with its PaymentIntent captured, or cancelled with no intent captured
(every authorisation released).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import msgspec

from ticketing.orders.app import create_app as orders_app
from ticketing.orders.models import Order, TicketReplica
from ticketing.orders.settings import OrdersSettings
from ticketing.payments.app import create_app as payments_app
from ticketing.payments.models import OrderReplica, Payment
from ticketing.payments.settings import PaymentsSettings
from ticketing.shared import events
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.platform import Platform
from ticketing.stack.stripe_standin import STANDIN_KEY, StripeStandIn
from ticketing.testing.events import inject
from ticketing.testing.fixtures import eventually, running, sign_up
from ticketing.testing.proxy import Outage

T = TypeVar("T")


@dataclass
class Market:
    orders: httpx.AsyncClient
    payments: httpx.AsyncClient
    platform: Platform
    standin: StripeStandIn
    buyer: dict[str, str]
    isolated: dict[str, Any]

    async def reserved(self, ticket_id: str) -> dict[str, Any]:
        """An order of the buyer's for a new approved ticket, known to payments too."""
        seller, _ = await sign_up(self.platform.identity, f"seller-{ticket_id}@example.com")
        await self.platform.permissions.write(
            [RelationTuple("Ticket", ticket_id, "owners", seller.id)]
        )
        created = events.TicketCreated(
            id=ticket_id,
            version=0,
            title="Gig",
            price=Decimal("20.00"),
            user_id=seller.id,
            event_starts_at=datetime.now(UTC) + timedelta(days=30),
        )
        approved = events.TicketUpdated(
            **msgspec.structs.asdict(created)
            | {"version": 1, "status": events.TicketStatus.APPROVED}
        )
        await inject(self.isolated, created, approved)
        await eventually(lambda: _approved(ticket_id))
        response = await self.orders.post(
            "/api/orders", json={"ticket_id": ticket_id}, headers=self.buyer
        )
        assert response.status_code == 201, response.text
        order = response.json()
        await eventually(lambda: OrderReplica.get(order["id"]))
        return dict(order)

    async def pay(self, order_id: str) -> httpx.Response:
        body = {"order_id": order_id, "token": "tok_visa"}
        return await self.payments.post("/api/payments", json=body, headers=self.buyer)

    async def cancel(self, order_id: str) -> httpx.Response:
        return await self.orders.delete(f"/api/orders/{order_id}", headers=self.buyer)

    async def outcome(self, order_id: str) -> str:
        """``complete`` or ``cancelled`` once the money agrees with the order, checking at
        every look that it never contradicts it."""

        async def settled() -> str | None:
            order = await Order.get(order_id)
            payment = await Payment.find_one(Payment.order_id == order_id)
            assert order is not None
            intents = [
                intent["status"]
                for intent in self.standin.intents.values()
                if intent["metadata"].get("order_id") == order_id
            ]
            if order.status == "complete":
                assert payment is not None
                assert order.payment_id == payment.id
                assert "canceled" not in intents, intents
                done = payment.status == "captured" and intents == ["succeeded"]
                return "complete" if done else None
            if order.status == "cancelled":
                assert "succeeded" not in intents, intents  # never captured
                assert payment is None or payment.status in ("authorized", "voiding", "voided")
                done = set(intents) <= {"canceled"} and (
                    payment is None or payment.status == "voided"
                )
                return "cancelled" if done else None
            return None

        return await eventually(settled, within=30)


async def _approved(ticket_id: str) -> TicketReplica | None:
    replica = await TicketReplica.get(ticket_id)
    return replica if replica is not None and replica.status == "approved" else None


async def after(delay: float, act: Awaitable[T]) -> T:
    await asyncio.sleep(max(0.0, delay))
    return await act


@contextlib.asynccontextmanager
async def market(
    isolated: dict[str, Any], rabbitmq_url: str | None = None, window: int = 600
) -> AsyncIterator[Market]:
    """Orders and payments, both on ``rabbitmq_url`` (a proxy, say) if given."""
    settings = {**isolated, "rabbitmq_url": rabbitmq_url or isolated["rabbitmq_url"]}
    standin = await StripeStandIn().start()
    orders = orders_app(OrdersSettings(**settings, order_expiration_seconds=window))
    payments = payments_app(
        PaymentsSettings(**settings, stripe_api_key=STANDIN_KEY, stripe_api_base=standin.url)
    )
    async with running(orders) as orders_client, running(payments) as payments_client:
        platform = orders.state.platform
        _, buyer = await sign_up(platform.identity, "buyer@example.com")
        yield Market(orders_client, payments_client, platform, standin, buyer, isolated)
    await standin.stop()


async def test_paying_and_cancelling_at_once_never_charges_a_cancelled_order(
    isolated: dict[str, Any],
) -> None:
    async with market(isolated) as shop:
        outcomes = []
        for i in range(10):
            order = await shop.reserved(f"t{i}")
            # Which starts first, and by how much, moves along a paying round trip (tens of ms).
            lead = (i - 2) * 0.012

            async def later(delay: float, act: Any) -> httpx.Response:
                await asyncio.sleep(max(0.0, delay))
                return await act(order["id"])  # noqa: B023 - awaited within the iteration

            paid, cancelled = await asyncio.gather(later(-lead, shop.pay), later(lead, shop.cancel))
            assert paid.status_code in (201, 409), paid.text
            assert cancelled.status_code in (204, 409), cancelled.text
            outcome = await shop.outcome(order["id"])
            # The answers agree: a cancel that was accepted means a cancelled order.
            assert (cancelled.status_code == 204) == (outcome == "cancelled")
            outcomes.append(outcome)
        print("outcomes:", outcomes)


async def test_paying_at_the_last_instant_against_expiry(isolated: dict[str, Any]) -> None:
    async with market(isolated, window=2) as shop:
        for i, ahead in enumerate((0.3, 0.05, 0.0, -0.05)):  # seconds before expires_at
            order = await shop.reserved(f"t{i}")
            expires_at = datetime.fromisoformat(order["expires_at"]).timestamp()
            now = datetime.now(UTC).timestamp()
            expired = events.ExpirationComplete(id=order["id"], version=0)
            paid, _ = await asyncio.gather(
                after(expires_at - ahead - now, shop.pay(order["id"])),
                after(expires_at - now, inject(isolated, expired)),  # as the expiration service
            )
            assert paid.status_code in (201, 409), paid.text
            outcome = await shop.outcome(order["id"])
            if paid.status_code == 409:
                assert outcome == "cancelled"


async def test_cancel_then_pay_while_the_broker_is_down(isolated: dict[str, Any]) -> None:
    """Payments has not heard of the cancellation and authorises the card; once the broker is
    back, orders ignores the payment and payments releases the authorisation."""
    outage, via_proxy = await Outage.in_front_of(isolated["rabbitmq_url"])
    try:
        async with market(isolated, rabbitmq_url=via_proxy) as shop:
            order = await shop.reserved("t1")
            await outage.cut()
            assert (await shop.cancel(order["id"])).status_code == 204
            paid = await shop.pay(order["id"])
            assert paid.status_code == 201, paid.text
            assert paid.json()["status"] == "authorized"
            [intent] = shop.standin.intents.values()
            assert intent["status"] == "requires_capture"  # held, not taken
            await outage.restore()
            assert await shop.outcome(order["id"]) == "cancelled"
            assert intent["status"] == "canceled"
    finally:
        await outage.cut()
