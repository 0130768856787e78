"""The orders use cases on in-memory fakes: placing, cancelling, expiring and completing,
including the interleavings the database's compare-and-set decides. No server starts here."""

from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

import msgspec
import pytest

from ticketing.orders import rules, use_cases
from ticketing.orders.models import Order, TicketReplica
from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden, NotFound
from ticketing.shared.events import OrderStatus, TicketStatus
from ticketing.shared.messaging import RetryLater
from ticketing.shared.permissions import RelationTuple
from ticketing.testing.fakes import FakeContext, offline

WINDOW = timedelta(minutes=15)
E = TypeVar("E", bound=events.Event)


@pytest.fixture
async def ctx() -> FakeContext:
    await offline(Order, TicketReplica)
    ctx = FakeContext()
    ctx.store.add(
        TicketReplica(
            id="t1",
            title="Gig",
            price=Decimal("20.00"),
            user_id="seller",
            status=TicketStatus.APPROVED,
            event_starts_at=ctx.clock.now() + timedelta(days=30),
        )
    )
    return ctx


async def test_placing_reserves_for_the_window_announces_it_and_makes_the_buyer_its_owner(
    ctx: FakeContext,
) -> None:
    order = await use_cases.place(ctx, "buyer", "t1", WINDOW)
    assert (order.status, order.expires_at) == (OrderStatus.CREATED, ctx.clock.now() + WINDOW)
    [created] = ctx.store.published(events.OrderCreated)
    assert (created.id, created.ticket.id, created.ticket.user_id) == (order.id, "t1", "seller")
    assert RelationTuple("Order", order.id, "owners", "buyer") in ctx.permissions.tuples
    assert RelationTuple("Order", order.id, "parents", "t1") in ctx.permissions.tuples


async def test_a_second_order_for_a_held_ticket_is_refused_and_changes_nothing(
    ctx: FakeContext,
) -> None:
    await use_cases.place(ctx, "buyer", "t1", WINDOW)
    with pytest.raises(Conflict, match="reserved by another order"):
        await use_cases.place(ctx, "other", "t1", WINDOW)
    assert len(await ctx.store.find(Order)) == 1
    assert len(ctx.store.published(events.OrderCreated)) == 1


async def test_an_unknown_ticket_is_not_found_and_the_seller_cannot_buy_it(
    ctx: FakeContext,
) -> None:
    with pytest.raises(NotFound):
        await use_cases.place(ctx, "buyer", "nope", WINDOW)
    with pytest.raises(Forbidden):
        await use_cases.place(ctx, "seller", "t1", WINDOW)
    assert ctx.store.commits == 0


async def test_cancelling_frees_the_ticket_for_the_next_buyer_once(ctx: FakeContext) -> None:
    order = await use_cases.place(ctx, "buyer", "t1", WINDOW)
    await use_cases.cancel(ctx, order)
    await use_cases.cancel(ctx, order)  # nothing more
    assert [e.version for e in ctx.store.published(events.OrderCancelled)] == [1]
    again = await use_cases.place(ctx, "other", "t1", WINDOW)
    assert again.status == OrderStatus.CREATED


async def test_only_who_the_model_allows_reads_or_cancels_an_order(ctx: FakeContext) -> None:
    order = await use_cases.place(ctx, "buyer", "t1", WINDOW)
    ctx.grant(RelationTuple("Ticket", "t1", "owners", "seller"))
    assert (await use_cases.get(ctx, "seller", order.id, "view")).id == order.id
    with pytest.raises(Forbidden):
        await use_cases.get(ctx, "seller", order.id, "edit")
    with pytest.raises(Forbidden):
        await use_cases.get(ctx, "stranger", order.id, "view")


async def test_a_payment_in_time_completes_the_order_and_a_duplicate_changes_nothing(
    ctx: FakeContext,
) -> None:
    order = await use_cases.place(ctx, "buyer", "t1", WINDOW)
    paid = events.PaymentAuthorized(id="p1", version=0, order_id=order.id)
    await use_cases.complete(ctx, paid)
    await use_cases.complete(ctx, paid)
    [completed] = ctx.store.published(events.OrderCompleted)
    assert (completed.id, completed.version, completed.payment_id) == (order.id, 1, "p1")
    with pytest.raises(Conflict):
        await use_cases.cancel(ctx, await use_cases.get(ctx, "buyer", order.id, "edit"))


async def test_a_payment_after_the_window_cancels_the_order_instead(ctx: FakeContext) -> None:
    order = await use_cases.place(ctx, "buyer", "t1", WINDOW)
    ctx.clock.move(WINDOW)
    await use_cases.complete(ctx, events.PaymentAuthorized(id="p1", version=0, order_id=order.id))
    assert ctx.store.published(events.OrderCompleted) == []
    assert len(ctx.store.published(events.OrderCancelled)) == 1


async def test_expiry_of_a_paid_order_changes_nothing(ctx: FakeContext) -> None:
    order = await use_cases.place(ctx, "buyer", "t1", WINDOW)
    await use_cases.complete(ctx, events.PaymentAuthorized(id="p1", version=0, order_id=order.id))
    await use_cases.expire(ctx, events.ExpirationComplete(id=order.id, version=0))
    assert ctx.store.published(events.OrderCancelled) == []


async def test_payment_for_an_order_not_replicated_yet_waits(ctx: FakeContext) -> None:
    with pytest.raises(RetryLater):
        await use_cases.complete(ctx, events.PaymentAuthorized(id="p", version=0, order_id="o?"))


async def test_when_the_buyer_cancels_while_payment_completes_exactly_one_wins(
    ctx: FakeContext,
) -> None:
    """The buyer's cancel read the order as created; a payment completes it before the
    cancel's compare-and-set: the cancel looks again and refuses, nothing is announced twice."""
    order = await use_cases.place(ctx, "buyer", "t1", WINDOW)
    read_by_the_buyer = await use_cases.get(ctx, "buyer", order.id, "edit")
    await use_cases.complete(ctx, events.PaymentAuthorized(id="p1", version=0, order_id=order.id))
    with pytest.raises(Conflict, match="completed order"):
        await use_cases.cancel(ctx, read_by_the_buyer)
    assert ctx.store.published(events.OrderCancelled) == []
    assert len(ctx.store.published(events.OrderCompleted)) == 1


async def test_when_expiry_wins_the_race_a_late_payment_completes_nothing(
    ctx: FakeContext,
) -> None:
    order = await use_cases.place(ctx, "buyer", "t1", WINDOW)
    read_by_expiry = await use_cases.get(ctx, "buyer", order.id, "edit")
    await use_cases.cancel(ctx, read_by_expiry, "expired")
    await use_cases.complete(ctx, events.PaymentAuthorized(id="p1", version=0, order_id=order.id))
    assert ctx.store.published(events.OrderCompleted) == []


async def test_ticket_updates_apply_in_version_order(ctx: FakeContext) -> None:
    def update(version: int, price: str) -> events.TicketUpdated:
        return events.TicketUpdated(
            id="t1", version=version, title=f"v{version}", price=Decimal(price), user_id="seller"
        )

    with pytest.raises(RetryLater):
        await use_cases.update_ticket(ctx, update(2, "30"))  # ahead of version 1
    await use_cases.update_ticket(ctx, update(1, "25"))
    await use_cases.update_ticket(ctx, update(2, "30"))
    await use_cases.update_ticket(ctx, update(1, "25"))  # a late duplicate
    replica = await ctx.store.get(TicketReplica, "t1")
    assert replica is not None
    assert (replica.source_version, replica.title, replica.price) == (2, "v2", Decimal("30"))


async def ticket_event(ctx: FakeContext, kind: type[E], **changes: Any) -> E:
    """The next event about ticket t1 after what the replica holds, with ``changes``."""
    replica = await ctx.store.get(TicketReplica, "t1")
    assert replica is not None
    kept = {name: getattr(replica, name) for name in rules.KEPT}
    return msgspec.convert(
        {**kept, "id": "t1", "version": replica.source_version + 1, **changes}, kind
    )


async def test_once_sold_only_its_new_holder_can_sell_the_ticket_again(ctx: FakeContext) -> None:
    first = await use_cases.place(ctx, "buyer", "t1", WINDOW)
    await use_cases.complete(ctx, events.PaymentAuthorized(id="p1", version=0, order_id=first.id))
    sale = {"status": "sold", "user_id": "buyer", "sales": 1}
    sold = await ticket_event(ctx, events.TicketSold, **sale, order_id=first.id, seller_id="seller")
    await use_cases.update_ticket(ctx, sold)
    with pytest.raises(Conflict, match="it is sold"):
        await use_cases.place(ctx, "other", "t1", WINDOW)
    resale = await ticket_event(ctx, events.TicketUpdated, status="approved", price="24.00")
    await use_cases.update_ticket(ctx, resale)
    second = await use_cases.place(ctx, "other", "t1", WINDOW)
    assert (second.seller_id, second.ticket_sales) == ("buyer", 1)
    assert second.ticket_price == Decimal("24.00")
    assert RelationTuple("Order", second.id, "sellers", "buyer") in ctx.permissions.tuples


async def test_an_order_racing_the_event_start(ctx: FakeContext) -> None:
    replica = await ctx.store.get(TicketReplica, "t1")
    assert replica is not None
    assert replica.event_starts_at is not None
    ctx.clock.current = replica.event_starts_at - timedelta(milliseconds=1)
    await use_cases.place(ctx, "buyer", "t1", WINDOW)  # a moment before: reserved
    ctx.store.add(replica.model_copy(update={"id": "t2"}))
    ctx.clock.current = replica.event_starts_at  # the moment it starts: too late
    with pytest.raises(Conflict, match="the event has started"):
        await use_cases.place(ctx, "other", "t2", WINDOW)


def dispute_step(order_id: str, version: int, status: str) -> events.DisputeEvent:
    kind = events.DisputeOpened if status == "open" else events.DisputeResolved
    return kind(
        id="d1",
        version=version,
        order_id=order_id,
        user_id="buyer",
        reason="other",
        status=events.DisputeStatus(status),
    )


async def test_the_order_shows_its_disputes_latest_step_and_its_refund(ctx: FakeContext) -> None:
    order = await use_cases.place(ctx, "buyer", "t1", WINDOW)
    resolved, opened = dispute_step(order.id, 1, "refunded"), dispute_step(order.id, 0, "open")
    await use_cases.follow_dispute(ctx, opened)
    await use_cases.follow_dispute(ctx, resolved)
    await use_cases.follow_dispute(ctx, opened)  # late and duplicate: changes nothing
    refund = events.PaymentRefunded(
        id="p1", version=3, order_id=order.id, amount_cents=2000, reversed=False
    )
    await use_cases.refunded(ctx, refund)
    await use_cases.refunded(ctx, refund)
    stored = await ctx.store.get(Order, order.id)
    assert stored is not None
    assert (stored.dispute_id, stored.dispute_status, stored.refunded) == ("d1", "refunded", True)
    assert stored.version == order.version + 3  # three changes, the duplicates none
