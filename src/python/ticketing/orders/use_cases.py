"""What the orders service does: place, read, cancel, expire and complete orders, and keep its
replica of tickets. Each use case loads, decides with ``rules``, and commits with its events."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Literal

from prometheus_client import Counter

from ticketing.orders import rules
from ticketing.orders.models import Order, TicketReplica
from ticketing.shared import events
from ticketing.shared.context import Context
from ticketing.shared.errors import Conflict, Forbidden
from ticketing.shared.messaging import RetryLater
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.persistence import DuplicateKeyError, StaleVersion
from ticketing.shared.replicas import apply_next, insert_once
from ticketing.shared.store import Grant, Insert, Save, found

Outcome = Literal["placed", "cancelled", "expired", "completed"]
# An order leaves ``created`` once, so a compare-and-set lost to another writer finds it
# decided at the second look; the bound only keeps a bug from looping for ever.
LOOKS = 3


def counted(ctx: Context, outcome: Outcome) -> None:
    orders: Counter = ctx.metrics.counter(
        "ticketing_orders", "Orders placed, and how they ended", ("outcome",)
    )
    orders.labels(outcome).inc()


async def place(ctx: Context, buyer_id: str, ticket_id: str, window: timedelta) -> Order:
    ticket = await found(ctx.store, TicketReplica, ticket_id, "ticket")
    order = rules.reservation(ticket, buyer_id, ctx.clock.now(), window)
    owner = RelationTuple("Order", order.id, "owners", buyer_id)
    seller = RelationTuple("Order", order.id, "sellers", ticket.user_id)
    parent = RelationTuple("Order", order.id, "parents", ticket.id)
    try:
        await ctx.store.commit(Insert(order, rules.created_event), Grant(owner, seller, parent))
    except DuplicateKeyError:  # the partial unique index: another open order holds it
        raise Conflict("the ticket is reserved by another order") from None
    counted(ctx, "placed")
    return order


async def get(ctx: Context, user_id: str, order_id: str, permit: str) -> Order:
    """The order, if ``user_id`` holds ``permit`` on it in the permission model."""
    order = await found(ctx.store, Order, order_id, "order")
    if not await ctx.permissions.check("Order", order_id, permit, user_id):
        raise Forbidden(f"you may not {permit} this order")
    return order


async def of_user(ctx: Context, user_id: str) -> list[Order]:
    return await ctx.store.find(Order, sort=["created_at"], user_id=user_id)


async def cancel(ctx: Context, order: Order, outcome: Outcome = "cancelled") -> Order:
    """Cancel unless complete (``outcome`` says why, for the metric); cancelling a cancelled
    order changes nothing."""
    for _ in range(LOOKS):
        if not rules.must_cancel(order):
            return order
        order.status = events.OrderStatus.CANCELLED
        try:
            await ctx.store.commit(Save(order, rules.cancelled_event))
        except StaleVersion:  # paid or expired meanwhile: look again
            order = await found(ctx.store, Order, order.id, "order")
            continue
        counted(ctx, outcome)
        return order
    raise Conflict("the order keeps changing; try again")


async def expire(ctx: Context, event: events.ExpirationComplete) -> None:
    order = await ctx.store.get(Order, event.id)
    if order is None:
        raise RetryLater(f"order {event.id} not found")
    with contextlib.suppress(Conflict):  # completed in the meantime: it stays complete
        await cancel(ctx, order, "expired")


async def complete(ctx: Context, event: events.PaymentAuthorized) -> None:
    """Complete the order with this authorised payment, by a compare-and-set on the version
    of an order read as created and unexpired: of completing and cancelling (by the buyer or
    expiry) exactly one wins, and payments captures or releases the money accordingly."""
    for _ in range(LOOKS):
        order = await ctx.store.get(Order, event.order_id)
        if order is None:
            raise RetryLater(f"order {event.order_id} not found")
        outcome = rules.payment_outcome(order, ctx.clock.now())
        if outcome is rules.Payment.TOO_LATE:
            with contextlib.suppress(Conflict):
                await cancel(ctx, order, "expired")
            return
        if outcome is rules.Payment.MOOT:
            return
        order.status, order.payment_id = events.OrderStatus.COMPLETE, event.id
        try:
            await ctx.store.commit(Save(order, rules.completed_event))
        except StaleVersion:  # cancelled or expired meanwhile: decide again
            continue
        counted(ctx, "completed")
        return
    raise RetryLater(f"order {event.order_id} keeps changing")


# --- what payments says after the sale --------------------------------------------------------


async def _follow(ctx: Context, order_id: str, change: Callable[[Order], bool]) -> None:
    for _ in range(LOOKS):
        order = await found(ctx.store, Order, order_id, "order")
        if not change(order):
            return
        try:
            await ctx.store.commit(Save(order))
            return
        except StaleVersion:
            continue
    raise RetryLater(f"order {order_id} keeps changing")


async def follow_dispute(ctx: Context, event: events.DisputeEvent) -> None:
    """A dispute opened or resolved: both parties see it on the order."""
    await _follow(ctx, event.order_id, partial(rules.disputed, event=event))


async def refunded(ctx: Context, event: events.PaymentRefunded) -> None:
    await _follow(ctx, event.order_id, rules.refunded)


# --- the ticket replica ----------------------------------------------------------------------


async def add_ticket(ctx: Context, event: events.TicketCreated) -> None:
    await insert_once(ctx.store, rules.replica_of(event))


async def update_ticket(ctx: Context, event: events.TicketEvent) -> None:
    """Any later event about a ticket: updated, sold, admitted."""
    await apply_next(ctx.store, TicketReplica, event, partial(rules.changed, event=event))
