"""Payment rules: only the order's owner pays, only an open order, only once; and the order
replica kept in version order."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from ticketing.payments.charges import Stripe
from ticketing.payments.models import OrderReplica, Payment
from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden, NotFound, PaymentDeclined
from ticketing.shared.events import OrderStatus
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.persistence import DuplicateKeyError
from ticketing.shared.platform import Platform
from ticketing.shared.replicas import apply_next, insert_once


async def pay(
    platform: Platform, charges: Stripe, user_id: str, order_id: str, token: str
) -> Payment:
    order = await OrderReplica.get(order_id)
    if order is None:
        raise NotFound(f"no order {order_id}")
    if not await platform.permissions.check("Order", order_id, "edit", user_id):
        raise Forbidden("only the order's owner may pay for it")
    if order.status == OrderStatus.CANCELLED:
        raise Conflict("the order was cancelled")
    if order.expires_at <= datetime.now(UTC):
        raise Conflict("the order's reservation has expired")
    if await Payment.find_one(Payment.order_id == order_id) is not None:
        raise Conflict("the order is paid already")
    try:
        stripe_id = await charges.charge(order.id, order.attempt, order.price, token)
    except PaymentDeclined:
        # The next try is a new attempt (a new idempotency key); a compare-and-set, so two
        # concurrent declines of one attempt move it on once.
        await OrderReplica.find_one(
            OrderReplica.id == order.id, OrderReplica.attempt == order.attempt
        ).update({"$inc": {"attempt": 1}})
        raise
    payment = Payment(
        order_id=order.id, user_id=user_id, stripe_id=stripe_id, amount_cents=int(order.price * 100)
    )

    async def write(session: AsyncClientSession) -> None:
        await payment.insert(session=session)
        created = events.PaymentCreated(
            id=payment.id, version=0, order_id=order.id, stripe_id=stripe_id
        )
        await platform.outbox.add_event(created, session)
        owner = RelationTuple("Payment", payment.id, "owners", user_id)
        await platform.outbox.grant(
            [owner, RelationTuple("Payment", payment.id, "parents", order.id)], session
        )

    try:
        await platform.db.atomically(write)
    except DuplicateKeyError:  # a concurrent request for the same attempt recorded it first
        raise Conflict("the order is paid already") from None
    await platform.outbox.flush_soon()
    return payment


async def get(platform: Platform, user_id: str, payment_id: str) -> Payment:
    payment = await Payment.get(payment_id)
    if payment is None:
        raise NotFound(f"no payment {payment_id}")
    if not await platform.permissions.check("Payment", payment_id, "view", user_id):
        raise Forbidden("only the payer and the ticket's owner may see a payment")
    return payment


# --- the order replica -----------------------------------------------------------------------


async def add_order(event: events.OrderCreated) -> None:
    await insert_once(
        OrderReplica(
            id=event.id,
            version=event.version,
            user_id=event.user_id,
            status=event.status,
            price=event.ticket.price,
            ticket_id=event.ticket.id,
            expires_at=event.expires_at,
        )
    )


async def cancel_order(event: events.OrderCancelled) -> None:
    await apply_next(OrderReplica, event, {"status": OrderStatus.CANCELLED})
