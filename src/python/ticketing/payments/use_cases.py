"""What the payments service does: authorise a card for an order, then capture or release the
money as the orders service decides (docs/payments.md), and keep its replica of orders."""

from __future__ import annotations

import contextlib

import structlog

from ticketing.payments import payouts, rules
from ticketing.payments.charges import Charges
from ticketing.payments.models import OrderReplica, Payment, PaymentStatus
from ticketing.payments.payout_rules import Terms
from ticketing.shared import events
from ticketing.shared.context import Context
from ticketing.shared.errors import Conflict, DomainError, Forbidden, PaymentDeclined
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.persistence import DuplicateKeyError, StaleVersion
from ticketing.shared.replicas import LOOKS, apply_next, insert_once
from ticketing.shared.store import Grant, Insert, Save, found

log = structlog.get_logger(__name__)


async def pay(ctx: Context, charges: Charges, user_id: str, order_id: str, token: str) -> Payment:
    """Authorise the order's price on the card and announce it; orders decides the rest."""
    order = await found(ctx.store, OrderReplica, order_id, "order")
    if not await ctx.permissions.check("Order", order_id, "edit", user_id):
        raise Forbidden("only the order's owner may pay for it")
    rules.check_payable(order, ctx.clock.now())
    amount = rules.cents(order.price)
    try:
        intent_id = await charges.authorize(order.id, order.attempt, amount, token)
    except PaymentDeclined:
        ctx.metrics.counter("ticketing_payments_declined", "Card payments declined").inc()
        await _next_attempt(ctx, order)
        raise
    payment = Payment(
        order_id=order.id,
        user_id=user_id,
        stripe_id=intent_id,
        amount_cents=amount,
        created_at=ctx.clock.now(),
    )
    await _record(ctx, order, payment)
    if payment.status == PaymentStatus.VOIDING:
        await settle_now(ctx, charges, payment)
        raise Conflict("the order was cancelled")
    return payment


async def _next_attempt(ctx: Context, order: OrderReplica) -> None:
    """After a decline the next try is a new attempt (a new idempotency key); a
    compare-and-set, so two concurrent declines of one attempt move it on once."""
    order.attempt += 1
    with contextlib.suppress(StaleVersion):  # moved on, or cancelled, meanwhile
        await ctx.store.commit(Save(order))


async def _record(ctx: Context, order: OrderReplica, payment: Payment) -> None:
    """Record the authorised payment on its order, or as voiding if the order was cancelled
    while Stripe authorised: a compare-and-set on the replica, which order.cancelled writes
    too, so one of the two sees the other."""
    owner = RelationTuple("Payment", payment.id, "owners", payment.user_id)
    parent = RelationTuple("Payment", payment.id, "parents", order.id)
    for _ in range(LOOKS):
        rules.recorded(order, payment)
        writes = [Save(order)] if payment.status == PaymentStatus.AUTHORIZED else []
        try:
            await ctx.store.commit(
                *writes, Insert(payment, rules.authorized_event), Grant(owner, parent)
            )
            return
        except StaleVersion:  # the order changed while Stripe authorised: look again
            order = await found(ctx.store, OrderReplica, order.id, "order")
        except DuplicateKeyError:  # a concurrent request for the same attempt recorded it
            raise Conflict("the order is paid already") from None
    raise Conflict("the order keeps changing; try again")


async def get(ctx: Context, user_id: str, payment_id: str) -> Payment:
    payment = await found(ctx.store, Payment, payment_id, "payment")
    if not await ctx.permissions.check("Payment", payment_id, "view", user_id):
        raise Forbidden("only the payer and the seller may see a payment")
    return payment


# --- settling: capture or void, as the orders service decided -----------------------------


async def decide(ctx: Context, charges: Charges, payment: Payment, decision: PaymentStatus) -> None:
    """Record ``decision`` (capturing or voiding) for an authorised payment, then settle it with
    Stripe. Idempotent: a redelivered event settles what an earlier delivery decided but could
    not finish."""
    for _ in range(LOOKS):
        if not rules.decided(payment, decision):
            break
        try:
            await ctx.store.commit(Save(payment))
            break
        except StaleVersion:
            payment = await found(ctx.store, Payment, payment.id, "payment")
    if payment.status == decision:
        await settle_now(ctx, charges, payment)


async def settle(ctx: Context, charges: Charges, payment: Payment) -> None:
    """Tell Stripe what was decided for ``payment``, then record that it is done."""
    if payment.status == PaymentStatus.CAPTURING:
        await charges.capture(payment.stripe_id, payment.id)
    elif payment.status == PaymentStatus.VOIDING:
        await charges.void(payment.stripe_id, payment.id)
    else:
        return
    payment.status = rules.SETTLED[payment.status]
    with contextlib.suppress(StaleVersion):  # another settler recorded it first
        await ctx.store.commit(Save(payment))


async def settle_now(ctx: Context, charges: Charges, payment: Payment) -> None:
    """Settle if Stripe answers; if not, the decision is recorded and ``settle_pending``
    retries it, so a Stripe outage delays a capture or a void but never loses it."""
    try:
        await settle(ctx, charges, payment)
    except DomainError as exc:
        log.warning("settling deferred", payment_id=payment.id, error=exc.detail)


async def settle_pending(ctx: Context, charges: Charges) -> None:
    """Retry every decision Stripe has not confirmed yet."""
    for status in rules.SETTLED:
        for payment in await ctx.store.find(Payment, status=status):
            await settle_now(ctx, charges, payment)


# --- the order replica and the decisions it brings --------------------------------------------


async def add_order(ctx: Context, event: events.OrderCreated) -> None:
    await insert_once(ctx.store, rules.replica_of(event))


async def order_completed(
    ctx: Context, charges: Charges, terms: Terms, event: events.OrderCompleted
) -> None:
    """Capture the payment, and book the seller's share of the sale."""
    await apply_next(ctx.store, OrderReplica, event, rules.completed)
    payment = await ctx.store.get(Payment, event.payment_id)
    if payment is not None:
        await decide(ctx, charges, payment, PaymentStatus.CAPTURING)
        await payouts.book(ctx, terms, payment.id)


async def order_cancelled(ctx: Context, charges: Charges, event: events.OrderCancelled) -> None:
    await apply_next(ctx.store, OrderReplica, event, rules.cancelled)
    for payment in await ctx.store.find(Payment, order_id=event.id):
        await decide(ctx, charges, payment, PaymentStatus.VOIDING)


async def ticket_admitted(ctx: Context, event: events.TicketAdmitted) -> None:
    """Remember that the holder got in with the ticket (they cannot say they were refused)."""
    with contextlib.suppress(DuplicateKeyError):  # a duplicate event
        await ctx.store.commit(Insert(rules.admission(event)))
