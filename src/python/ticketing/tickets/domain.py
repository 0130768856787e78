"""Ticket rules: listing, editing, reserving and releasing, moderation verdicts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any

from bson import Decimal128
from pymongo.asynchronous.client_session import AsyncClientSession

from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from ticketing.shared.messaging import RetryLater
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.persistence import StaleVersion, found
from ticketing.shared.platform import Platform
from ticketing.tickets.models import Ticket

TITLE_MAX = 120
SEARCH_MAX = 100  # characters of a title search: far below MongoDB's pattern length limit
PRICE_MAX = Decimal("1000000")
# Stripe's minimum charge in USD is 0.50: a cheaper ticket could never be paid for.
PRICE_RULE = (
    "a decimal string from 0.50 (Stripe's minimum charge in USD) to 1000000, with at most two"
    ' decimals, e.g. "12.50"'
)

# The title and price rules as patterns, so the OpenAPI document states them exactly (JSON
# Schema's dialect: character classes and alternation only). A title is made of characters
# that are not control characters (terminal escape sequences start with one) nor
# text-direction overrides, and at least one of them is visible: not a space, not a
# zero-width or other invisible format character.
_NOT_ALLOWED = "\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069"
_INVISIBLE = (
    " \\xa0\\xad\\u034f\\u061c\\u115f\\u1160\\u1680\\u17b4\\u17b5\\u180e\\u2000-\\u200f"
    "\\u2028\\u2029\\u202f\\u205f-\\u2064\\u206a-\\u206f\\u3000\\u3164\\ufeff\\uffa0"
)
TITLE_PATTERN = f"^[^{_NOT_ALLOWED}]*[^{_NOT_ALLOWED}{_INVISIBLE}][^{_NOT_ALLOWED}]*$"
# PRICE_RULE as a pattern: money never goes through a binary float.
PRICE_PATTERN = "^(0\\.[5-9][0-9]?|[1-9][0-9]{0,5}(\\.[0-9]{1,2})?|1000000(\\.00?)?)$"
_TITLE = re.compile(TITLE_PATTERN.removeprefix("^").removesuffix("$"))
_NOT_ALLOWED_CHARACTER = re.compile(f"[{_NOT_ALLOWED}]")
_PRICE = re.compile(PRICE_PATTERN.removeprefix("^").removesuffix("$"))


def checked_title(title: str) -> str:
    """The title with each run of spaces made one, or InvalidInput naming the rule."""
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"title must be at most {TITLE_MAX} characters", field="title")
    if _NOT_ALLOWED_CHARACTER.search(title):
        raise InvalidInput(
            "title must not contain control characters (line breaks and tabs included) or"
            " text-direction overrides",
            field="title",
        )
    if not _TITLE.fullmatch(title):
        raise InvalidInput("title must contain a visible character", field="title")
    return " ".join(title.split())


def checked_price(price: str) -> Decimal:
    if not _PRICE.fullmatch(price):
        raise InvalidInput(f"price must be {PRICE_RULE}", field="price")
    return Decimal(price).quantize(Decimal("0.01"))


def updated_event(ticket: Ticket, title_changed: bool) -> events.TicketUpdated:
    return events.from_attributes(events.TicketUpdated, ticket, title_changed=title_changed)


async def create(platform: Platform, user_id: str, title: str, price: str) -> Ticket:
    ticket = Ticket(title=checked_title(title), price=checked_price(price), user_id=user_id)

    async def write(session: AsyncClientSession) -> None:
        await ticket.insert(session=session)
        created = events.from_attributes(events.TicketCreated, ticket)
        await platform.outbox.add_event(created, session)
        await platform.outbox.grant(
            [RelationTuple("Ticket", ticket.id, "owners", user_id)], session
        )

    await platform.commit(write)
    platform.metrics.counter("ticketing_tickets_listed", "Tickets listed").inc()
    return ticket


async def get(ticket_id: str) -> Ticket:
    return await found(Ticket, ticket_id, "ticket")


# Reads answer from the stored document as the driver returns it (Beanie's encoding: ``_id``,
# Decimal128 prices), only the fields an answer or a cursor needs: no Beanie document, no
# validation of what this service wrote itself, no copy per field (bench:edge measures it).
# Writes still go through ``Ticket``.
READ_FIELDS = [
    "title",
    "price",
    "user_id",
    "order_id",
    "status",
    "status_reason",
    "version",
    "created_at",
]


async def read(ticket_id: str) -> dict[str, Any]:
    """The stored ticket ``ticket_id`` (READ_FIELDS), or NotFound."""
    stored = await Ticket.get_pymongo_collection().find_one({"_id": ticket_id}, READ_FIELDS)
    if stored is None:
        raise NotFound(f"no ticket {ticket_id}")
    return stored


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
    results: list[dict[str, Any]]  # stored tickets, as ``read`` returns them
    next: str | None  # the cursor of the next page, None on the last


# A cursor is the last ticket's sort key and id: "<key>.<id>", the key in whole milliseconds
# (date orders) or cents (price orders). Any string of this shape names a place in the order,
# so the OpenAPI pattern says exactly which cursors are valid.
CURSOR_PATTERN = "^[0-9]{1,14}\\.[0-9a-f-]{1,36}$"
_CURSOR = re.compile(CURSOR_PATTERN.removeprefix("^").removesuffix("$"))


def encode_cursor(sort: Sort, ticket: dict[str, Any]) -> str:
    """The cursor after ``ticket``, a stored ticket as ``read`` returns it."""
    field, _ = SORT_KEYS[sort]
    if field == "created_at":
        key = int(ticket["created_at"].replace(tzinfo=UTC).timestamp() * 1000)
    else:
        key = int(ticket["price"].to_decimal() * 100)
    return f"{key}.{ticket['_id']}"


def decode_cursor(sort: Sort, cursor: str) -> tuple[datetime | Decimal128, str]:
    if not _CURSOR.fullmatch(cursor):
        raise InvalidInput("cursor must be the `next` of a page", field="cursor")
    key, ticket_id = cursor.split(".", 1)
    field, _ = SORT_KEYS[sort]
    if field == "created_at":
        return datetime.fromtimestamp(int(key) / 1000, UTC), ticket_id
    return Decimal128((Decimal(int(key)) / 100).quantize(Decimal("0.01"))), ticket_id


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
    order = [(field, direction), ("_id", direction)]
    stored = (
        await Ticket.get_pymongo_collection()
        .find(query, READ_FIELDS, sort=order, skip=offset, limit=limit + 1)
        .to_list()
    )
    more = len(stored) > limit
    return Page(stored[:limit], encode_cursor(sort, stored[limit - 1]) if more else None)


async def update(
    platform: Platform, user_id: str, ticket_id: str, title: str, price: str
) -> Ticket:
    ticket = await get(ticket_id)
    if not await platform.permissions.check("Ticket", ticket_id, "edit", user_id):
        raise Forbidden("only the ticket's owner may edit it")
    if ticket.order_id is not None:
        raise Conflict("the ticket is reserved by an open order and cannot be edited")
    title = checked_title(title)
    title_changed = title != ticket.title
    ticket.title, ticket.price = title, checked_price(price)
    if title_changed:  # a new title is screened again before anyone can order it
        ticket.status, ticket.status_reason = events.TicketStatus.WAITING_MODERATION, None
        ticket.title_version = ticket.version + 1  # the version this save creates

    try:
        await platform.save(ticket, partial(updated_event, title_changed=title_changed))
    except StaleVersion:
        raise Conflict("the ticket changed while you were editing it; reload and retry") from None
    return ticket


def _updated(ticket: Ticket) -> events.Event:
    return updated_event(ticket, title_changed=False)


async def reserve(platform: Platform, event: events.OrderCreated) -> None:
    ticket = await get(event.ticket.id)
    if ticket.order_id == event.id or event.id in ticket.released_order_ids:
        return  # a duplicate, or an order already cancelled
    if ticket.order_id is not None:
        raise RetryLater(f"ticket {ticket.id} still held by order {ticket.order_id}")
    ticket.order_id = event.id
    await platform.save(ticket, _updated)


async def release(platform: Platform, event: events.OrderCancelled) -> None:
    ticket = await get(event.ticket_id)
    if event.id in ticket.released_order_ids:
        return  # a duplicate
    ticket.released_order_ids.append(event.id)
    if ticket.order_id == event.id:
        ticket.order_id = None
    await platform.save(ticket, _updated)


async def apply_verdict(platform: Platform, event: events.Verdict) -> None:
    ticket = await get(event.id)
    if event.version != ticket.title_version:
        return  # a verdict on a title that has since changed: the new title is being screened
    status = event.STATUS
    reason = event.reason if isinstance(event, events.TicketRejected) else None
    if (ticket.status, ticket.status_reason) == (status, reason):
        return  # a duplicate
    ticket.status, ticket.status_reason = status, reason
    await platform.save(ticket, _updated)
