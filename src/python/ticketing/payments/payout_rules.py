"""Payout rules as plain functions over plain values: the platform's fee and the seller's
share of a sale, when the share is released, and what a payout becomes on each step
(docs/payments.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ticketing.payments.models import OrderReplica, Payment, Payout, PayoutAccount, PayoutStatus
from ticketing.payments.rules import cents
from ticketing.shared import events
from ticketing.shared.errors import NotFound


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
