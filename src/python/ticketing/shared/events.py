"""Event schemas: the contract between services (with the permission model they share, whose
tuples one service writes and another checks: ``permissions.MODEL``).

One msgspec Struct per event, and beside it the whole of its topology: its RabbitMQ routing key
(``SUBJECT``), the service that publishes it (``PUBLISHER``) and the services that consume it
(``CONSUMERS``). The broker's queues and each service's AsyncAPI document derive from these,
and the README's hand-drawn diagram is tested against them; a service may subscribe only to
what names it a consumer. Every payload carries the id of the entity it is about and that
entity's version after the change, which is what consumers use to apply events in order and
to recognise duplicates.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, TypeVar

import msgspec


class OrderStatus(StrEnum):
    """created -> complete (paid in time) or created -> cancelled (by the buyer or expiry)."""

    CREATED = "created"
    COMPLETE = "complete"
    CANCELLED = "cancelled"


class TicketStatus(StrEnum):
    """A listing is screened (waiting_moderation), then for sale (approved) or not (rejected);
    once its order completes it is sold to its buyer, who holds it (and may list it again);
    at the door it is admitted, once."""

    WAITING_MODERATION = "waiting_moderation"
    APPROVED = "approved"
    REJECTED = "rejected"
    SOLD = "sold"
    ADMITTED = "admitted"


class Event(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=False):
    """Base of every event. ``id`` is the entity id, ``version`` its version after the change."""

    SUBJECT: ClassVar[str]
    PUBLISHER: ClassVar[str]
    CONSUMERS: ClassVar[tuple[str, ...]]
    id: Annotated[str, msgspec.Meta(min_length=1)]
    version: Annotated[int, msgspec.Meta(ge=0)]


class TicketEvent(Event, frozen=True, kw_only=True):
    """What the tickets service says of a ticket: every change of it, each at its version."""

    PUBLISHER: ClassVar[str] = "tickets"
    CONSUMERS: ClassVar[tuple[str, ...]] = ("orders", "moderation")
    title: str
    price: Decimal
    user_id: str  # who holds it: the seller while listed, its buyer once sold
    status: TicketStatus = TicketStatus.WAITING_MODERATION
    # None for tickets listed before events were dated: not for sale until dated.
    event_starts_at: datetime | None = None
    sales: int = 0  # times sold: each sale starts a new holding


class TicketListed(TicketEvent, frozen=True, kw_only=True):
    """A ticket listed or changed as a listing (moderation screens a new title)."""


class TicketCreated(TicketListed, frozen=True, kw_only=True):
    SUBJECT: ClassVar[str] = "ticket.created"


class TicketUpdated(TicketListed, frozen=True, kw_only=True):
    SUBJECT: ClassVar[str] = "ticket.updated"
    order_id: str | None = None
    title_changed: bool = True


class TicketSold(TicketEvent, frozen=True, kw_only=True):
    """Order ``order_id`` completed: the ticket changed hands from ``seller_id`` to its buyer
    (``user_id``), whose code is the only one that works from now on."""

    SUBJECT: ClassVar[str] = "ticket.sold"
    CONSUMERS: ClassVar[tuple[str, ...]] = ("orders",)
    order_id: str
    seller_id: str


class TicketAdmitted(TicketEvent, frozen=True, kw_only=True):
    """The holder (``user_id``) was let in at the door with this ticket, once."""

    SUBJECT: ClassVar[str] = "ticket.admitted"
    CONSUMERS: ClassVar[tuple[str, ...]] = ("orders",)
    admitted_at: datetime


class Verdict(Event, frozen=True, kw_only=True):
    """Moderation's verdict on a ticket. ``version`` is the ticket version that was screened."""

    PUBLISHER: ClassVar[str] = "moderation"
    # Orders learns the new status from the ticket.updated that tickets announces after it.
    CONSUMERS: ClassVar[tuple[str, ...]] = ("tickets",)
    STATUS: ClassVar[TicketStatus]  # what the verdict makes the ticket
    case_id: str


class TicketApproved(Verdict, frozen=True, kw_only=True):
    SUBJECT: ClassVar[str] = "ticket.approved"
    STATUS: ClassVar[TicketStatus] = TicketStatus.APPROVED


class TicketRejected(Verdict, frozen=True, kw_only=True):
    SUBJECT: ClassVar[str] = "ticket.rejected"
    STATUS: ClassVar[TicketStatus] = TicketStatus.REJECTED
    reason: str


class OrderTicket(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    price: Decimal
    user_id: str


class OrderEvent(Event, frozen=True, kw_only=True):
    """What the orders service says of an order."""

    PUBLISHER: ClassVar[str] = "orders"


class OrderCreated(OrderEvent, frozen=True, kw_only=True):
    SUBJECT: ClassVar[str] = "order.created"
    CONSUMERS: ClassVar[tuple[str, ...]] = ("tickets", "payments", "expiration")
    status: OrderStatus
    user_id: str
    expires_at: datetime
    ticket: OrderTicket


class OrderCancelled(OrderEvent, frozen=True, kw_only=True):
    SUBJECT: ClassVar[str] = "order.cancelled"
    CONSUMERS: ClassVar[tuple[str, ...]] = ("tickets", "payments")
    ticket_id: str


class OrderCompleted(OrderEvent, frozen=True, kw_only=True):
    """Orders accepted payment ``payment_id`` for order ``id``: its money may be captured, and
    its ticket is the buyer's (``user_id``). Of order.completed and order.cancelled exactly one
    happens to an order."""

    SUBJECT: ClassVar[str] = "order.completed"
    CONSUMERS: ClassVar[tuple[str, ...]] = ("payments", "tickets")
    payment_id: str
    ticket_id: str
    user_id: str


class ExpirationComplete(Event, frozen=True, kw_only=True):
    """The reservation window of order ``id`` (at ``version``) has passed."""

    SUBJECT: ClassVar[str] = "expiration.complete"
    PUBLISHER: ClassVar[str] = "expiration"
    CONSUMERS: ClassVar[tuple[str, ...]] = ("orders",)


class PaymentAuthorized(Event, frozen=True, kw_only=True):
    """Payment ``id`` holds the price of order ``order_id`` on the buyer's card (not captured)."""

    SUBJECT: ClassVar[str] = "payment.authorized"
    PUBLISHER: ClassVar[str] = "payments"
    CONSUMERS: ClassVar[tuple[str, ...]] = ("orders",)
    order_id: str


ALL_EVENTS: tuple[type[Event], ...] = (
    TicketCreated,
    TicketUpdated,
    TicketSold,
    TicketAdmitted,
    TicketApproved,
    TicketRejected,
    OrderCreated,
    OrderCancelled,
    OrderCompleted,
    ExpirationComplete,
    PaymentAuthorized,
)
BY_SUBJECT: dict[str, type[Event]] = {event.SUBJECT: event for event in ALL_EVENTS}

E = TypeVar("E", bound=Event)


class MalformedEvent(ValueError):
    """A payload that does not match its event schema (a poison message)."""


def from_attributes(event_type: type[E], source: object, **given: Any) -> E:
    """The event read off ``source`` (a document): each field from its attribute of the same
    name, unless ``given``."""
    names = (f.name for f in msgspec.structs.fields(event_type) if f.name not in given)
    found = {name: getattr(source, name) for name in names if hasattr(source, name)}
    return msgspec.convert(found | given, event_type)


def encode(event: Event) -> bytes:
    return msgspec.json.encode(event)


def decode(payload: bytes, event_type: type[E]) -> E:
    try:
        return msgspec.json.decode(payload, type=event_type)
    except msgspec.DecodeError as exc:  # ValidationError is a DecodeError
        raise MalformedEvent(f"{event_type.SUBJECT}: {exc}") from exc


def json_schema(event_type: type[Event]) -> dict[str, Any]:
    """JSON Schema of an event payload, for the AsyncAPI documents."""
    return msgspec.json.schema(event_type)
