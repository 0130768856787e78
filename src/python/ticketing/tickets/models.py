from datetime import datetime
from uuid import uuid4

from beanie import DecimalAnnotation
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from ticketing.shared.events import TicketStatus
from ticketing.shared.persistence import VersionedDocument


class Ticket(VersionedDocument):
    id: str = Field(default_factory=lambda: str(uuid4()))  # type: ignore[assignment]
    title: str
    price: DecimalAnnotation  # stored as BSON Decimal128: exact money
    user_id: str
    order_id: str | None = None  # the open order that reserves it
    status: TicketStatus = TicketStatus.WAITING_MODERATION
    status_reason: str | None = None
    # Version at which the title was last set: moderation's verdict names it, and a verdict
    # on an older title is ignored.
    title_version: int = 0
    # Orders already cancelled, so a cancellation that overtook its creation is remembered.
    released_order_ids: list[str] = Field(default_factory=list)
    created_at: datetime  # from the injected clock (shared/clock.py)

    class Settings:
        name = "tickets"
        # The sort orders of the listing (tickets.listing.SORT_KEYS), each with the id after it.
        indexes = [
            IndexModel([("created_at", ASCENDING), ("_id", ASCENDING)]),
            IndexModel([("price", ASCENDING), ("_id", ASCENDING)]),
        ]
