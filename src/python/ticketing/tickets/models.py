from datetime import datetime
from uuid import uuid4

from beanie import DecimalAnnotation, Document
from pydantic import BaseModel, Field
from pymongo import ASCENDING, IndexModel

from ticketing.shared.events import TicketStatus
from ticketing.shared.persistence import VersionedDocument


class Holding(BaseModel):
    """One link of a ticket's chain of holders: who, since when, by which order (None for the
    one who first listed it)."""

    user_id: str
    since: datetime
    order_id: str | None = None


class Ticket(VersionedDocument):
    id: str = Field(default_factory=lambda: str(uuid4()))  # type: ignore[assignment]
    title: str
    price: DecimalAnnotation  # stored as BSON Decimal128: exact money
    user_id: str  # who holds it: the seller while listed, its buyer once sold
    # The event and the price printed on the ticket. None on tickets listed before they were
    # kept: such a ticket is not for sale until its owner dates it (and the cap applies once
    # its face value is set).
    event_starts_at: datetime | None = None
    venue: str | None = None
    face_value: DecimalAnnotation | None = None
    order_id: str | None = None  # the open order that reserves it
    status: TicketStatus = TicketStatus.WAITING_MODERATION
    status_reason: str | None = None
    # Version at which the title was last set: moderation's verdict names it, and a verdict
    # on an older title is ignored.
    title_version: int = 0
    # Orders already cancelled, so a cancellation that overtook its creation is remembered.
    released_order_ids: list[str] = Field(default_factory=list)
    # Every holder so far, the current one last (empty on tickets listed before it was kept).
    holders: list[Holding] = Field(default_factory=list)
    # Times sold. Each sale starts a new holding: codes carry it as their version, so an earlier
    # holder's code is void, and orders allow one order per ticket and holding.
    sales: int = 0
    admitted_at: datetime | None = None  # let in at the door (once)
    created_at: datetime  # from the injected clock (shared/clock.py)

    class Settings:
        name = "tickets"
        # The sort orders of the listing (tickets.listing.SORT_KEYS), each with the id after it.
        indexes = [
            IndexModel([("created_at", ASCENDING), ("_id", ASCENDING)]),
            IndexModel([("price", ASCENDING), ("_id", ASCENDING)]),
            IndexModel([("event_starts_at", ASCENDING), ("_id", ASCENDING)]),
            IndexModel([("user_id", ASCENDING), ("event_starts_at", ASCENDING)]),  # mine
        ]


class Payee(Document):
    """A seller whose payout account takes payouts (from payments' seller.payouts_enabled);
    the id is the user's."""

    id: str  # type: ignore[assignment]
    stripe_account_id: str

    class Settings:
        name = "payees"
