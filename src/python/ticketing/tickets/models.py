from datetime import datetime
from typing import Self

from beanie import DecimalAnnotation, Document
from pydantic import BaseModel, Field, model_validator
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession

from ticketing.shared.events import TicketStatus
from ticketing.shared.ids import time_ordered, time_ordered_alias
from ticketing.shared.persistence import VersionedDocument


class Holding(BaseModel):
    """One link of a ticket's chain of holders: who, since when, by which order (None for the
    one who first listed it)."""

    user_id: str
    since: datetime
    order_id: str | None = None


def sale_ends_at(
    status: TicketStatus, order_id: str | None, event_starts_at: datetime | None
) -> datetime | None:
    """Until when a ticket can be bought (``Ticket.for_sale_until``)."""
    buyable = status == TicketStatus.APPROVED and order_id is None
    return event_starts_at if buyable else None


class Ticket(VersionedDocument):
    # A UUIDv7 of created_at (shared/ids.py): the primary key's order is the listing order.
    id: str = ""  # type: ignore[assignment]
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
    # Its place in the newest-first list (one value, the list's cursor): its id, time-ordered.
    # Tickets listed before ids were (uuid4) get a UUIDv7 of their created_at instead, made
    # from their id the same way every time: stored on their next save and by
    # tickets.listing.key_older_tickets when the service starts.
    listing_key: str = ""
    # Until when it can be bought: its event's start while it is approved by moderation and no
    # open order reserves it, else None. Derived, on every write: the list's one condition
    # (``for_sale_until > now``, tickets.listing.search_filter), which the database answers
    # from one index instead of matching three fields of every ticket.
    for_sale_until: datetime | None = None

    @model_validator(mode="after")
    def _derived(self) -> Self:
        self.id = self.id or time_ordered(self.created_at)
        self.listing_key = self.listing_key or time_ordered_alias(self.id, self.created_at)
        self.for_sale_until = sale_ends_at(self.status, self.order_id, self.event_starts_at)
        return self

    async def save_versioned(self, session: AsyncClientSession | None = None) -> None:
        self.for_sale_until = sale_ends_at(self.status, self.order_id, self.event_starts_at)
        await super().save_versioned(session)

    class Settings:
        name = "tickets"
        # The sort orders of the listing (tickets.listing.SORT_KEYS): newest and oldest on the
        # key alone (unique in practice: 74 random bits a millisecond), the others with the id.
        indexes = [
            IndexModel([("listing_key", ASCENDING)]),
            IndexModel([("for_sale_until", ASCENDING)]),  # what can be bought
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
