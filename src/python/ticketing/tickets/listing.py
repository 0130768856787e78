"""The public list of tickets and one ticket's page: reads straight from the database, only
the fields an answer or a cursor needs, without building documents (bench:edge measures
them). Keyset pagination: a page stays the same while tickets are added before it.

By default the list holds only what can be bought: approved by moderation, not reserved by an
open order, its event still to come. ``for_sale=false`` lists every ticket."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any
from uuid import UUID

from bson import Decimal128
from bson.codec_options import TypeDecoder, TypeRegistry
from pymongo.asynchronous.collection import AsyncCollection

from ticketing.shared.conditional import page_etag
from ticketing.shared.errors import InvalidInput, NotFound
from ticketing.shared.ids import time_ordered_alias
from ticketing.tickets.models import Ticket

SEARCH_MAX = 100  # characters of a title search: far below MongoDB's pattern length limit

# What a ticket's page shows, as stored (Beanie's encoding: ``_id``; prices are Decimal128,
# read back as Decimals by ``_decimals``).
READ_FIELDS = [
    "title",
    "price",
    "user_id",
    "order_id",
    "status",
    "status_reason",
    "version",
    "event_starts_at",
    "venue",
    "face_value",
]


@lru_cache(maxsize=4096)
def _decimal(bid: bytes) -> Decimal:
    # Decimal128.to_decimal is pure Python (about 14 us); prices repeat, their bytes are a key.
    return Decimal128.from_bid(bid).to_decimal()


class _Decimal(TypeDecoder):
    bson_type = Decimal128

    def transform_bson(self, value: Any) -> Decimal:
        return _decimal(value.bid)


@cache
def _decimals(tickets: AsyncCollection[dict[str, Any]]) -> AsyncCollection[dict[str, Any]]:
    """``tickets`` reading prices as Decimals, in the driver's decoding of each document."""
    registry = TypeRegistry([_Decimal()])
    return tickets.with_options(tickets.codec_options.with_options(type_registry=registry))


async def read(ticket_id: str) -> dict[str, Any]:
    """The stored ticket ``ticket_id`` (READ_FIELDS, prices as Decimals), or NotFound."""
    stored = await _decimals(Ticket.get_pymongo_collection()).find_one(
        {"_id": ticket_id}, READ_FIELDS
    )
    if stored is None:
        raise NotFound(f"no ticket {ticket_id}")
    return stored


class Sort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    SOONEST = "soonest"  # the event's date


# Each order is a key and, unless the key is unique, the id after it, so that pages never
# overlap or skip a ticket. Newest and oldest are the listing key's order: the primary key's
# (UUIDv7, time-ordered) for tickets listed since ids were (models.Ticket.listing_key).
SORT_KEYS = {
    Sort.NEWEST: ("listing_key", -1),
    Sort.OLDEST: ("listing_key", 1),
    Sort.PRICE_ASC: ("price", 1),
    Sort.PRICE_DESC: ("price", -1),
    Sort.SOONEST: ("event_starts_at", 1),
}
_KEYED = ("listing_key",)  # one value is the whole place in the order
_DATES = ("event_starts_at",)
LIST_FIELDS = [*READ_FIELDS, "listing_key"]  # a page's tickets: what they show and the cursor


@dataclass(frozen=True)
class Page:
    # Stored tickets (LIST_FIELDS), their ids as ``id`` and prices as Decimals: what a
    # TicketOut is converted from, the page at once.
    results: list[dict[str, Any]]
    next: str | None  # the cursor of the next page, None on the last

    @property
    def etag(self) -> str:
        return page_etag(((t["id"], t["version"]) for t in self.results), self.next)


# A cursor is the last ticket's sort key and id, "<key>.<id>": the key in whole milliseconds
# (listing key and event dates) or cents (prices). Any string of this shape names a place in
# any order, so the OpenAPI pattern says exactly which are valid. For newest and oldest the
# place is one value, the listing key, read back from the id and its millisecond (the id
# itself for a time-ordered id), so cursors handed out before listing keys still work.
CURSOR_PATTERN = "^[0-9]{1,14}\\.[0-9a-f-]{1,36}$"
_CURSOR = re.compile(CURSOR_PATTERN.removeprefix("^").removesuffix("$"))
Place = tuple[datetime | Decimal128 | str, str | None]  # a sort key, and the id if it is needed
_NO_ID = str(UUID(int=0))  # a place at the start of its millisecond


def encode_cursor(sort: Sort, ticket: dict[str, Any]) -> str:
    """The cursor after ``ticket``, one of a Page's results."""
    field, _ = SORT_KEYS[sort]
    if field in _KEYED:  # a UUIDv7's first 48 bits are its millisecond
        key = int(ticket[field][:8] + ticket[field][9:13], 16)
    elif field in _DATES:
        key = int(ticket[field].replace(tzinfo=UTC).timestamp() * 1000)
    else:
        key = int(ticket["price"] * 100)
    return f"{key}.{ticket['id']}"


def decode_cursor(sort: Sort, cursor: str) -> Place:
    if not _CURSOR.fullmatch(cursor):
        raise InvalidInput("cursor must be the `next` of a page", field="cursor")
    key, ticket_id = cursor.split(".", 1)
    field, _ = SORT_KEYS[sort]
    if field in _KEYED:
        at = datetime.fromtimestamp(int(key) / 1000, UTC)
        try:
            return time_ordered_alias(ticket_id, at), None
        except ValueError:  # not a ticket's id
            return time_ordered_alias(_NO_ID, at), None
    if field in _DATES:
        return datetime.fromtimestamp(int(key) / 1000, UTC), ticket_id
    return Decimal128((Decimal(int(key)) / 100).quantize(Decimal("0.01"))), ticket_id


def page_filter(sort: Sort, after: Place | None) -> dict[str, Any]:
    """What comes after ``after`` in ``sort`` order: keyset pagination, so a page stays the
    same while tickets are added before it."""
    if after is None:
        return {}
    field, direction = SORT_KEYS[sort]
    beyond = "$gt" if direction == 1 else "$lt"
    key, ticket_id = after
    if ticket_id is None:
        return {field: {beyond: key}}
    return {"$or": [{field: {beyond: key}}, {field: key, "_id": {beyond: ticket_id}}]}


async def key_older_tickets() -> int:
    """Stores the derived fields of the list (``listing_key``, ``for_sale_until``) on every
    ticket written without them: listed before they were, or saved since by a replica of the
    service that did not know them yet (the service runs this as it starts and every minute);
    how many it keyed. Safe to re-run and beside a running service: the model derives both
    the same way every time, and each is set only if the ticket is still without its key."""
    tickets = Ticket.get_pymongo_collection()
    keyed = 0
    async for ticket in Ticket.find({"listing_key": None}):
        derived = {"listing_key": ticket.listing_key, "for_sale_until": ticket.for_sale_until}
        missing = {"_id": ticket.id, "listing_key": None}
        keyed += (await tickets.update_one(missing, {"$set": derived})).modified_count
    return keyed


@dataclass(frozen=True)
class Search:
    """What a visitor looks for; None is anything."""

    title: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    for_sale: bool = True


def search_filter(search: Search, now: datetime) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if search.title:
        if len(search.title) > SEARCH_MAX:
            raise InvalidInput(f"title must be at most {SEARCH_MAX} characters", field="title")
        query["title"] = {"$regex": re.escape(search.title), "$options": "i"}
    for name, bound in (("min_price", search.min_price), ("max_price", search.max_price)):
        if bound is not None and not (bound.is_finite() and bound >= 0):
            raise InvalidInput(f"{name} must be a number, 0 or more", field=name)
    bounds = {"$gte": search.min_price, "$lte": search.max_price}
    price = {op: Decimal128(str(v)) for op, v in bounds.items() if v is not None}
    if price:
        query["price"] = price
    starts: dict[str, datetime] = {}
    if search.starts_after is not None:
        starts["$gte"] = search.starts_after
    if search.starts_before is not None:
        starts["$lte"] = search.starts_before
    if starts:
        query["event_starts_at"] = starts
    if search.for_sale:  # approved, not reserved, the event still to come (Ticket.sale_ends_at)
        query["for_sale_until"] = {"$gt": now}
    return query


async def search(
    criteria: Search,
    now: datetime,
    sort: Sort = Sort.NEWEST,
    limit: int = 20,
    cursor: str | None = None,
    offset: int = 0,
) -> Page:
    after = decode_cursor(sort, cursor) if cursor else None
    query = search_filter(criteria, now)
    if sort is Sort.SOONEST:  # undated tickets (listed before dates were kept) have no place
        query.setdefault("event_starts_at", {}).setdefault("$ne", None)
    query.update(page_filter(sort, after))  # its fields are never the search's
    field, direction = SORT_KEYS[sort]
    order = [(field, direction)] if field in _KEYED else [(field, direction), ("_id", direction)]
    # No hint naming an index: a database restored or restarted empty has none until the
    # service starts again, and a hint to a missing index fails the whole list.
    stored = (
        await _decimals(Ticket.get_pymongo_collection())
        .find(query, LIST_FIELDS, sort=order, skip=offset, limit=limit + 1)
        .to_list()
    )
    more = len(stored) > limit
    for ticket in stored:
        ticket["id"] = ticket.pop("_id")
    return Page(stored[:limit], encode_cursor(sort, stored[limit - 1]) if more else None)
