"""Order rules: placing (never two active orders for one ticket), cancelling, expiring,
completing, and keeping the ticket replica in version order."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Literal

from prometheus_client import Counter
from pymongo.asynchronous.client_session import AsyncClientSession

from ticketing.orders.models import Order, TicketReplica
from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden
from ticketing.shared.events import OrderStatus, TicketStatus
from ticketing.shared.messaging import RetryLater
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.persistence import DuplicateKeyError, StaleVersion, found
from ticketing.shared.platform import Platform
from ticketing.shared.replicas import apply_next, insert_once

Outcome = Literal["placed", "cancelled", "expired", "completed"]


def counted(platform: Platform, outcome: Outcome) -> None:
    orders: Counter = platform.metrics.counter(
        "ticketing_orders", "Orders placed, and how they ended", ("outcome",)
    )
    orders.labels(outcome).inc()


def check_orderable(ticket: TicketReplica, buyer_id: str) -> None:
    """A ticket can be ordered by anyone but its seller, once moderation approved it. (Whether
    another order holds it is the database's to say: see ``Order``'s unique index.)"""
    if ticket.user_id == buyer_id:
        raise Forbidden("you cannot order your own ticket")
    if ticket.status != TicketStatus.APPROVED:
        reason = "it is still being screened by moderation"
        if ticket.status == TicketStatus.REJECTED:
            reason = "moderation rejected it"
        raise Conflict(f"the ticket cannot be ordered: {reason}", ticket_status=ticket.status)


async def place(platform: Platform, user_id: str, ticket_id: str, window: timedelta) -> Order:
    ticket = await found(TicketReplica, ticket_id, "ticket")
    check_orderable(ticket, user_id)
    order = Order(
        user_id=user_id,
        expires_at=datetime.now(UTC) + window,
        ticket_id=ticket.id,
        ticket_title=ticket.title,
        ticket_price=ticket.price,
    )

    async def write(session: AsyncClientSession) -> None:
        await order.insert(session=session)
        await platform.outbox.add_event(created_event(order, ticket.user_id), session)
        owner = RelationTuple("Order", order.id, "owners", user_id)
        await platform.outbox.grant(
            [owner, RelationTuple("Order", order.id, "parents", ticket.id)], session
        )

    try:
        await platform.commit(write)
    except DuplicateKeyError:  # the partial unique index: another open order holds it
        raise Conflict("the ticket is reserved by another order") from None
    counted(platform, "placed")
    return order


def created_event(order: Order, seller_id: str) -> events.OrderCreated:
    return events.OrderCreated(
        id=order.id,
        version=order.version,
        status=order.status,
        user_id=order.user_id,
        expires_at=order.expires_at,
        ticket=events.OrderTicket(id=order.ticket_id, price=order.ticket_price, user_id=seller_id),
    )


async def get(order_id: str) -> Order:
    return await found(Order, order_id, "order")


async def get_for(platform: Platform, user_id: str, order_id: str, permit: str) -> Order:
    order = await get(order_id)
    if not await platform.permissions.check("Order", order_id, permit, user_id):
        raise Forbidden(f"you may not {permit} this order")
    return order


async def of_user(user_id: str) -> list[Order]:
    return await Order.find(Order.user_id == user_id).sort("+created_at").to_list()


# An order leaves ``created`` once, so a compare-and-set lost to another writer finds it
# decided at the second look; the bound only keeps a bug from looping for ever.
LOOKS = 3


def cancelled_event(order: Order) -> events.Event:
    return events.OrderCancelled(id=order.id, version=order.version, ticket_id=order.ticket_id)


async def cancel(platform: Platform, order: Order, outcome: Outcome = "cancelled") -> Order:
    """Cancel unless complete (``outcome`` says why, for the metric); cancelling a cancelled
    order changes nothing."""
    for _ in range(LOOKS):
        if order.status == OrderStatus.COMPLETE:
            raise Conflict("a completed order cannot be cancelled")
        if order.status == OrderStatus.CANCELLED:
            return order
        order.status = OrderStatus.CANCELLED
        try:
            await platform.save(order, cancelled_event)
        except StaleVersion:  # paid or expired meanwhile: look again
            order = await get(order.id)
            continue
        counted(platform, outcome)
        return order
    raise Conflict("the order keeps changing; try again")


async def expire(platform: Platform, event: events.ExpirationComplete) -> None:
    order = await Order.get(event.id)
    if order is None:
        raise RetryLater(f"order {event.id} not found")
    if order.status != OrderStatus.COMPLETE:
        with contextlib.suppress(Conflict):  # completed in the meantime: it stays complete
            await cancel(platform, order, "expired")


def accepts_payment(order: Order, now: datetime) -> bool:
    """A payment completes an order only while it is created and its reservation holds."""
    return order.status == OrderStatus.CREATED and order.expires_at > now


async def complete(platform: Platform, event: events.PaymentAuthorized) -> None:
    """Complete the order with this authorised payment, by a compare-and-set on the version
    of an order read as created and unexpired: of completing and cancelling (by the buyer or
    expiry) exactly one wins, and payments captures or releases the money accordingly."""
    for _ in range(LOOKS):
        order = await Order.get(event.order_id)
        if order is None:
            raise RetryLater(f"order {event.order_id} not found")
        if not accepts_payment(order, datetime.now(UTC)):
            if order.status == OrderStatus.CREATED:  # authorised too late: the window passed
                await cancel(platform, order, "expired")
            return  # cancelled (payments releases the card), or complete already
        order.status, order.payment_id = OrderStatus.COMPLETE, event.id

        def completed(saved: Order) -> events.Event:
            return events.OrderCompleted(id=saved.id, version=saved.version, payment_id=event.id)

        try:
            await platform.save(order, completed)
        except StaleVersion:  # cancelled or expired meanwhile: decide again
            continue
        counted(platform, "completed")
        return
    raise RetryLater(f"order {event.order_id} keeps changing")


# --- the ticket replica ----------------------------------------------------------------------


async def add_ticket(event: events.TicketCreated) -> None:
    await insert_once(TicketReplica.model_validate(event, from_attributes=True))


async def update_ticket(event: events.TicketUpdated) -> None:
    changes = {"title": event.title, "price": event.price, "status": event.status}
    await apply_next(TicketReplica, event, changes)


async def apply_verdict(event: events.Verdict) -> None:
    """A verdict on the replica's current version sets its status at once; on an older one
    it is moot, and the ticket.updated that follows every verdict carries the status anyway."""
    replica = await TicketReplica.get(event.id)
    if replica is None or event.version > replica.version:
        raise RetryLater(f"ticket {event.id} version {event.version} not in the replica yet")
    await TicketReplica.find_one(
        TicketReplica.id == event.id, TicketReplica.version == event.version
    ).update({"$set": {"status": event.STATUS}})
