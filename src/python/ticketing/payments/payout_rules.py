"""Payout rules as plain functions over plain values: the platform's fee and the seller's
share of a sale, when the share is released, disputes and refunds, and what a payout becomes
on each step (docs/payments.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ticketing.payments.models import (
    Dispute,
    DisputeReason,
    OrderReplica,
    Payment,
    Payout,
    PayoutAccount,
    PayoutStatus,
)
from ticketing.payments.rules import cents
from ticketing.shared import events
from ticketing.shared.errors import Conflict, NotFound
from ticketing.shared.events import DisputeStatus, OrderStatus


@dataclass(frozen=True)
class Terms:
    """The platform's terms: a fee of ``fee_percent`` of the price plus ``fee_fixed`` (in the
    currency's main unit), and a ``hold`` after the event before the seller is paid."""

    fee_percent: Decimal
    fee_fixed: Decimal
    hold: timedelta


def fee_cents(amount_cents: int, terms: Terms) -> int:
    """The platform's fee on a price of ``amount_cents``: the percentage rounded half up to a
    cent, plus the fixed part; never more than the price."""
    share = (Decimal(amount_cents) * terms.fee_percent / 100).quantize(Decimal(1), ROUND_HALF_UP)
    return min(amount_cents, int(share) + cents(terms.fee_fixed))


def booked(
    payment: Payment, order: OrderReplica, account: PayoutAccount | None, terms: Terms
) -> Payout:
    """The ledger line of a captured ``payment``: released a hold after the event (after the
    sale, for an order that named no event), to the seller's account once they have one."""
    fee = fee_cents(payment.amount_cents, terms)
    enabled = account is not None and account.payouts_enabled
    return Payout(
        order_id=order.id,
        payment_id=payment.id,
        ticket_id=order.ticket_id,
        seller_id=order.seller_id,
        buyer_id=order.user_id,
        intent_id=payment.stripe_id,
        amount_cents=payment.amount_cents,
        fee_cents=fee,
        net_cents=payment.amount_cents - fee,
        status=PayoutStatus.SCHEDULED if enabled else PayoutStatus.PENDING,
        release_at=(order.event_starts_at or payment.created_at) + terms.hold,
        created_at=payment.created_at,
    )


def scheduled(payout: Payout) -> bool:
    """A payout waiting for its seller's account is scheduled once the account takes payouts."""
    if payout.status != PayoutStatus.PENDING:
        return False
    payout.status = PayoutStatus.SCHEDULED
    return True


def due(payout: Payout, now: datetime) -> bool:
    return payout.status == PayoutStatus.SCHEDULED and payout.release_at <= now


def transferring(payout: Payout, now: datetime) -> bool:
    """Decide to transfer a payout that is due (recorded before Stripe is called)."""
    if not due(payout, now):
        return False
    payout.status = PayoutStatus.TRANSFERRING
    return True


def paid(payout: Payout, transfer_id: str) -> None:
    payout.status = PayoutStatus.PAID
    payout.transfer_id = transfer_id


def transfer_key(payout: Payout) -> str:
    """One key per payout: however often the transfer is retried, Stripe makes one."""
    return f"payout-{payout.id}"


def check_seller(payout: Payout, user_id: str) -> None:
    """A payout is its seller's business alone: to anyone else it does not exist."""
    if payout.seller_id != user_id:
        raise NotFound(f"no payout {payout.id}")


def enabled_event(account: PayoutAccount) -> events.SellerPayoutsEnabled:
    return events.from_attributes(events.SellerPayoutsEnabled, account)


def quote(price: Decimal, terms: Terms) -> tuple[Decimal, Decimal]:
    """The fee on ``price`` and what its seller receives, in the currency's main unit."""
    amount = cents(price)
    fee = fee_cents(amount, terms)
    return Decimal(fee).scaleb(-2), Decimal(amount - fee).scaleb(-2)


# --- disputes and refunds ----------------------------------------------------------------------

UNDISPUTABLE = {
    PayoutStatus.HELD: "a dispute is open for this order already",
    PayoutStatus.TRANSFERRING: "the hold has ended: the seller is being paid",
    PayoutStatus.PAID: "the hold has ended: the seller has been paid",
    PayoutStatus.REFUNDING: "the order is being refunded",
    PayoutStatus.REVERSED: "the order was refunded",
    PayoutStatus.CANCELLED: "the order was refunded",
}
# What a refund may start from: anything but a transfer in flight or a refund begun.
REFUNDABLE = {PayoutStatus.PENDING, PayoutStatus.SCHEDULED, PayoutStatus.HELD, PayoutStatus.PAID}


def disputed(
    order: OrderReplica,
    payout: Payout,
    admitted: bool,
    reason: DisputeReason,
    message: str,
    now: datetime,
) -> Dispute:
    """The buyer's dispute of a completed sale, until the hold ends; it freezes the payout. A
    ticket that got its holder in cannot have been refused at the door."""
    if order.status != OrderStatus.COMPLETE:
        raise Conflict("only a completed order can be disputed")
    if payout.status in UNDISPUTABLE:
        raise Conflict(UNDISPUTABLE[payout.status], payout_status=payout.status)
    if now >= payout.release_at:
        raise Conflict("the hold has ended: the seller is being paid")
    if reason == DisputeReason.REFUSED_AT_DOOR and admitted:
        raise Conflict("the ticket was admitted at the door: it was not refused there")
    payout.status = PayoutStatus.HELD
    return Dispute(
        order_id=order.id,
        payout_id=payout.id,
        user_id=payout.buyer_id,
        seller_id=payout.seller_id,
        reason=reason,
        message=message,
        opened_at=now,
    )


def resolved(
    dispute: Dispute,
    payout: Payout,
    refund: bool,
    admin_id: str,
    payouts_enabled: bool,
    now: datetime,
) -> None:
    """An admin's decision: refund the buyer (the payout is refunded), or release the payout
    to the seller as it was scheduled."""
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(f"the dispute was resolved already: {dispute.status}")
    dispute.status = DisputeStatus.REFUNDED if refund else DisputeStatus.RELEASED
    dispute.resolved_at, dispute.resolved_by = now, admin_id
    if refund:
        refunding(payout)
    elif payout.status == PayoutStatus.HELD:
        payout.status = PayoutStatus.SCHEDULED if payouts_enabled else PayoutStatus.PENDING


def closed_as_refunded(dispute: Dispute, now: datetime) -> None:
    """An open dispute of a sale refunded for another reason (its event was cancelled)."""
    dispute.status = DisputeStatus.REFUNDED
    dispute.resolved_at = now


def refunding(payout: Payout) -> bool:
    """Decide to refund the sale (recorded before Stripe is called); False if it cannot be
    now (refunding already, or a transfer in flight)."""
    if payout.status not in REFUNDABLE:
        return False
    payout.status = PayoutStatus.REFUNDING
    return True


def refunded(payout: Payout, refund_id: str, reversal_id: str | None) -> None:
    payout.refund_id, payout.reversal_id = refund_id, reversal_id
    payout.status = PayoutStatus.REVERSED if payout.transfer_id else PayoutStatus.CANCELLED


def refund_keys(payout: Payout) -> tuple[str, str]:
    """The refund's and the reversal's idempotency keys: one of each per sale."""
    return f"refund-{payout.id}", f"reversal-{payout.id}"


def check_party(dispute: Dispute, user_id: str, admin: bool) -> None:
    """A dispute is seen by its buyer, its seller and admins; to anyone else it does not
    exist."""
    if not admin and user_id not in (dispute.user_id, dispute.seller_id):
        raise NotFound(f"no dispute {dispute.id}")


def opened_event(dispute: Dispute) -> events.DisputeOpened:
    return events.from_attributes(events.DisputeOpened, dispute)


def resolved_event(dispute: Dispute) -> events.DisputeResolved:
    return events.from_attributes(events.DisputeResolved, dispute)


def refunded_event(payout: Payout) -> events.PaymentRefunded | None:
    if payout.status not in (PayoutStatus.REVERSED, PayoutStatus.CANCELLED):
        return None
    reversed_ = payout.status == PayoutStatus.REVERSED
    return events.from_attributes(events.PaymentRefunded, payout, reversed=reversed_)
