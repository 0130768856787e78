"""Ticket rules as plain functions over plain values: what a listing may say (title, price
within the cap of its face value, an event to come), what an order, a verdict, a sale or a
scan at the door does to a ticket, and the events a ticket announces."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden, InvalidInput
from ticketing.shared.events import TicketStatus
from ticketing.shared.messaging import RetryLater
from ticketing.tickets.codes import Claims
from ticketing.tickets.models import Holding, Payee, Ticket

TITLE_MAX = 120
PRICE_MIN = Decimal("0.50")
PRICE_MAX = Decimal("1000000")
# Stripe's minimum charge in USD is 0.50: a cheaper ticket could never be paid for.
PRICE_RULE = (
    "from 0.50 (Stripe's minimum charge in USD) to 1000000, with at most two decimals: a JSON"
    ' number (12.5) or a decimal string ("12.50")'
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
# PRICE_RULE as a pattern for the decimal strings (shared/money.py reads numbers exactly).
PRICE_PATTERN = "^(0\\.[5-9][0-9]?|[1-9][0-9]{0,5}(\\.[0-9]{1,2})?|1000000(\\.00?)?)$"
_TITLE = re.compile(TITLE_PATTERN.removeprefix("^").removesuffix("$"))
_NOT_ALLOWED_CHARACTER = re.compile(f"[{_NOT_ALLOWED}]")


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


def checked_price(price: Decimal, field: str = "price") -> Decimal:
    if not (price.is_finite() and PRICE_MIN <= price <= PRICE_MAX and price == round(price, 2)):
        raise InvalidInput(f"{field} must be {PRICE_RULE}", field=field)
    return price.quantize(CENT)


CENT = Decimal("0.01")
DEFAULT_CAP = Decimal("1.20")  # TicketSwap's: at most 20% over the price printed on the ticket
CAP_RULE = "the asking price may be at most the face value times the price cap"
VENUE_MAX = 200


def max_price(face_value: Decimal, cap: Decimal) -> Decimal:
    """The highest asking price for a ticket of ``face_value``: the cap, rounded down to a cent."""
    return (face_value * cap).quantize(CENT, rounding=ROUND_DOWN)


def check_cap(price: Decimal, face_value: Decimal | None, cap: Decimal) -> None:
    """A 400 naming the rule and the highest price allowed, for a price above the cap. A ticket
    listed before face values were kept has none yet: no cap until its owner sets it."""
    if face_value is not None and price > (highest := max_price(face_value, cap)):
        raise InvalidInput(
            f"price must be at most {highest}: {CAP_RULE} ({cap})",
            field="price",
            rule="price-cap",
            max_price=str(highest),
        )


def check_upcoming(starts_at: datetime, now: datetime) -> None:
    if starts_at.tzinfo is None:
        raise InvalidInput(
            "event_starts_at must name its time zone (e.g. Z)", field="event_starts_at"
        )
    if starts_at <= now:
        raise InvalidInput("event_starts_at must be in the future", field="event_starts_at")


def checked_venue(venue: str | None) -> str | None:
    if venue is None or not venue.strip():
        return None
    if len(venue) > VENUE_MAX or _NOT_ALLOWED_CHARACTER.search(venue):
        raise InvalidInput(
            f"venue must be at most {VENUE_MAX} characters, without control characters",
            field="venue",
        )
    return " ".join(venue.split())


@dataclass(frozen=True)
class Listing:
    """What a seller says of a ticket they list, as sent (checked here)."""

    title: str
    price: Decimal
    face_value: Decimal
    event_starts_at: datetime
    venue: str | None = None


@dataclass(frozen=True)
class Edit:
    """An owner's change to their listing; absent parts stay as they are."""

    title: str
    price: Decimal
    face_value: Decimal | None = None
    event_starts_at: datetime | None = None
    venue: str | None = None


def listed(listing: Listing, user_id: str, cap: Decimal, now: datetime) -> Ticket:
    """A new ticket from a listing, waiting for moderation; the lister is its first holder."""
    price, face_value = (
        checked_price(listing.price),
        checked_price(listing.face_value, "face_value"),
    )
    check_upcoming(listing.event_starts_at, now)
    check_cap(price, face_value, cap)
    return Ticket(
        title=checked_title(listing.title),
        price=price,
        face_value=face_value,
        event_starts_at=listing.event_starts_at,
        venue=checked_venue(listing.venue),
        user_id=user_id,
        holders=[Holding(user_id=user_id, since=now)],
        created_at=now,
    )


def updated_event(ticket: Ticket, title_changed: bool = False) -> events.TicketUpdated:
    return events.from_attributes(events.TicketUpdated, ticket, title_changed=title_changed)


def created_event(ticket: Ticket) -> events.TicketCreated:
    return events.from_attributes(events.TicketCreated, ticket)


def check_listable(ticket: Ticket) -> None:
    """What its holder may no longer do with a ticket that is reserved or admitted."""
    if ticket.status == TicketStatus.ADMITTED:
        raise Conflict("the ticket was admitted at the door: it cannot be listed or transferred")
    if ticket.order_id is not None:
        raise Conflict("the ticket is reserved by an open order and cannot be changed")


def edited(ticket: Ticket, edit: Edit, cap: Decimal, now: datetime) -> bool:
    """Apply its owner's ``edit`` to a listing; True if the title changed, in which case the
    ticket waits for moderation again before anyone can order it. The face value and the event
    are the lister's to state: once the ticket has been sold they stay as they are."""
    check_listable(ticket)
    if ticket.status == TicketStatus.SOLD:
        raise Conflict("a ticket you bought is listed again with POST .../resale, not edited")
    resold = len(ticket.holders) > 1
    if resold and (edit.face_value is not None or edit.event_starts_at is not None):
        raise Conflict("the face value and the event cannot change once the ticket was sold")
    if edit.event_starts_at is not None:
        check_upcoming(edit.event_starts_at, now)
        ticket.event_starts_at = edit.event_starts_at
    if edit.face_value is not None:
        ticket.face_value = checked_price(edit.face_value, "face_value")
    if edit.venue is not None:
        ticket.venue = checked_venue(edit.venue)
    price = checked_price(edit.price)
    check_cap(price, ticket.face_value, cap)
    title = checked_title(edit.title)
    title_changed = title != ticket.title
    ticket.title, ticket.price = title, price
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


def resold(ticket: Ticket, user_id: str, price: Decimal, cap: Decimal, now: datetime) -> None:
    """Its holder lists a ticket they bought again, within the cap of the original face value.
    Its title was screened already, so it is for sale at once."""
    check_listable(ticket)
    if ticket.user_id != user_id:
        raise Forbidden("only the ticket's holder may list it")
    if ticket.status != TicketStatus.SOLD:
        raise Conflict("the ticket is listed already")
    if ticket.event_starts_at is None or ticket.event_starts_at <= now:
        raise Conflict("the event has started: the ticket can no longer be sold")
    amount = checked_price(price)
    check_cap(amount, ticket.face_value, cap)
    ticket.price, ticket.status = amount, TicketStatus.APPROVED


def sold(ticket: Ticket, order_id: str, buyer_id: str, now: datetime) -> bool:
    """Hand the ticket to the buyer of the order that completed; False for a duplicate.
    ``RetryLater`` while the order's reservation has not reached the ticket yet."""
    if any(holding.order_id == order_id for holding in ticket.holders):
        return False
    if ticket.order_id != order_id:
        raise RetryLater(f"ticket {ticket.id} is not reserved by order {order_id} yet")
    if not ticket.holders:  # listed before the chain was kept: its lister first
        ticket.holders.append(Holding(user_id=ticket.user_id, since=ticket.created_at))
    ticket.holders.append(Holding(user_id=buyer_id, since=now, order_id=order_id))
    ticket.user_id, ticket.order_id, ticket.status = buyer_id, None, TicketStatus.SOLD
    ticket.sales += 1
    return True


def claims(ticket: Ticket) -> Claims:
    """What the current holder's code says."""
    return Claims(t=ticket.id, h=ticket.user_id, v=ticket.sales)


def admitted(ticket: Ticket, shown: Claims, now: datetime) -> None:
    """Let the holder in with the code ``shown``: once, and only with the current holder's code."""
    if ticket.admitted_at is not None:
        raise Conflict(
            f"already admitted at {ticket.admitted_at.isoformat()}",
            rule="already-admitted",
            admitted_at=ticket.admitted_at.isoformat(),
        )
    if shown != claims(ticket):
        raise Conflict("this code is void: the ticket changed hands since", rule="void-code")
    if ticket.order_id is not None:
        raise Conflict("the ticket is reserved by an open order", rule="reserved")
    ticket.admitted_at, ticket.status = now, TicketStatus.ADMITTED


def sold_event(ticket: Ticket) -> events.TicketSold:
    seller, buyer = ticket.holders[-2], ticket.holders[-1]
    return events.from_attributes(
        events.TicketSold, ticket, order_id=buyer.order_id, seller_id=seller.user_id
    )


def admitted_event(ticket: Ticket) -> events.TicketAdmitted:
    return events.from_attributes(events.TicketAdmitted, ticket)


def check_payee(payee: Payee | None) -> None:
    """Where a payout account is required, only a seller who can be paid may list."""
    if payee is None:
        raise Conflict(
            "set up payouts before you sell: POST /api/payments/accounts/me/onboarding and"
            " finish Stripe's onboarding (the Payouts page does both)",
            action="set_up_payouts",
        )


def payee(event: events.SellerPayoutsEnabled) -> Payee:
    return Payee(id=event.id, stripe_account_id=event.stripe_account_id)
