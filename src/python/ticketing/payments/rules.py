"""Payment rules as plain functions over plain values: whether an order may be paid for, how
much in cents, and what a payment becomes as the orders service decides and Stripe confirms."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ticketing.payments.models import Admission, OrderReplica, Payment, PaymentStatus
from ticketing.shared import events
from ticketing.shared.errors import Conflict
from ticketing.shared.events import OrderStatus

# A decision taken, and the status once Stripe has confirmed it.
SETTLED = {
    PaymentStatus.CAPTURING: PaymentStatus.CAPTURED,
    PaymentStatus.VOIDING: PaymentStatus.VOIDED,
}


def cents(amount: Decimal) -> int:
    """``amount`` (in the currency's main unit) in cents, exactly: a fraction of a cent is a
    ValueError, never rounded away (prices have at most two decimals)."""
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(scaled)


def check_payable(order: OrderReplica, now: datetime) -> None:
    """An order is paid for once, while it is open and its reservation holds."""
    if order.status == OrderStatus.CANCELLED:
        raise Conflict("the order was cancelled")
    if order.payment_id is not None or order.status == OrderStatus.COMPLETE:
        raise Conflict("the order is paid already")
    if order.expires_at <= now:
        raise Conflict("the order's reservation has expired")


def recorded(order: OrderReplica, payment: Payment) -> None:
    """Record an authorised ``payment`` on its open order; an order cancelled meanwhile gets
    none, and its payment is released at once (voiding)."""
    if order.status == OrderStatus.CREATED and order.payment_id is None:
        order.payment_id = payment.id
        payment.status = PaymentStatus.AUTHORIZED
    else:
        payment.status = PaymentStatus.VOIDING


def decided(payment: Payment, decision: PaymentStatus) -> bool:
    """Take the orders service's decision (capturing or voiding) for an authorised payment;
    False if the payment was decided already."""
    if payment.status != PaymentStatus.AUTHORIZED:
        return False
    payment.status = decision
    return True


def authorized_event(payment: Payment) -> events.PaymentAuthorized | None:
    """An authorised payment is announced; one that is voided at once is not."""
    if payment.status != PaymentStatus.AUTHORIZED:
        return None
    return events.from_attributes(events.PaymentAuthorized, payment)


def replica_of(event: events.OrderCreated) -> OrderReplica:
    """The replica of an order as its creation announced it."""
    return OrderReplica(
        id=event.id,
        source_version=event.version,
        user_id=event.user_id,
        status=event.status,
        price=event.ticket.price,
        ticket_id=event.ticket.id,
        expires_at=event.expires_at,
        seller_id=event.ticket.user_id,
        event_starts_at=event.ticket.event_starts_at,
    )


def completed(order: OrderReplica) -> None:
    order.status = OrderStatus.COMPLETE


def cancelled(order: OrderReplica) -> None:
    order.status = OrderStatus.CANCELLED


def admission(event: events.TicketAdmitted) -> Admission:
    return Admission(id=Admission.key(event.id, event.user_id), admitted_at=event.admitted_at)
