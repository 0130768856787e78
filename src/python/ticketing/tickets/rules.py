"""Ticket rules as plain functions over plain values: what a title and a price may be, what
an order's or a verdict's event does to a ticket, and the events a ticket announces."""

from __future__ import annotations

import re
from decimal import Decimal

from ticketing.shared import events
from ticketing.shared.errors import Conflict, InvalidInput
from ticketing.shared.messaging import RetryLater
from ticketing.tickets.models import Ticket

TITLE_MAX = 120
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


def updated_event(ticket: Ticket, title_changed: bool = False) -> events.TicketUpdated:
    return events.from_attributes(events.TicketUpdated, ticket, title_changed=title_changed)


def created_event(ticket: Ticket) -> events.TicketCreated:
    return events.from_attributes(events.TicketCreated, ticket)


def edited(ticket: Ticket, title: str, price: str) -> bool:
    """Set a new title and price on ``ticket`` (its owner's edit); True if the title changed,
    in which case the ticket waits for moderation again before anyone can order it."""
    if ticket.order_id is not None:
        raise Conflict("the ticket is reserved by an open order and cannot be edited")
    title = checked_title(title)
    title_changed = title != ticket.title
    ticket.title, ticket.price = title, checked_price(price)
    if title_changed:
        ticket.status, ticket.status_reason = events.TicketStatus.WAITING_MODERATION, None
        ticket.title_version = ticket.version + 1  # the version its save creates
    return title_changed


def reserved(ticket: Ticket, order_id: str) -> bool:
    """Reserve ``ticket`` for order ``order_id``; False if that changes nothing (a duplicate,
    or an order already cancelled). ``RetryLater`` while another order still holds it: its
    cancellation is on its way."""
    if ticket.order_id == order_id or order_id in ticket.released_order_ids:
        return False
    if ticket.order_id is not None:
        raise RetryLater(f"ticket {ticket.id} still held by order {ticket.order_id}")
    ticket.order_id = order_id
    return True


def released(ticket: Ticket, order_id: str) -> bool:
    """Free ``ticket`` from cancelled order ``order_id``, remembering the order so that a
    cancellation which overtook its creation still holds; False for a duplicate."""
    if order_id in ticket.released_order_ids:
        return False
    ticket.released_order_ids.append(order_id)
    if ticket.order_id == order_id:
        ticket.order_id = None
    return True


def judged(ticket: Ticket, verdict: events.Verdict) -> bool:
    """Apply moderation's verdict; False if it changes nothing: a duplicate, or a verdict on a
    title that has since changed (the new title is being screened)."""
    if verdict.version != ticket.title_version:
        return False
    status = verdict.STATUS
    reason = verdict.reason if isinstance(verdict, events.TicketRejected) else None
    if (ticket.status, ticket.status_reason) == (status, reason):
        return False
    ticket.status, ticket.status_reason = status, reason
    return True
