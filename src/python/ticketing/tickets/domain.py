"""Ticket rules: listing, editing, reserving and releasing, moderation verdicts."""

from __future__ import annotations

import re
import unicodedata
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
PRICE_MAX = Decimal("1000000")


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
    if not price.is_finite() or price <= 0 or price > PRICE_MAX:
        raise InvalidInput(f"price must be greater than 0 and at most {PRICE_MAX}", field="price")
    if price.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput("price must have at most two decimal places", field="price")
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
