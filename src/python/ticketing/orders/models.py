from datetime import UTC, datetime
from uuid import uuid4

from beanie import DecimalAnnotation, Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from ticketing.shared.events import OrderStatus, TicketStatus
from ticketing.shared.persistence import VersionedDocument

ACTIVE = [OrderStatus.CREATED, OrderStatus.COMPLETE]


class TicketReplica(Document):
    """What orders knows of a ticket, from the tickets service's events (a replicas.Replica)."""

    id: str  # type: ignore[assignment]
    version: int
    title: str
    price: DecimalAnnotation
    user_id: str
    status: TicketStatus = TicketStatus.WAITING_MODERATION

    class Settings:
        name = "tickets"


class Order(VersionedDocument):
    id: str = Field(default_factory=lambda: str(uuid4()))  # type: ignore[assignment]
    user_id: str
    status: OrderStatus = OrderStatus.CREATED
    expires_at: datetime
    ticket_id: str
    ticket_title: str
    ticket_price: DecimalAnnotation
    payment_id: str | None = None  # the payment that completed it
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    class Settings:
        name = "orders"
        indexes = [
            # The double-booking guard: at most one active order per ticket, enforced by the
            # database, so of two buyers racing for one ticket exactly one insert succeeds.
            IndexModel(
                [("ticket_id", ASCENDING)],
                name="one_active_order_per_ticket",
                unique=True,
                partialFilterExpression={"status": {"$in": [str(s) for s in ACTIVE]}},
            ),
            IndexModel([("user_id", ASCENDING), ("created_at", ASCENDING)]),
        ]
