"""Sellers' payouts against real MongoDB-wire and RabbitMQ servers and the Stripe stand-in:
setting up a payout account through onboarding, the ledger of a sale, its release once the
(moved) clock passes the event and the hold, a Stripe outage at release, who sees what."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
import pytest

from ticketing.payments.app import create_app
from ticketing.payments.models import OrderReplica, Payment, Payout
from ticketing.payments.settings import PaymentsSettings
from ticketing.shared import events
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.platform import Platform
from ticketing.stack.stripe_standin import STANDIN_KEY, StripeStandIn
from ticketing.testing.events import EventTap, inject
from ticketing.testing.fakes import MovableClock
from ticketing.testing.fixtures import eventually, in_status, running, sign_up
from ticketing.testing.proxy import Outage

EVENT_IN = timedelta(days=10)
BACK = {"return_url": "http://web.test/payouts", "refresh_url": "http://web.test/payouts"}


@dataclass
class World:
    client: httpx.AsyncClient
    platform: Platform
    standin: StripeStandIn
    outage: Outage  # in front of the stand-in
    stripe_url: str  # the stand-in through the proxy, as payments calls it
    clock: MovableClock
    tickets_view: EventTap  # what the tickets service would receive
    isolated: dict[str, Any]
    people: dict[str, tuple[str, dict[str, str]]]  # name -> (user id, headers)

    def headers(self, name: str) -> dict[str, str]:
        return self.people[name][1]

    async def onboard(self, name: str = "seller") -> dict[str, Any]:
        """The seller sets up payouts and finishes Stripe's onboarding page."""
        link = await self.client.post(
            "/api/payments/accounts/me/onboarding", json=BACK, headers=self.headers(name)
        )
        assert link.status_code == 201, link.text
        async with httpx.AsyncClient() as browser:
            back = await browser.get(link.json()["url"])
        assert back.headers["location"] == BACK["return_url"]
        account = await self.client.get("/api/payments/accounts/me", headers=self.headers(name))
        return dict(account.json())

    async def sale(self, price: str = "45.50") -> Payout:
        """A ticket of the seller's bought by the buyer: ordered, paid, completed, captured."""
        order_id, ticket_id = str(uuid4()), str(uuid4())
        buyer_id, seller_id = self.people["buyer"][0], self.people["seller"][0]
        await self.platform.permissions.write(
            [RelationTuple("Order", order_id, "owners", buyer_id)]
        )
        ticket = events.OrderTicket(
            id=ticket_id,
            price=Decimal(price),
            user_id=seller_id,
            event_starts_at=self.clock.now() + EVENT_IN,
        )
        created = events.OrderCreated(
            id=order_id,
            version=0,
            status=events.OrderStatus.CREATED,
            user_id=buyer_id,
            expires_at=self.clock.now() + timedelta(minutes=10),
            ticket=ticket,
        )
        await inject(self.isolated, created)
        await eventually(lambda: OrderReplica.get(order_id))
        body = {"order_id": order_id, "token": "tok_visa"}
        paid = await self.client.post("/api/payments", json=body, headers=self.headers("buyer"))
        assert paid.status_code == 201, paid.text
        completed = events.OrderCompleted(
            id=order_id,
            version=1,
            payment_id=paid.json()["id"],
            ticket_id=ticket_id,
            user_id=buyer_id,
        )
        await inject(self.isolated, completed)
        await eventually(lambda: in_status(Payment, paid.json()["id"], "captured"))
        return await eventually(lambda: Payout.find_one(Payout.order_id == order_id))


@contextlib.asynccontextmanager
async def paying(isolated: dict[str, Any]) -> AsyncIterator[World]:
    """The payments app on a movable clock, charging the stand-in through a proxy a test may
    cut."""
    standin = await StripeStandIn().start()
    outage, via_proxy = await Outage.in_front_of(standin.url)
    settings = PaymentsSettings(**isolated, stripe_api_key=STANDIN_KEY, stripe_api_base=via_proxy)
    clock = MovableClock()
    app = create_app(settings, clock=clock)
    platform = app.state.platform
    tap = await EventTap(isolated, "tickets").start([events.SellerPayoutsEnabled])
    try:
        async with running(app) as client:
            people = {
                name: (principal.id, headers)
                for name in ("seller", "buyer", "stranger")
                for principal, headers in [await sign_up(platform.identity, f"{name}@example.com")]
            }
            yield World(client, platform, standin, outage, via_proxy, clock, tap, isolated, people)
    finally:
        await outage.cut()
        await tap.stop()
        await standin.stop()


@pytest.fixture
async def world(isolated: dict[str, Any]) -> AsyncIterator[World]:
    async with paying(isolated) as world:
        yield world


async def test_a_seller_sets_up_payouts_and_is_announced_to_tickets(world: World) -> None:
    seller = world.headers("seller")
    assert (await world.client.get("/api/payments/accounts/me", headers=seller)).status_code == 404
    created = await world.client.post("/api/payments/accounts", headers=seller)
    assert created.status_code == 201, created.text
    assert created.json()["payouts_enabled"] is False
    again = await world.client.post("/api/payments/accounts", headers=seller)
    assert again.json()["stripe_account_id"] == created.json()["stripe_account_id"]
    account = await world.onboard()
    assert account["payouts_enabled"] is True
    announced = await world.tickets_view.next(events.SellerPayoutsEnabled)
    assert (announced.id, announced.stripe_account_id) == (
        world.people["seller"][0],
        account["stripe_account_id"],
    )
    assert len(world.standin.connect.accounts) == 1
    anonymous = await world.client.post("/api/payments/accounts")
    assert anonymous.status_code == 401
    bad = await world.client.post(
        "/api/payments/accounts/me/onboarding", json={"return_url": "javascript:x"}, headers=seller
    )
    assert bad.status_code == 400


async def test_the_sellers_share_is_scheduled_then_transferred_once_after_the_hold(
    world: World,
) -> None:
    account = await world.onboard()
    payout = await world.sale("45.50")
    listed = await world.client.get("/api/payments/payouts", headers=world.headers("seller"))
    [shown] = listed.json()
    assert (shown["status"], shown["amount_cents"], shown["fee_cents"], shown["net_cents"]) == (
        "scheduled",
        4550,
        258,
        4292,
    )
    assert shown["release_at"].startswith(
        (world.clock.now() + EVENT_IN + timedelta(days=2)).date().isoformat()
    )
    world.clock.move(EVENT_IN + timedelta(days=2))
    paid = await eventually(lambda: in_status(Payout, payout.id, "paid"), within=20)
    await asyncio.sleep(2.5)  # a further sweep round: still one transfer
    [transfer] = world.standin.connect.transfers.values()
    intent = world.standin.intents[payout.intent_id]
    assert (
        transfer["amount"],
        transfer["destination"],
        transfer["transfer_group"],
        transfer["source_transaction"],
        paid.transfer_id,
    ) == (
        4292,
        account["stripe_account_id"],
        payout.order_id,
        intent["latest_charge"],
        transfer["id"],
    )


async def test_strangers_and_buyers_never_see_a_sellers_payouts(world: World) -> None:
    await world.onboard()
    payout = await world.sale()
    url = f"/api/payments/payouts/{payout.id}"
    assert (await world.client.get(url, headers=world.headers("seller"))).status_code == 200
    for other in ("buyer", "stranger"):
        assert (await world.client.get(url, headers=world.headers(other))).status_code == 404
        listed = await world.client.get("/api/payments/payouts", headers=world.headers(other))
        assert listed.json() == []
    assert (await world.client.get(url)).status_code == 401


async def test_the_fees_are_public_with_a_quote(world: World) -> None:
    fees = await world.client.get("/api/payments/fees", params={"price": "45.50"})
    assert fees.status_code == 200
    assert fees.json() == {
        "currency": "usd",
        "fee_percent": "5",
        "fee_fixed": "0.30",
        "payout_hold_days": 2,
        "price": "45.50",
        "fee": "2.58",
        "seller_receives": "42.92",
    }
    for bad in ("abc", "1.005", "1e9", "-3"):
        refused = await world.client.get("/api/payments/fees", params={"price": bad})
        assert refused.status_code == 400, bad


async def test_stripe_down_at_release_delays_the_transfer_and_never_doubles_it(
    world: World,
) -> None:
    await world.onboard()
    payout = await world.sale()
    await world.outage.cut()
    world.clock.move(EVENT_IN + timedelta(days=2))
    await eventually(lambda: in_status(Payout, payout.id, "transferring"))
    await asyncio.sleep(2.5)  # more than one sweep round, each failing
    assert world.standin.connect.transfers == {}
    await world.outage.restore()
    await eventually(lambda: in_status(Payout, payout.id, "paid"), within=20)
    assert len(world.standin.connect.transfers) == 1
