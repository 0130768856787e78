"""The payments use cases on in-memory fakes (the store, the permission model, a card
processor that remembers what it was asked): paying, declines, cancellation racing payment,
capture and release, and a processor outage. No server starts here."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from ticketing.payments import use_cases
from ticketing.payments.models import OrderReplica, Payment, PaymentStatus, Payout, PayoutAccount
from ticketing.payments.tests.doubles import TERMS, FakeCharges
from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden, PaymentDeclined
from ticketing.shared.events import OrderStatus
from ticketing.shared.permissions import RelationTuple
from ticketing.testing.fakes import FakeContext, offline


@dataclass
class World:
    ctx: FakeContext
    charges: FakeCharges

    async def order(
        self, order_id: str = "o1", expires_in: timedelta = timedelta(minutes=10)
    ) -> str:
        created = events.OrderCreated(
            id=order_id,
            version=0,
            status=OrderStatus.CREATED,
            user_id="buyer",
            expires_at=self.ctx.clock.now() + expires_in,
            ticket=events.OrderTicket(id="t1", price=Decimal("45.50"), user_id="seller"),
        )
        await use_cases.add_order(self.ctx, created)
        self.ctx.grant(
            RelationTuple("Order", order_id, "owners", "buyer"),
            RelationTuple("Order", order_id, "sellers", "seller"),
            RelationTuple("Order", order_id, "parents", "t1"),
        )
        return order_id

    async def pay(self, order_id: str = "o1", user_id: str = "buyer") -> Payment:
        return await use_cases.pay(self.ctx, self.charges, user_id, order_id, "tok_visa")

    async def status(self, payment_id: str) -> PaymentStatus | None:
        stored = await self.ctx.store.get(Payment, payment_id)
        return stored.status if stored else None

    async def cancelled(self, order_id: str = "o1") -> None:
        cancel = events.OrderCancelled(id=order_id, version=1, ticket_id="t1")
        await use_cases.order_cancelled(self.ctx, self.charges, cancel)


@pytest.fixture
async def world() -> World:
    await offline(OrderReplica, Payment, PayoutAccount, Payout)
    return World(FakeContext(), FakeCharges())


async def test_paying_holds_the_price_in_cents_and_announces_the_payment(world: World) -> None:
    await world.order()
    payment = await world.pay()
    assert (payment.status, payment.amount_cents, payment.stripe_id) == (
        PaymentStatus.AUTHORIZED,
        4550,
        "pi_1_4550",
    )
    [announced] = world.ctx.store.published(events.PaymentAuthorized)
    assert (announced.id, announced.order_id) == (payment.id, "o1")
    assert RelationTuple("Payment", payment.id, "owners", "buyer") in world.ctx.permissions.tuples


async def test_only_the_orders_owner_pays_and_only_once(world: World) -> None:
    await world.order()
    with pytest.raises(Forbidden):
        await world.pay(user_id="seller")
    await world.pay()
    with pytest.raises(Conflict, match="paid already"):
        await world.pay()
    assert len(world.charges.holds) == 1


async def test_an_expired_reservation_is_not_paid_for(world: World) -> None:
    await world.order()
    world.ctx.clock.move(timedelta(minutes=10))
    with pytest.raises(Conflict, match="expired"):
        await world.pay()
    assert world.charges.holds == {}


async def test_after_a_decline_the_next_try_is_a_new_attempt(world: World) -> None:
    await world.order()
    world.charges.decline = True
    with pytest.raises(PaymentDeclined):
        await world.pay()
    world.charges.decline = False
    await world.pay()
    assert list(world.charges.holds) == ["order-o1-attempt-1"]


async def test_an_order_cancelled_while_the_card_is_authorised_releases_the_hold(
    world: World,
) -> None:
    await world.order()
    world.charges.during_authorize.append(world.cancelled)
    with pytest.raises(Conflict, match="cancelled"):
        await world.pay()
    [payment] = await world.ctx.store.find(Payment)
    assert payment.status == PaymentStatus.VOIDED
    assert world.charges.voided == [payment.stripe_id]
    assert world.ctx.store.published(events.PaymentAuthorized) == []


async def test_completion_captures_and_a_redelivery_captures_nothing_more(world: World) -> None:
    await world.order()
    payment = await world.pay()
    completed = events.OrderCompleted(
        id="o1", version=1, payment_id=payment.id, ticket_id="t1", user_id="buyer"
    )
    await use_cases.order_completed(world.ctx, world.charges, TERMS, completed)
    await use_cases.order_completed(world.ctx, world.charges, TERMS, completed)
    assert world.charges.captured == [payment.stripe_id]
    assert await world.status(payment.id) == PaymentStatus.CAPTURED


async def test_a_cancellation_after_payment_releases_the_hold(world: World) -> None:
    await world.order()
    payment = await world.pay()
    await world.cancelled()
    assert world.charges.voided == [payment.stripe_id]
    assert world.charges.captured == []


async def test_a_processor_outage_delays_the_capture_and_never_loses_it(world: World) -> None:
    await world.order()
    payment = await world.pay()
    world.charges.down = True
    completed = events.OrderCompleted(
        id="o1", version=1, payment_id=payment.id, ticket_id="t1", user_id="buyer"
    )
    await use_cases.order_completed(world.ctx, world.charges, TERMS, completed)
    assert await world.status(payment.id) == PaymentStatus.CAPTURING  # decided, pending
    await use_cases.settle_pending(world.ctx, world.charges)  # still down: still pending
    world.charges.down = False
    await use_cases.settle_pending(world.ctx, world.charges)
    await use_cases.settle_pending(world.ctx, world.charges)
    assert world.charges.captured == [payment.stripe_id]


async def test_who_may_read_a_payment(world: World) -> None:
    await world.order()
    payment = await world.pay()
    assert (await use_cases.get(world.ctx, "seller", payment.id)).id == payment.id
    with pytest.raises(Forbidden):
        await use_cases.get(world.ctx, "stranger", payment.id)
