"""Order rules as plain functions over plain values: who may order a ticket, what an order
becomes when it is cancelled or paid for, and the events it announces."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from ticketing.orders.models import Order, TicketReplica
from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden
from ticketing.shared.events import OrderStatus, TicketStatus

UNORDERABLE = {
    TicketStatus.WAITING_MODERATION: "it is still being screened by moderation",
    TicketStatus.REJECTED: "moderation rejected it",
    TicketStatus.SOLD: "it is sold",
    TicketStatus.ADMITTED: "it was used at the door",
}


def check_orderable(ticket: TicketReplica, buyer_id: str, now: datetime) -> None:
    """A ticket can be ordered by anyone but its holder, once moderation approved it, until its
    event starts. (Whether another order holds it is the database's to say: see ``Order``'s
    unique index.)"""
    if ticket.user_id == buyer_id:
        raise Forbidden("you cannot order your own ticket")
    if ticket.status != TicketStatus.APPROVED:
        reason = UNORDERABLE[ticket.status]
        raise Conflict(f"the ticket cannot be ordered: {reason}", ticket_status=ticket.status)
    if ticket.event_starts_at is None:
        raise Conflict("the ticket cannot be ordered: its listing names no event date yet")
    if ticket.event_starts_at <= now:
        raise Conflict(
            "the ticket cannot be ordered: the event has started",
            event_starts_at=ticket.event_starts_at.isoformat(),
        )


def reservation(ticket: TicketReplica, buyer_id: str, now: datetime, window: timedelta) -> Order:
    """The order that reserves ``ticket`` for ``buyer_id`` until ``now + window``."""
    check_orderable(ticket, buyer_id, now)
    return Order(
        user_id=buyer_id,
        expires_at=now + window,
        ticket_id=ticket.id,
        ticket_title=ticket.title,
        ticket_price=ticket.price,
        seller_id=ticket.user_id,
        ticket_sales=ticket.sales,
        event_starts_at=ticket.event_starts_at,
        created_at=now,
    )


def must_cancel(order: Order) -> bool:
    """Whether cancelling ``order`` changes it: a created order is cancelled, a cancelled one
    stays as it is, and a complete one cannot be (``Conflict``)."""
    if order.status == OrderStatus.COMPLETE:
        raise Conflict("a completed order cannot be cancelled")
    return order.status == OrderStatus.CREATED


class Payment(Enum):
    """What an authorised payment does to its order."""

    COMPLETES = "completes"  # created, and its reservation still holds
    TOO_LATE = "too_late"  # created, but the reservation has run out: cancel it
    MOOT = "moot"  # cancelled (payments releases the card) or complete already


def payment_outcome(order: Order, now: datetime) -> Payment:
    if order.status != OrderStatus.CREATED:
        return Payment.MOOT
    return Payment.COMPLETES if order.expires_at > now else Payment.TOO_LATE


# What the replica keeps of every event about a ticket: created, updated, sold, admitted.
KEPT = ("title", "price", "user_id", "status", "event_starts_at", "sales")


def replica_of(event: events.TicketCreated) -> TicketReplica:
    """The replica of a ticket as its creation announced it."""
    kept = {name: getattr(event, name) for name in KEPT}
    return TicketReplica(id=event.id, source_version=event.version, **kept)


def changed(replica: TicketReplica, event: events.TicketEvent) -> None:
    for name in KEPT:
        setattr(replica, name, getattr(event, name))


def created_event(order: Order) -> events.OrderCreated:
    seller = order.seller_id or ""  # always kept on orders placed since it is
    ticket = events.OrderTicket(
        id=order.ticket_id,
        price=order.ticket_price,
        user_id=seller,
        event_starts_at=order.event_starts_at,
    )
    return events.from_attributes(events.OrderCreated, order, ticket=ticket)


def cancelled_event(order: Order) -> events.OrderCancelled:
    return events.from_attributes(events.OrderCancelled, order)


def completed_event(order: Order) -> events.OrderCompleted:
    return events.from_attributes(events.OrderCompleted, order)


def disputed(order: Order, event: events.DisputeEvent) -> bool:
    """Show the dispute's step on its order; an older step or a duplicate changes nothing."""
    if event.version <= order.dispute_version:
        return False
    order.dispute_id, order.dispute_status = event.id, event.status
    order.dispute_version = event.version
    return True


def refunded(order: Order) -> bool:
    if order.refunded:
        return False
    order.refunded = True
    return True
