from datetime import UTC, datetime
from uuid import uuid4

from beanie import DecimalAnnotation, Document, Indexed
from pydantic import Field

from ticketing.shared.events import OrderStatus


class OrderReplica(Document):
    """What payments knows of an order, from the orders service's events."""

    id: str  # type: ignore[assignment]
    version: int
    user_id: str
    status: OrderStatus
    price: DecimalAnnotation
    ticket_id: str
    expires_at: datetime
    # Bumped after each declined charge, so the next attempt gets a fresh idempotency key.
    attempt: int = 0

    class Settings:
        name = "orders"


class Payment(Document):
    id: str = Field(default_factory=lambda: str(uuid4()))  # type: ignore[assignment]
    # Unique: one payment per order, whatever races happen in front of the database.
    order_id: Indexed(str, unique=True)  # type: ignore[valid-type]
    user_id: str
    stripe_id: str
    amount_cents: int
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    class Settings:
        name = "payments"
