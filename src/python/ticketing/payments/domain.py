"""Payment rules: only the order's owner pays, only an open order, only once; the card is
authorised when paying and captured only once the orders service has completed the order
(or its authorisation released when the order is cancelled); the order replica is kept in
version order. See docs/payments.md."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from pymongo.asynchronous.client_session import AsyncClientSession

from ticketing.payments.charges import Stripe
from ticketing.payments.models import SETTLING, OrderReplica, Payment, PaymentStatus
from ticketing.shared import events
from ticketing.shared.errors import Conflict, DomainError, Forbidden, PaymentDeclined
from ticketing.shared.events import OrderStatus
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.persistence import DuplicateKeyError, found
from ticketing.shared.platform import Platform
from ticketing.shared.replicas import apply_next, insert_once

log = structlog.get_logger(__name__)


async def pay(
    platform: Platform, charges: Stripe, user_id: str, order_id: str, token: str
) -> Payment:
    """Authorise the order's price on the card and announce it; orders decides the rest."""
    order = await found(OrderReplica, order_id, "order")
    if not await platform.permissions.check("Order", order_id, "edit", user_id):
        raise Forbidden("only the order's owner may pay for it")
    if order.status == OrderStatus.CANCELLED:
        raise Conflict("the order was cancelled")
    if order.expires_at <= datetime.now(UTC):
        raise Conflict("the order's reservation has expired")
    if await Payment.find_one(Payment.order_id == order_id) is not None:
        raise Conflict("the order is paid already")
    try:
        intent_id = await charges.authorize(order.id, order.attempt, order.price, token)
    except PaymentDeclined:
        platform.metrics.counter("ticketing_payments_declined", "Card payments declined").inc()
        # The next try is a new attempt (a new idempotency key); a compare-and-set, so two
        # concurrent declines of one attempt move it on once.
        await OrderReplica.find_one(
            OrderReplica.id == order.id, OrderReplica.attempt == order.attempt
        ).update({"$inc": {"attempt": 1}})
        raise
    payment = Payment(
        order_id=order.id, user_id=user_id, stripe_id=intent_id, amount_cents=int(order.price * 100)
    )

    async def write(session: AsyncClientSession) -> None:
        # Cancelled while Stripe was authorising? The replica write also makes this
        # transaction and a concurrent order.cancelled conflict, so one sees the other.
        still_open = await OrderReplica.get_pymongo_collection().update_one(
            {"_id": order.id, "status": OrderStatus.CREATED},
            {"$set": {"payment_id": payment.id}},
            session=session,
        )
        authorized = bool(still_open.matched_count)
        payment.status = PaymentStatus.AUTHORIZED if authorized else PaymentStatus.VOIDING
        await payment.insert(session=session)
        owner = RelationTuple("Payment", payment.id, "owners", user_id)
        await platform.outbox.grant(
            [owner, RelationTuple("Payment", payment.id, "parents", order.id)], session
        )
        if authorized:
            announced = events.PaymentAuthorized(
                id=payment.id, version=payment.version, order_id=order.id
            )
            await platform.outbox.add_event(announced, session)

    try:
        await platform.commit(write)
    except DuplicateKeyError:  # a concurrent request for the same attempt recorded it first
        raise Conflict("the order is paid already") from None
    if payment.status == PaymentStatus.VOIDING:
        await settle_now(charges, payment)
        raise Conflict("the order was cancelled")
    return payment


async def get(platform: Platform, user_id: str, payment_id: str) -> Payment:
    payment = await found(Payment, payment_id, "payment")
    if not await platform.permissions.check("Payment", payment_id, "view", user_id):
        raise Forbidden("only the payer and the ticket's owner may see a payment")
    return payment


# --- settling: capture or void, as the orders service decided -----------------------------


async def decide(charges: Stripe, query: dict[str, object], decision: PaymentStatus) -> None:
    """Record ``decision`` (capturing or voiding) for the authorised payment matching
    ``query``, then settle it with Stripe. Idempotent: a redelivered event settles what an
    earlier delivery decided but could not finish."""
    await Payment.get_pymongo_collection().update_one(
        {**query, "status": PaymentStatus.AUTHORIZED},
        {"$set": {"status": decision}, "$inc": {"version": 1}},
    )
    async for payment in Payment.find({**query, "status": decision}):
        await settle_now(charges, payment)


async def settle(charges: Stripe, payment: Payment) -> None:
    """Tell Stripe what was decided for ``payment``, then record that it is done."""
    if payment.status == PaymentStatus.CAPTURING:
        await charges.capture(payment.stripe_id, payment.id)
    elif payment.status == PaymentStatus.VOIDING:
        await charges.void(payment.stripe_id, payment.id)
    else:
        return
    await Payment.get_pymongo_collection().update_one(
        {"_id": payment.id, "status": payment.status},
        {"$set": {"status": SETTLING[payment.status]}, "$inc": {"version": 1}},
    )


async def settle_now(charges: Stripe, payment: Payment) -> None:
    """Settle if Stripe answers; if not, the decision is recorded and ``settle_pending``
    retries it, so a Stripe outage delays a capture or a void but never loses it."""
    try:
        await settle(charges, payment)
    except DomainError as exc:
        log.warning("settling deferred", payment_id=payment.id, error=exc.detail)


async def settle_pending(charges: Stripe) -> None:
    """Retry every decision Stripe has not confirmed yet."""
    async for payment in Payment.find({"status": {"$in": list(SETTLING)}}):
        await settle_now(charges, payment)


# --- the order replica and the decisions it brings --------------------------------------------


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


async def order_completed(charges: Stripe, event: events.OrderCompleted) -> None:
    await apply_next(OrderReplica, event, {"status": OrderStatus.COMPLETE})
    await decide(charges, {"_id": event.payment_id}, PaymentStatus.CAPTURING)


async def order_cancelled(charges: Stripe, event: events.OrderCancelled) -> None:
    await apply_next(OrderReplica, event, {"status": OrderStatus.CANCELLED})
    await decide(charges, {"order_id": event.id}, PaymentStatus.VOIDING)
