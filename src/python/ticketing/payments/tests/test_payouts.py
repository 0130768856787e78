"""The payout use cases on in-memory fakes: booking a sale, the seller's payout account, and
the release after the event, with Stripe down, answers lost and sweeps racing. No server."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from ticketing.payments import payouts, use_cases
from ticketing.payments.models import (
    Admission,
    OrderReplica,
    Payment,
    Payout,
    PayoutAccount,
    PayoutStatus,
)
from ticketing.payments.tests.doubles import TERMS, FakeCharges, FakeConnect
from ticketing.shared import events
from ticketing.shared.errors import NotFound
from ticketing.shared.events import OrderStatus
from ticketing.shared.permissions import RelationTuple
from ticketing.testing.fakes import FakeContext, offline

EVENT_IN = timedelta(days=10)


@dataclass
class World:
    ctx: FakeContext
    charges: FakeCharges
    connect: FakeConnect

    async def sale(self, order_id: str = "o1", seller: str = "seller") -> Payout:
        """An order paid for and completed: its payout as booked."""
        created = events.OrderCreated(
            id=order_id,
            version=0,
            status=OrderStatus.CREATED,
            user_id="buyer",
            expires_at=self.ctx.clock.now() + timedelta(minutes=10),
            ticket=events.OrderTicket(
                id="t1",
                price=Decimal("45.50"),
                user_id=seller,
                event_starts_at=self.ctx.clock.now() + EVENT_IN,
            ),
        )
        await use_cases.add_order(self.ctx, created)
        self.ctx.grant(RelationTuple("Order", order_id, "owners", "buyer"))
        payment = await use_cases.pay(self.ctx, self.charges, "buyer", order_id, "tok_visa")
        completed = events.OrderCompleted(
            id=order_id, version=1, payment_id=payment.id, ticket_id="t1", user_id="buyer"
        )
        await use_cases.order_completed(self.ctx, self.charges, TERMS, completed)
        [payout] = await self.ctx.store.find(Payout, order_id=order_id)
        return payout

    async def seller_onboarded(self, seller: str = "seller") -> None:
        await payouts.open_account(self.ctx, self.connect, seller)
        self.connect.accounts[f"acct_{seller}"] = True
        await payouts.account(self.ctx, self.connect, seller)

    async def stored(self, payout: Payout) -> Payout:
        found = await self.ctx.store.get(Payout, payout.id)
        assert found is not None
        return found

    def after_release(self, payout: Payout) -> None:
        self.ctx.clock.current = payout.release_at


@pytest.fixture
async def world() -> World:
    await offline(OrderReplica, Payment, PayoutAccount, Payout, Admission)
    return World(FakeContext(), FakeCharges(), FakeConnect())


async def test_a_completed_sale_books_one_payout_however_often_announced(world: World) -> None:
    payout = await world.sale()
    assert (payout.amount_cents, payout.fee_cents, payout.net_cents) == (4550, 258, 4292)
    assert payout.status == PayoutStatus.PENDING  # the seller has no payout account yet
    assert payout.release_at == world.ctx.clock.now() + EVENT_IN + TERMS.hold
    again = events.OrderCompleted(
        id="o1", version=1, payment_id=payout.payment_id, ticket_id="t1", user_id="buyer"
    )
    await use_cases.order_completed(world.ctx, world.charges, TERMS, again)
    assert len(await world.ctx.store.find(Payout)) == 1


async def test_onboarding_announces_the_seller_and_schedules_what_waited(world: World) -> None:
    payout = await world.sale()
    account = await payouts.open_account(world.ctx, world.connect, "seller")
    assert account.stripe_account_id == "acct_seller"
    assert (await payouts.open_account(world.ctx, world.connect, "seller")).id == account.id
    assert not (await payouts.account(world.ctx, world.connect, "seller")).payouts_enabled
    assert world.ctx.store.published(events.SellerPayoutsEnabled) == []
    world.connect.accounts["acct_seller"] = True
    assert (await payouts.account(world.ctx, world.connect, "seller")).payouts_enabled
    await payouts.account(world.ctx, world.connect, "seller")  # asked again: no second event
    [announced] = world.ctx.store.published(events.SellerPayoutsEnabled)
    assert (announced.id, announced.stripe_account_id) == ("seller", "acct_seller")
    assert (await world.stored(payout)).status == PayoutStatus.SCHEDULED


async def test_an_account_reads_as_last_known_while_stripe_is_down(world: World) -> None:
    await payouts.open_account(world.ctx, world.connect, "seller")
    world.connect.down = True
    assert not (await payouts.account(world.ctx, world.connect, "seller")).payouts_enabled
    with pytest.raises(NotFound, match="POST /api/payments/accounts"):
        await payouts.account(world.ctx, world.connect, "stranger")


async def test_the_share_is_transferred_once_the_hold_after_the_event_has_passed(
    world: World,
) -> None:
    await world.seller_onboarded()
    payout = await world.sale()
    world.ctx.clock.current = payout.release_at - timedelta(seconds=1)
    await payouts.release_due(world.ctx, world.connect)
    assert world.connect.transfers == {}
    world.after_release(payout)
    await payouts.release_due(world.ctx, world.connect)
    await payouts.release_due(world.ctx, world.connect)
    [(key, transfer)] = world.connect.transfers.items()
    assert key == f"payout-{payout.id}"
    assert (transfer.account_id, transfer.cents, transfer.order_id, transfer.intent_id) == (
        "acct_seller",
        4292,
        "o1",
        payout.intent_id,
    )
    paid = await world.stored(payout)
    assert (paid.status, paid.transfer_id) == (PayoutStatus.PAID, f"tr_payout-{payout.id}")


async def test_a_payment_not_yet_captured_is_not_paid_out(world: World) -> None:
    await world.seller_onboarded()
    world.charges.down = True  # the capture waits
    payout = await world.sale()
    world.after_release(payout)
    await payouts.release_due(world.ctx, world.connect)
    assert world.connect.transfers == {}
    assert (await world.stored(payout)).status == PayoutStatus.SCHEDULED


async def test_stripe_down_at_release_delays_the_transfer_and_never_doubles_it(
    world: World,
) -> None:
    await world.seller_onboarded()
    payout = await world.sale()
    world.after_release(payout)
    world.connect.down = True
    for _ in range(3):
        await payouts.release_due(world.ctx, world.connect)
    assert (await world.stored(payout)).status == PayoutStatus.TRANSFERRING
    assert world.connect.transfers == {}
    world.connect.down = False
    await payouts.release_due(world.ctx, world.connect)
    assert len(world.connect.transfers) == 1
    assert (await world.stored(payout)).status == PayoutStatus.PAID


async def test_a_crash_between_transfer_made_and_recorded_does_not_pay_twice(
    world: World,
) -> None:
    await world.seller_onboarded()
    payout = await world.sale()
    world.after_release(payout)
    world.connect.lose_answers = True  # Stripe transfers; we never hear of it
    await payouts.release_due(world.ctx, world.connect)
    assert len(world.connect.transfers) == 1
    assert (await world.stored(payout)).status == PayoutStatus.TRANSFERRING
    world.connect.lose_answers = False
    await payouts.release_due(world.ctx, world.connect)  # the same key: Stripe's first answer
    assert len(world.connect.transfers) == 1
    assert (await world.stored(payout)).status == PayoutStatus.PAID


async def test_two_sweeps_at_once_decide_one_transfer(world: World) -> None:
    await world.seller_onboarded()
    payout = await world.sale()
    world.after_release(payout)
    other = await world.stored(payout)
    world.ctx.store.race(lambda: payouts.release(world.ctx, world.connect, other))
    await payouts.release(world.ctx, world.connect, await world.stored(payout))
    assert len(world.connect.transfers) == 1
    assert (await world.stored(payout)).status == PayoutStatus.PAID


async def test_a_seller_sees_their_own_payouts_and_no_one_elses(world: World) -> None:
    mine = await world.sale("o1", seller="seller")
    await world.sale("o2", seller="other")
    assert [p.id for p in await payouts.payouts_of(world.ctx, "seller")] == [mine.id]
    assert (await payouts.payout(world.ctx, "seller", mine.id)).id == mine.id
    for stranger in ("other", "buyer"):
        with pytest.raises(NotFound):
            await payouts.payout(world.ctx, stranger, mine.id)
    assert await payouts.payouts_of(world.ctx, "buyer") == []
