"""What payments does for buyers: disputes of a sale until the hold ends, their resolution by
admins, refunds (with the transfer reversed if the seller was paid already), and the refund of
every sale of a ticket whose event was cancelled (docs/payments.md)."""

from __future__ import annotations

import contextlib

import structlog

from ticketing.payments import payout_rules as rules
from ticketing.payments.connect import Connect
from ticketing.payments.models import (
    Admission,
    Dispute,
    DisputeReason,
    OrderReplica,
    Payout,
    PayoutAccount,
    PayoutStatus,
)
from ticketing.shared.context import Context
from ticketing.shared.errors import Conflict, DomainError, Forbidden
from ticketing.shared.events import DisputeStatus
from ticketing.shared.permissions import ADMIN_GROUP
from ticketing.shared.persistence import DuplicateKeyError, StaleVersion
from ticketing.shared.replicas import LOOKS
from ticketing.shared.store import Insert, Save, Write, found

log = structlog.get_logger(__name__)


async def _payout_of(ctx: Context, order_id: str) -> Payout:
    for payout in await ctx.store.find(Payout, order_id=order_id):
        return payout
    raise Conflict("the order has not been paid for yet")


async def open_dispute(
    ctx: Context, user_id: str, order_id: str, reason: DisputeReason, message: str
) -> Dispute:
    """The buyer disputes their completed order: the seller's payout is frozen until an admin
    decides."""
    order = await found(ctx.store, OrderReplica, order_id, "order")
    if not await ctx.permissions.check("Order", order_id, "edit", user_id):
        raise Forbidden("only the order's buyer may dispute it")
    admitted = await ctx.store.get(Admission, Admission.key(order.ticket_id, user_id))
    for _ in range(LOOKS):
        payout = await _payout_of(ctx, order_id)
        dispute = rules.disputed(
            order, payout, admitted is not None, reason, message, ctx.clock.now()
        )
        try:
            await ctx.store.commit(Save(payout), Insert(dispute, rules.opened_event))
        except StaleVersion:  # the payout moved (released, refunded): look again
            continue
        except DuplicateKeyError:
            raise Conflict("a dispute is open for this order already") from None
        return dispute
    raise Conflict("the order keeps changing; try again")


async def _is_admin(ctx: Context, user_id: str) -> bool:
    return await ctx.permissions.check("Group", ADMIN_GROUP, "members", user_id)


async def dispute(ctx: Context, user_id: str, dispute_id: str) -> Dispute:
    found_dispute = await found(ctx.store, Dispute, dispute_id, "dispute")
    rules.check_party(found_dispute, user_id, await _is_admin(ctx, user_id))
    return found_dispute


async def disputes(ctx: Context, status: DisputeStatus) -> list[Dispute]:
    """For admins: the disputes in ``status``, oldest first."""
    return await ctx.store.find(Dispute, sort=["opened_at", "id"], status=status)


async def resolve(
    ctx: Context, connect: Connect, admin_id: str, dispute_id: str, refund: bool
) -> Dispute:
    """An admin refunds the buyer or releases the payout; the refund is made at once if
    Stripe answers, and retried by the sweep if not."""
    for _ in range(LOOKS):
        decided = await found(ctx.store, Dispute, dispute_id, "dispute")
        payout = await found(ctx.store, Payout, decided.payout_id, "payout")
        account = await ctx.store.get(PayoutAccount, payout.seller_id)
        enabled = account is not None and account.payouts_enabled
        rules.resolved(decided, payout, refund, admin_id, enabled, ctx.clock.now())
        try:
            await ctx.store.commit(Save(decided, rules.resolved_event), Save(payout))
        except StaleVersion:
            continue
        if payout.status == PayoutStatus.REFUNDING:
            await refund_now(ctx, connect, payout)
        return decided
    raise Conflict("the dispute keeps changing; try again")


async def cancel_event(ctx: Context, connect: Connect, ticket_id: str) -> list[Payout]:
    """The ticket's event was cancelled: every sale of it is refunded in full (reversing what
    was transferred), its open disputes are closed as refunded, nothing more is paid out. A
    transfer in flight is left to finish; cancelling again then reverses it."""
    for payout in await ctx.store.find(Payout, ticket_id=ticket_id):
        for _ in range(LOOKS):
            if not rules.refunding(payout):
                break
            writes: list[Write] = [Save(payout)]
            for open_one in await ctx.store.find(
                Dispute, order_id=payout.order_id, status=DisputeStatus.OPEN
            ):
                rules.closed_as_refunded(open_one, ctx.clock.now())
                writes.append(Save(open_one, rules.resolved_event))
            try:
                await ctx.store.commit(*writes)
            except StaleVersion:
                payout = await found(ctx.store, Payout, payout.id, "payout")
                continue
            await refund_now(ctx, connect, payout)
            break
    return await ctx.store.find(Payout, sort=["created_at", "id"], ticket_id=ticket_id)


async def refund_now(ctx: Context, connect: Connect, payout: Payout) -> None:
    """Refund the buyer the price and reverse the transfer, if there was one, each with its own
    idempotency key; if Stripe does not answer, the payout stays refunding and the sweep
    retries."""
    refund_key, reversal_key = rules.refund_keys(payout)
    try:
        refund_id = await connect.refund(payout.intent_id, payout.amount_cents, refund_key)
        reversal_id = None
        if payout.transfer_id is not None:
            reversal_id = await connect.reverse(payout.transfer_id, reversal_key)
    except DomainError as exc:
        log.warning("refund deferred", payout_id=payout.id, error=exc.detail)
        return
    rules.refunded(payout, refund_id, reversal_id)
    with contextlib.suppress(StaleVersion):  # another sweep recorded the same refund
        await ctx.store.commit(Save(payout, rules.refunded_event))
    ctx.metrics.counter("ticketing_payments_refunded", "Sales refunded to the buyer").inc()


async def refund_pending(ctx: Context, connect: Connect) -> None:
    """Retry every refund Stripe has not confirmed yet."""
    for payout in await ctx.store.find(Payout, status=PayoutStatus.REFUNDING):
        await refund_now(ctx, connect, payout)
