from datetime import datetime
from enum import StrEnum
from uuid import uuid4

from beanie import DecimalAnnotation, Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from ticketing.shared.events import DisputeStatus, OrderStatus
from ticketing.shared.persistence import VersionedDocument
from ticketing.shared.replicas import Replica


class OrderReplica(Replica):
    """What payments knows of an order, from the orders service's events, and what paying for
    it has done so far."""

    user_id: str
    status: OrderStatus
    price: DecimalAnnotation
    ticket_id: str
    expires_at: datetime
    # Bumped after each declined charge, so the next attempt gets a fresh idempotency key.
    attempt: int = 0
    # The payment recorded for it: written in the payment's transaction, a compare-and-set on
    # the replica, so recording a payment and applying the order's cancellation cannot pass
    # each other unseen.
    payment_id: str | None = None
    seller_id: str = ""  # the ticket's holder when it was ordered: who is paid
    event_starts_at: datetime | None = None  # the payout is released a hold after it

    class Settings:
        name = "orders"


class PaymentStatus(StrEnum):
    """authorized -> capturing -> captured, or authorized -> voiding -> voided.

    ``capturing`` and ``voiding`` are decisions taken (by the orders service's events) that
    Stripe has not confirmed yet; they are retried until it does.
    """

    AUTHORIZED = "authorized"
    CAPTURING = "capturing"
    CAPTURED = "captured"
    VOIDING = "voiding"
    VOIDED = "voided"


SETTLING = {
    PaymentStatus.CAPTURING: PaymentStatus.CAPTURED,
    PaymentStatus.VOIDING: PaymentStatus.VOIDED,
}


class Payment(VersionedDocument):
    id: str = Field(default_factory=lambda: str(uuid4()))  # type: ignore[assignment]
    order_id: str
    user_id: str
    stripe_id: str  # the PaymentIntent
    amount_cents: int
    status: PaymentStatus = PaymentStatus.AUTHORIZED
    created_at: datetime  # from the injected clock (shared/clock.py)

    class Settings:
        name = "payments"
        indexes = [
            # One payment per order, whatever races happen in front of the database.
            IndexModel([("order_id", ASCENDING)], unique=True),
            IndexModel([("status", ASCENDING)]),
        ]


class PayoutAccount(VersionedDocument):
    """A seller's Stripe Connect (Express) account; the id is the seller's user id."""

    id: str  # type: ignore[assignment]
    stripe_account_id: str
    payouts_enabled: bool = False  # onboarding finished: Stripe may pay the seller out
    created_at: datetime

    class Settings:
        name = "payout_accounts"


class PayoutStatus(StrEnum):
    """What the seller's share of one sale is doing (docs/payments.md has the diagram)."""

    PENDING = "pending"  # waiting for the seller's payout account
    SCHEDULED = "scheduled"  # to be transferred at release_at
    HELD = "held"  # frozen by an open dispute
    TRANSFERRING = "transferring"  # the transfer is decided; Stripe has not confirmed it yet
    PAID = "paid"  # transferred to the seller's account
    REFUNDING = "refunding"  # the buyer is being refunded (and a transfer reversed)
    REVERSED = "reversed"  # refunded after the transfer, which was reversed
    CANCELLED = "cancelled"  # refunded before any transfer: the seller gets nothing


class Payout(VersionedDocument):
    """The ledger line of one captured payment: the buyer paid ``amount_cents`` (P), the
    platform keeps ``fee_cents`` (F), the seller is owed ``net_cents`` (P - F)."""

    id: str = Field(default_factory=lambda: str(uuid4()))  # type: ignore[assignment]
    order_id: str
    payment_id: str
    ticket_id: str
    seller_id: str
    buyer_id: str
    intent_id: str  # the buyer's PaymentIntent: its charge is the transfer's source_transaction
    amount_cents: int
    fee_cents: int
    net_cents: int
    status: PayoutStatus
    release_at: datetime  # the event's start plus the hold
    transfer_id: str | None = None
    refund_id: str | None = None
    reversal_id: str | None = None
    created_at: datetime

    class Settings:
        name = "payouts"
        indexes = [
            IndexModel([("order_id", ASCENDING)], unique=True),  # one payout per sale
            IndexModel([("status", ASCENDING), ("release_at", ASCENDING)]),
            IndexModel([("seller_id", ASCENDING), ("created_at", ASCENDING)]),
            IndexModel([("ticket_id", ASCENDING)]),
        ]


class Admission(Document):
    """A holder got in at the door with a ticket (from ticket.admitted)."""

    id: str  # type: ignore[assignment]  # key(ticket_id, holder)
    admitted_at: datetime

    @staticmethod
    def key(ticket_id: str, holder_id: str) -> str:
        return f"{ticket_id}:{holder_id}"

    class Settings:
        name = "admissions"


class DisputeReason(StrEnum):
    REFUSED_AT_DOOR = "refused_at_door"
    NOT_AS_DESCRIBED = "not_as_described"
    OTHER = "other"


class Dispute(VersionedDocument):
    """A buyer's complaint about a sale, resolved by an admin (docs/payments.md)."""

    id: str = Field(default_factory=lambda: str(uuid4()))  # type: ignore[assignment]
    order_id: str
    payout_id: str
    user_id: str  # the buyer who opened it
    seller_id: str
    reason: DisputeReason
    message: str
    status: DisputeStatus = DisputeStatus.OPEN
    opened_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str | None = None

    class Settings:
        name = "disputes"
        indexes = [
            IndexModel([("order_id", ASCENDING)], unique=True),  # one dispute per sale
            IndexModel([("status", ASCENDING), ("opened_at", ASCENDING)]),
        ]
