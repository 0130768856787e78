"""Disputes and refunds against real MongoDB-wire and RabbitMQ servers and the Stripe stand-in:
a dispute freezes the payout past its release, an admin's refund returns the price, a
cancelled event reverses a transfer made, each step announced to orders; who may do what."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from ticketing.payments.models import Payout
from ticketing.payments.tests.test_payouts_api import EVENT_IN, World, paying
from ticketing.shared import events
from ticketing.shared.permissions import ADMIN_GROUP, RelationTuple
from ticketing.testing.events import EventTap
from ticketing.testing.fixtures import eventually, in_status, sign_up

STEPS: list[type[events.Event]] = [
    events.DisputeOpened,
    events.DisputeResolved,
    events.PaymentRefunded,
]


@pytest.fixture
async def world(isolated: dict[str, Any]) -> AsyncIterator[World]:
    async with paying(isolated) as world:
        admin, headers = await sign_up(world.platform.identity, "admin@example.com")
        await world.platform.permissions.write(
            [RelationTuple("Group", ADMIN_GROUP, "members", admin.id)]
        )
        world.people["admin"] = (admin.id, headers)
        await world.onboard()
        yield world


@pytest.fixture
async def orders_view(isolated: dict[str, Any]) -> AsyncIterator[EventTap]:
    tap = await EventTap(isolated, "orders").start(STEPS)
    yield tap
    await tap.stop()


async def dispute(world: World, order_id: str, reason: str = "refused_at_door") -> Any:
    body = {"order_id": order_id, "reason": reason, "message": "the door said the code was void"}
    return await world.client.post(
        "/api/payments/disputes", json=body, headers=world.headers("buyer")
    )


async def test_a_dispute_freezes_the_payout_and_a_refund_returns_the_price(
    world: World, orders_view: EventTap
) -> None:
    payout = await world.sale("45.50")
    opened = await dispute(world, payout.order_id)
    assert opened.status_code == 201, opened.text
    dispute_id = opened.json()["id"]
    assert (await orders_view.next(events.DisputeOpened)).order_id == payout.order_id
    for party in ("buyer", "seller", "admin"):
        read = await world.client.get(
            f"/api/payments/disputes/{dispute_id}", headers=world.headers(party)
        )
        assert read.json()["status"] == "open", party
    world.clock.move(EVENT_IN + timedelta(days=3))  # past the release
    await asyncio.sleep(2.5)  # a sweep round
    assert (await Payout.get(payout.id)).status == "held"  # type: ignore[union-attr]
    assert world.standin.connect.transfers == {}
    resolution = await world.client.post(
        f"/api/payments/disputes/{dispute_id}/resolution",
        json={"outcome": "refund"},
        headers=world.headers("admin"),
    )
    assert resolution.status_code == 200, resolution.text
    assert resolution.json()["status"] == "refunded"
    await eventually(lambda: in_status(Payout, payout.id, "cancelled"))
    [refund] = world.standin.connect.refunds.values()
    assert (refund["amount"], refund["payment_intent"]) == (4550, payout.intent_id)
    assert (await orders_view.next(events.DisputeResolved)).status == "refunded"
    refunded = await orders_view.next(events.PaymentRefunded)
    assert (refunded.order_id, refunded.amount_cents, refunded.reversed) == (
        payout.order_id,
        4550,
        False,
    )
    assert world.standin.connect.transfers == {}


async def test_a_cancelled_event_reverses_a_transfer_made_and_refunds_in_full(
    world: World, orders_view: EventTap
) -> None:
    payout = await world.sale("45.50")
    world.clock.move(EVENT_IN + timedelta(days=2))
    await eventually(lambda: in_status(Payout, payout.id, "paid"), within=20)
    cancelled = await world.client.post(
        f"/api/payments/tickets/{payout.ticket_id}/event-cancellation",
        headers=world.headers("admin"),
    )
    assert cancelled.status_code == 200, cancelled.text
    await eventually(lambda: in_status(Payout, payout.id, "reversed"))
    [transfer] = world.standin.connect.transfers.values()
    assert (transfer["reversed"], transfer["amount_reversed"]) == (True, 4292)
    [refund] = world.standin.connect.refunds.values()
    assert refund["amount"] == 4550
    assert (await orders_view.next(events.PaymentRefunded)).reversed


async def test_who_may_dispute_read_and_resolve(world: World) -> None:
    payout = await world.sale()
    stranger = {"order_id": payout.order_id, "reason": "other", "message": "mine"}
    refused = await world.client.post(
        "/api/payments/disputes", json=stranger, headers=world.headers("stranger")
    )
    assert refused.status_code == 403
    assert (await dispute(world, payout.order_id, reason="nonsense")).status_code == 400
    opened = await asyncio.gather(*(dispute(world, payout.order_id) for _ in range(8)))
    assert sorted(r.status_code for r in opened) == [201] + [409] * 7
    [dispute_id] = [r.json()["id"] for r in opened if r.status_code == 201]
    url = f"/api/payments/disputes/{dispute_id}"
    assert (await world.client.get(url, headers=world.headers("stranger"))).status_code == 404
    assert (await world.client.get(url)).status_code == 401
    for who in ("buyer", "seller", "stranger"):
        for path, body in (
            (f"{url}/resolution", {"outcome": "refund"}),
            ("/api/payments/disputes", None),
        ):
            call = world.client.post if body else world.client.get
            kwargs: dict[str, Any] = {"json": body} if body else {}
            answer = await call(path, headers=world.headers(who), **kwargs)
            assert answer.status_code == 403, (who, path)
    listed = await world.client.get("/api/payments/disputes", headers=world.headers("admin"))
    assert [d["id"] for d in listed.json()] == [dispute_id]
    released = await world.client.post(
        f"{url}/resolution", json={"outcome": "release"}, headers=world.headers("admin")
    )
    assert released.json()["status"] == "released"
    again = await world.client.post(
        f"{url}/resolution", json={"outcome": "refund"}, headers=world.headers("admin")
    )
    assert again.status_code == 409
    assert (await Payout.get(payout.id)).status == "scheduled"  # type: ignore[union-attr]
