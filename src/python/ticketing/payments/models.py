from datetime import datetime
from enum import StrEnum
from uuid import uuid4

from beanie import DecimalAnnotation
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from ticketing.shared.events import OrderStatus
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
