"""Disputes, refunds and cancelled events on in-memory fakes: who may dispute and until when,
the frozen payout, an admin's refund (with a reversal once paid) or release, a cancelled
event, and the interleavings with the release. No server starts here."""

from datetime import timedelta

import pytest

from ticketing.payments import disputes, payouts, use_cases
from ticketing.payments.models import (
    Admission,
    Dispute,
    DisputeReason,
    OrderReplica,
    Payment,
    Payout,
    PayoutAccount,
    PayoutStatus,
)
from ticketing.payments.tests.doubles import FakeCharges, FakeConnect
from ticketing.payments.tests.test_payouts import World
from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden, NotFound
from ticketing.shared.events import DisputeStatus
from ticketing.shared.permissions import ADMIN_GROUP, RelationTuple
from ticketing.testing.fakes import FakeContext, offline

REFUSED = DisputeReason.REFUSED_AT_DOOR


@pytest.fixture
async def world() -> World:
    await offline(OrderReplica, Payment, PayoutAccount, Payout, Admission, Dispute)
    world = World(FakeContext(), FakeCharges(), FakeConnect())
    world.ctx.grant(RelationTuple("Group", ADMIN_GROUP, "members", "admin"))
    await world.seller_onboarded()
    return world


async def opened(world: World, reason: DisputeReason = REFUSED) -> Dispute:
    return await disputes.open_dispute(world.ctx, "buyer", "o1", reason, "they did not let me in")


async def test_a_buyer_disputes_a_completed_order_and_freezes_the_payout(world: World) -> None:
    payout = await world.sale()
    dispute = await opened(world)
    assert (dispute.user_id, dispute.seller_id, dispute.status) == (
        "buyer",
        "seller",
        DisputeStatus.OPEN,
    )
    [announced] = world.ctx.store.published(events.DisputeOpened)
    assert (announced.id, announced.order_id, announced.reason) == (
        dispute.id,
        "o1",
        "refused_at_door",
    )
    assert (await world.stored(payout)).status == PayoutStatus.HELD
    world.after_release(payout)
    await payouts.release_due(world.ctx, world.connect)
    assert world.connect.transfers == {}  # frozen
    with pytest.raises(Conflict, match="open for this order already"):
        await opened(world, DisputeReason.OTHER)


async def test_only_the_buyer_disputes_and_only_until_the_hold_ends(world: World) -> None:
    payout = await world.sale()
    for other in ("seller", "stranger"):
        with pytest.raises(Forbidden):
            await disputes.open_dispute(world.ctx, other, "o1", REFUSED, "x")
    with pytest.raises(NotFound):
        await disputes.open_dispute(world.ctx, "buyer", "no-such-order", REFUSED, "x")
    world.after_release(payout)
    with pytest.raises(Conflict, match="hold has ended"):
        await opened(world)


async def test_a_ticket_admitted_at_the_door_was_not_refused_there(world: World) -> None:
    await world.sale()
    admitted = events.TicketAdmitted(
        id="t1",
        version=3,
        title="Gig",
        price=world.ctx.clock.now().year,  # type: ignore[arg-type]
        user_id="buyer",
        admitted_at=world.ctx.clock.now(),
    )
    await use_cases.ticket_admitted(world.ctx, admitted)
    await use_cases.ticket_admitted(world.ctx, admitted)  # a duplicate
    with pytest.raises(Conflict, match="admitted at the door"):
        await opened(world, REFUSED)
    dispute = await opened(world, DisputeReason.NOT_AS_DESCRIBED)
    assert dispute.reason == DisputeReason.NOT_AS_DESCRIBED


async def test_parties_and_admins_see_a_dispute_and_no_one_else(world: World) -> None:
    await world.sale()
    dispute = await opened(world)
    for who in ("buyer", "seller", "admin"):
        assert (await disputes.dispute(world.ctx, who, dispute.id)).id == dispute.id
    with pytest.raises(NotFound):
        await disputes.dispute(world.ctx, "stranger", dispute.id)
    assert [d.id for d in await disputes.disputes(world.ctx, DisputeStatus.OPEN)] == [dispute.id]


async def test_a_refund_returns_the_price_and_cancels_the_payout(world: World) -> None:
    payout = await world.sale()
    dispute = await opened(world)
    resolved = await disputes.resolve(world.ctx, world.connect, "admin", dispute.id, refund=True)
    assert (resolved.status, resolved.resolved_by) == (DisputeStatus.REFUNDED, "admin")
    assert world.connect.refunds == {f"refund-{payout.id}": (payout.intent_id, 4550)}
    assert world.connect.reversals == {}  # nothing was transferred
    done = await world.stored(payout)
    assert (done.status, done.refund_id) == (PayoutStatus.CANCELLED, f"re_refund-{payout.id}")
    [refunded] = world.ctx.store.published(events.PaymentRefunded)
    assert (refunded.order_id, refunded.amount_cents, refunded.reversed) == ("o1", 4550, False)
    assert [e.status for e in world.ctx.store.published(events.DisputeResolved)] == ["refunded"]
    with pytest.raises(Conflict, match="resolved already"):
        await disputes.resolve(world.ctx, world.connect, "admin", dispute.id, refund=False)
    world.after_release(payout)
    await payouts.release_due(world.ctx, world.connect)
    assert world.connect.transfers == {}


async def test_a_release_pays_the_seller_as_scheduled(world: World) -> None:
    payout = await world.sale()
    dispute = await opened(world)
    await disputes.resolve(world.ctx, world.connect, "admin", dispute.id, refund=False)
    assert (await world.stored(payout)).status == PayoutStatus.SCHEDULED
    world.after_release(payout)
    await payouts.release_due(world.ctx, world.connect)
    assert len(world.connect.transfers) == 1
    assert world.connect.refunds == {}


async def test_a_refund_after_the_transfer_reverses_it(world: World) -> None:
    payout = await world.sale()
    world.after_release(payout)
    await payouts.release_due(world.ctx, world.connect)
    [listed] = await disputes.cancel_event(world.ctx, world.connect, "t1")
    assert listed.status == PayoutStatus.REVERSED
    assert world.connect.reversals == {f"reversal-{payout.id}": f"tr_payout-{payout.id}"}
    assert len(world.connect.refunds) == 1
    [refunded] = world.ctx.store.published(events.PaymentRefunded)
    assert refunded.reversed


async def test_a_cancelled_event_refunds_every_sale_and_closes_its_disputes(world: World) -> None:
    disputed = await world.sale("o1")
    dispute = await opened(world)
    pending = await world.sale("o2", seller="no-account")
    listed = await disputes.cancel_event(world.ctx, world.connect, "t1")
    assert {p.id: p.status for p in listed} == {
        disputed.id: PayoutStatus.CANCELLED,
        pending.id: PayoutStatus.CANCELLED,
    }
    assert len(world.connect.refunds) == 2
    closed = await world.ctx.store.get(Dispute, dispute.id)
    assert closed is not None
    assert closed.status == DisputeStatus.REFUNDED
    await disputes.cancel_event(world.ctx, world.connect, "t1")  # again: nothing more
    assert len(world.connect.refunds) == 2


async def test_stripe_down_at_refund_leaves_it_to_the_sweep_once(world: World) -> None:
    payout = await world.sale()
    dispute = await opened(world)
    world.connect.down = True
    await disputes.resolve(world.ctx, world.connect, "admin", dispute.id, refund=True)
    assert (await world.stored(payout)).status == PayoutStatus.REFUNDING
    world.connect.down = False
    world.connect.lose_answers = True  # Stripe refunds; the answer is lost
    await disputes.refund_pending(world.ctx, world.connect)
    world.connect.lose_answers = False
    await disputes.refund_pending(world.ctx, world.connect)
    await disputes.refund_pending(world.ctx, world.connect)
    assert len(world.connect.refunds) == 1
    assert (await world.stored(payout)).status == PayoutStatus.CANCELLED


async def test_a_dispute_racing_the_release_gives_one_outcome(world: World) -> None:
    payout = await world.sale()
    due = await world.stored(payout)

    async def disputed_just_in_time() -> None:
        world.ctx.clock.current = payout.release_at - timedelta(seconds=1)
        await opened(world)
        world.ctx.clock.current = payout.release_at

    # The dispute commits first, between the sweep's read and its compare-and-set: frozen.
    world.ctx.store.race(disputed_just_in_time)
    world.after_release(payout)
    await payouts.release(world.ctx, world.connect, due)
    assert world.connect.transfers == {}
    assert (await world.stored(payout)).status == PayoutStatus.HELD


async def test_a_release_racing_a_dispute_gives_one_outcome(world: World) -> None:
    payout = await world.sale()
    world.ctx.clock.current = payout.release_at - timedelta(seconds=1)
    due = await world.stored(payout)

    async def swept() -> None:
        world.ctx.clock.current = payout.release_at
        await payouts.release(world.ctx, world.connect, due)

    world.ctx.store.race(swept)  # the sweep commits between the dispute's read and its write
    with pytest.raises(Conflict, match="hold has ended"):
        await opened(world)
    assert len(world.connect.transfers) == 1
    assert await world.ctx.store.find(Dispute) == []
