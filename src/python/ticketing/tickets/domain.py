"""Ticket rules: listing, editing, reserving and releasing, moderation verdicts."""

from __future__ import annotations

import base64
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import msgspec
from beanie import SortDirection
from bson import Decimal128
from pymongo.asynchronous.client_session import AsyncClientSession

from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from ticketing.shared.messaging import RetryLater
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.persistence import StaleVersion
from ticketing.shared.platform import Platform
from ticketing.tickets.models import Ticket

TITLE_MAX = 120
# Stripe's minimum charge in USD: a cheaper ticket could never be paid for.
PRICE_MIN = Decimal("0.50")
PRICE_MAX = Decimal("1000000")
PRICE_RULE = (
    f"at least {PRICE_MIN} (Stripe's minimum charge in USD), at most {PRICE_MAX},"
    " two decimals at most"
)


SEARCH_MAX = 100  # characters of a title search: far below MongoDB's pattern length limit
# Control characters (terminal escape sequences start with one), lone surrogates, and
# text-direction overrides that make a title read differently from what it says.
_REFUSED = {"Cc", "Cs"}
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE = {"Cf", "Mn", "Me", "Zs", "Zl", "Zp"}


def checked_title(title: str) -> str:
    title = " ".join(title.split())  # any run of whitespace, line breaks included, is one space
    if not title:
        raise InvalidInput("title must not be empty", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"title must be at most {TITLE_MAX} characters", field="title")
    if any(unicodedata.category(c) in _REFUSED or c in _BIDI_CONTROLS for c in title):
        raise InvalidInput(
            "title must not contain control characters or text-direction overrides",
            field="title",
        )
    if all(unicodedata.category(c) in _INVISIBLE for c in title):
        raise InvalidInput("title must contain a visible character", field="title")
    return title


def checked_price(price: Decimal) -> Decimal:
    if (
        not price.is_finite()
        or not PRICE_MIN <= price <= PRICE_MAX
        or price.as_tuple().exponent < -2  # type: ignore[operator]
    ):
        raise InvalidInput(f"price must be {PRICE_RULE}", field="price")
    return price.quantize(Decimal("0.01"))


def updated_event(ticket: Ticket, title_changed: bool) -> events.TicketUpdated:
    return events.TicketUpdated(
        id=ticket.id,
        version=ticket.version,
        title=ticket.title,
        price=ticket.price,
        user_id=ticket.user_id,
        order_id=ticket.order_id,
        status=ticket.status,
        title_changed=title_changed,
    )


async def create(platform: Platform, user_id: str, title: str, price: Decimal) -> Ticket:
    ticket = Ticket(title=checked_title(title), price=checked_price(price), user_id=user_id)

    async def write(session: AsyncClientSession) -> None:
        await ticket.insert(session=session)
        created = events.TicketCreated(
            id=ticket.id,
            version=ticket.version,
            title=ticket.title,
            price=ticket.price,
            user_id=ticket.user_id,
            status=ticket.status,
        )
        await platform.outbox.add_event(created, session)
        await platform.outbox.grant(
            [RelationTuple("Ticket", ticket.id, "owners", user_id)], session
        )

    await platform.db.atomically(write)
    platform.metrics.counter("ticketing_tickets_listed", "Tickets listed").inc()
    await platform.outbox.flush_soon()
    return ticket


async def get(ticket_id: str) -> Ticket:
    ticket = await Ticket.get(ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    return ticket


class Sort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"


# Each order is a key and the id after it, so that pages never overlap or skip a ticket.
SORT_KEYS = {
    Sort.NEWEST: ("created_at", -1),
    Sort.OLDEST: ("created_at", 1),
    Sort.PRICE_ASC: ("price", 1),
    Sort.PRICE_DESC: ("price", -1),
}


@dataclass(frozen=True)
class Page:
    results: list[Ticket]
    next: str | None  # the cursor of the next page, None on the last


def encode_cursor(sort: Sort, ticket: Ticket) -> str:
    """An opaque cursor: the sort, and the last ticket's sort key and id."""
    field, _ = SORT_KEYS[sort]
    key = ticket.created_at.isoformat() if field == "created_at" else str(ticket.price)
    return base64.urlsafe_b64encode(msgspec.json.encode([sort.value, key, ticket.id])).decode()


def decode_cursor(sort: Sort, cursor: str) -> tuple[datetime | Decimal128, str]:
    try:
        cursor_sort, key, ticket_id = msgspec.json.decode(
            base64.urlsafe_b64decode(cursor.encode()), type=tuple[str, str, str]
        )
        field, _ = SORT_KEYS[Sort(cursor_sort)]
        value = datetime.fromisoformat(key) if field == "created_at" else Decimal128(key)
    except (ValueError, TypeError, msgspec.ValidationError, msgspec.DecodeError):
        raise InvalidInput("cursor is not one this API gave out", field="cursor") from None
    if cursor_sort != sort.value:
        raise InvalidInput("cursor belongs to another sort order", field="cursor")
    return value, ticket_id


def page_filter(sort: Sort, after: tuple[datetime | Decimal128, str] | None) -> dict[str, Any]:
    """What comes after ``after`` (key, id) in ``sort`` order: keyset pagination, so a page
    stays the same while tickets are added before it."""
    if after is None:
        return {}
    field, direction = SORT_KEYS[sort]
    beyond = "$gt" if direction == 1 else "$lt"
    key, ticket_id = after
    return {"$or": [{field: {beyond: key}}, {field: key, "_id": {beyond: ticket_id}}]}


def search_filter(
    title: str | None, min_price: Decimal | None, max_price: Decimal | None
) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if title:
        if len(title) > SEARCH_MAX:
            raise InvalidInput(f"title must be at most {SEARCH_MAX} characters", field="title")
        query["title"] = {"$regex": re.escape(title), "$options": "i"}
    for name, bound in (("min_price", min_price), ("max_price", max_price)):
        if bound is not None and not (bound.is_finite() and bound >= 0):
            raise InvalidInput(f"{name} must be a number, 0 or more", field=name)
    if min_price is not None and max_price is not None and min_price > max_price:
        raise InvalidInput("min_price must not exceed max_price", field="min_price")
    bounds = {"$gte": min_price, "$lte": max_price}
    price = {op: Decimal128(str(v)) for op, v in bounds.items() if v is not None}
    if price:
        query["price"] = price
    return query


async def search(
    title: str | None,
    sort: Sort = Sort.NEWEST,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
    limit: int = 20,
    cursor: str | None = None,
    offset: int = 0,
) -> Page:
    after = decode_cursor(sort, cursor) if cursor else None
    query = {**search_filter(title, min_price, max_price)}
    keyset = page_filter(sort, after)
    query = {"$and": [query, keyset]} if query and keyset else query or keyset
    field, direction = SORT_KEYS[sort]
    order = [(field, SortDirection(direction)), ("_id", SortDirection(direction))]
    found = await Ticket.find(query).sort(order).skip(offset).limit(limit + 1).to_list()
    more = len(found) > limit
    return Page(found[:limit], encode_cursor(sort, found[limit - 1]) if more else None)


async def update(
    platform: Platform, user_id: str, ticket_id: str, title: str, price: Decimal
) -> Ticket:
    ticket = await get(ticket_id)
    if not await platform.permissions.check("Ticket", ticket_id, "edit", user_id):
        raise Forbidden("only the ticket's owner may edit it")
    if ticket.order_id is not None:
        raise Conflict("the ticket is reserved by an open order and cannot be edited")
    title, price = checked_title(title), checked_price(price)
    title_changed = title != ticket.title
    ticket.title, ticket.price = title, price
    if title_changed:  # a new title is screened again before anyone can order it
        ticket.status, ticket.status_reason = events.TicketStatus.WAITING_MODERATION, None
        ticket.title_version = ticket.version + 1  # the version this save creates

    async def write(session: AsyncClientSession) -> None:
        await ticket.save_versioned(session)
        await platform.outbox.add_event(updated_event(ticket, title_changed), session)

    try:
        await platform.db.atomically(write)
    except StaleVersion:
        raise Conflict("the ticket changed while you were editing it; reload and retry") from None
    await platform.outbox.flush_soon()
    return ticket


async def _save_and_announce(platform: Platform, ticket: Ticket) -> None:
    async def write(session: AsyncClientSession) -> None:
        await ticket.save_versioned(session)
        await platform.outbox.add_event(updated_event(ticket, title_changed=False), session)

    await platform.db.atomically(write)
    await platform.outbox.flush_soon()


async def reserve(platform: Platform, event: events.OrderCreated) -> None:
    ticket = await get(event.ticket.id)
    if ticket.order_id == event.id or event.id in ticket.released_order_ids:
        return  # a duplicate, or an order already cancelled
    if ticket.order_id is not None:
        raise RetryLater(f"ticket {ticket.id} still held by order {ticket.order_id}")
    ticket.order_id = event.id
    await _save_and_announce(platform, ticket)


async def release(platform: Platform, event: events.OrderCancelled) -> None:
    ticket = await get(event.ticket_id)
    if event.id in ticket.released_order_ids:
        return  # a duplicate
    ticket.released_order_ids.append(event.id)
    if ticket.order_id == event.id:
        ticket.order_id = None
    await _save_and_announce(platform, ticket)


async def apply_verdict(
    platform: Platform, event: events.TicketApproved | events.TicketRejected
) -> None:
    ticket = await get(event.id)
    if event.version != ticket.title_version:
        return  # a verdict on a title that has since changed: the new title is being screened
    approved = isinstance(event, events.TicketApproved)
    status = events.TicketStatus.APPROVED if approved else events.TicketStatus.REJECTED
    reason = None if isinstance(event, events.TicketApproved) else event.reason
    if (ticket.status, ticket.status_reason) == (status, reason):
        return  # a duplicate
    ticket.status, ticket.status_reason = status, reason
    await _save_and_announce(platform, ticket)
