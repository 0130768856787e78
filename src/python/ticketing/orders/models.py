from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import uuid4

from beanie import DecimalAnnotation
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from ticketing.shared.events import DisputeStatus, OrderStatus, TicketStatus
from ticketing.shared.persistence import VersionedDocument
from ticketing.shared.replicas import Replica

ACTIVE = [OrderStatus.CREATED, OrderStatus.COMPLETE]


class TicketReplica(Replica):
    """What orders knows of a ticket, from the tickets service's events."""

    title: str
    price: DecimalAnnotation
    user_id: str  # its holder
    status: TicketStatus = TicketStatus.WAITING_MODERATION
    event_starts_at: datetime | None = None
    sales: int = 0  # times sold: each sale starts a new holding

    class Settings:
        name = "tickets"


@dataclass(frozen=True)
class OrderedTicket:
    id: str
    title: str
    price: Decimal


class Order(VersionedDocument):
    id: str = Field(default_factory=lambda: str(uuid4()))  # type: ignore[assignment]
    user_id: str
    status: OrderStatus = OrderStatus.CREATED
    expires_at: datetime
    ticket_id: str
    ticket_title: str
    ticket_price: DecimalAnnotation
    seller_id: str | None = None  # the ticket's holder when it was ordered (None before kept)
    ticket_sales: int = 0  # the ticket's holding it was ordered in (its times sold then)
    event_starts_at: datetime | None = None  # the ticket's event (payments dates payouts by it)
    payment_id: str | None = None  # the payment that completed it
    # After completion, from payments: the buyer's dispute and its latest step (by the
    # dispute's version), and whether the sale was refunded. A complete order announces
    # nothing more, so these writes never move an order event's version.
    dispute_id: str | None = None
    dispute_status: DisputeStatus | None = None
    dispute_version: int = -1
    refunded: bool = False
    created_at: datetime  # from the injected clock (shared/clock.py)

    class Settings:
        name = "orders"
        indexes = [
            # The double-booking guard: at most one active (open or complete) order per ticket
            # and holding, enforced by the database, so of two buyers racing for one ticket
            # exactly one insert succeeds, and a sold ticket is sold again only by its new
            # holder (a later holding).
            IndexModel(
                [("ticket_id", ASCENDING), ("ticket_sales", ASCENDING)],
                name="one_active_order_per_holding",
                unique=True,
                partialFilterExpression={"status": {"$in": [str(s) for s in ACTIVE]}},
            ),
            IndexModel([("user_id", ASCENDING), ("created_at", ASCENDING)]),
        ]

    @property
    def ticket(self) -> OrderedTicket:
        """The ticket as it was when ordered."""
        return OrderedTicket(self.ticket_id, self.ticket_title, self.ticket_price)
