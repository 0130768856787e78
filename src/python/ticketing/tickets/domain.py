"""Ticket rules: listing, editing, reserving and releasing, moderation verdicts."""

from __future__ import annotations

import re
from decimal import Decimal

from beanie import SortDirection
from pymongo.asynchronous.client_session import AsyncClientSession

from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from ticketing.shared.messaging import RetryLater
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.persistence import StaleVersion
from ticketing.shared.platform import Platform
from ticketing.tickets.models import Ticket

TITLE_MAX = 120
SEARCH_MAX = 100  # characters of a title search: far below MongoDB's pattern length limit
PRICE_MAX = Decimal("1000000")

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
# A decimal string from 0.01 to 1000000 with at most two decimals: money never goes
# through a binary float.
PRICE_PATTERN = "^(0\\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,5}(\\.[0-9]{1,2})?|1000000(\\.00?)?)$"
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
        raise InvalidInput(
            f"price must be a decimal string greater than 0 and at most {PRICE_MAX}, with at"
            ' most two decimals, e.g. "12.50"',
            field="price",
        )
    return Decimal(price).quantize(Decimal("0.01"))


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


async def create(platform: Platform, user_id: str, title: str, price: str) -> Ticket:
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
    await platform.outbox.flush_soon()
    return ticket


async def get(ticket_id: str) -> Ticket:
    ticket = await Ticket.get(ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    return ticket


async def search(title: str | None, limit: int, offset: int) -> list[Ticket]:
    query = {"title": {"$regex": re.escape(title), "$options": "i"}} if title else {}
    oldest_first = [("created_at", SortDirection.ASCENDING), ("_id", SortDirection.ASCENDING)]
    found = Ticket.find(query).sort(oldest_first).skip(offset).limit(limit)
    return await found.to_list()


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
