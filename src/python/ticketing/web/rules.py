"""What the pages decide, as plain functions: which actions a visitor may take and why not,
what an API refusal means for a form, and what a card form's fields hold."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from ticketing.web.api import Order, Ticket, User


@dataclass(frozen=True)
class Action:
    allowed: bool
    reason: str | None = None  # why not, in words the visitor understands


def _started(ticket: Ticket, now: datetime) -> bool:
    return ticket.event_starts_at is not None and ticket.event_starts_at <= now


def reserve(ticket: Ticket, visitor: User | None, now: datetime) -> Action:
    if visitor is None:
        return Action(False, "Sign in to reserve this ticket.")
    if ticket.user_id == visitor.id:
        return Action(False, "This is your own ticket.")
    if ticket.status == "sold":
        return Action(False, "This ticket is sold.")
    if ticket.status == "admitted":
        return Action(False, "This ticket was used at the door.")
    if ticket.order_id is not None:
        return Action(False, "Someone has reserved this ticket.")
    if ticket.status == "waiting_moderation":
        return Action(False, "This ticket is waiting for moderation.")
    if ticket.status == "rejected":
        return Action(False, f"Moderation rejected this ticket: {ticket.status_reason}.")
    if ticket.event_starts_at is None:
        return Action(False, "The seller has not said when the event starts yet.")
    if _started(ticket, now):
        return Action(False, "The event has started.")
    return Action(True)


def edit(ticket: Ticket, visitor: User | None) -> Action:
    if visitor is None or ticket.user_id != visitor.id:
        return Action(False, "Only the seller can edit this ticket.")
    if ticket.status in ("sold", "admitted"):
        return Action(False, "A ticket you hold is listed again with Sell again, not edited.")
    if ticket.order_id is not None:
        return Action(False, "A buyer has reserved this ticket, so it cannot be edited.")
    return Action(True)


def resell(ticket: Ticket, visitor: User | None, now: datetime) -> Action:
    """Its holder may sell a ticket they bought again, until the event starts."""
    if visitor is None or ticket.user_id != visitor.id or ticket.status != "sold":
        return Action(False, "Only its holder can sell a ticket they bought again.")
    if _started(ticket, now):
        return Action(False, "The event has started.")
    return Action(True)


def show_code(ticket: Ticket, visitor: User | None) -> bool:
    """Its holder sees the ticket's code until it is used."""
    return visitor is not None and ticket.user_id == visitor.id and ticket.status != "admitted"


def status(ticket: Ticket) -> str:
    """Where the ticket is, in words."""
    return {
        "waiting_moderation": "Waiting for moderation",
        "approved": "For sale" if ticket.order_id is None else "Reserved",
        "rejected": f"Rejected by moderation: {ticket.status_reason}",
        "sold": "Sold",
        "admitted": "Used at the door",
    }.get(ticket.status, ticket.status)


def max_price(face_value: Decimal, cap: Decimal) -> Decimal:
    """The highest asking price, as the API computes it (rounded down to a cent)."""
    return (face_value * cap).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def seconds_left(order: Order, now: datetime) -> int:
    """Whole seconds until the reservation ends (0 once over or no longer open)."""
    if order.status != "created":
        return 0
    expires = order.expires_at if order.expires_at.tzinfo else order.expires_at.replace(tzinfo=UTC)
    return max(0, int((expires - now).total_seconds()))


def field_errors(problem: dict[str, Any]) -> dict[str, str]:
    """The API's field errors by field name; a refusal without fields goes under ``form``."""
    errors = {
        str(e["field"]): str(e["message"])
        for e in problem.get("errors") or []
        if isinstance(e, dict) and e.get("field")
    }
    if not errors and problem.get("field"):
        errors[str(problem["field"])] = str(problem.get("detail"))
    return errors or {"form": str(problem.get("detail", "That did not work."))}


class CardError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


_EXPIRY = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*$")


def card(number: str, expiry: str, cvc: str) -> dict[str, str]:
    """Stripe's card[...] token fields from what the visitor typed; CardError names a field."""
    digits = re.sub(r"[\s-]", "", number)
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        raise CardError("number", "Enter the card number: 12 to 19 digits.")
    match = _EXPIRY.match(expiry)
    if match is None or not 1 <= int(match.group(1)) <= 12:
        raise CardError("expiry", "Enter the expiry as MM/YY.")
    month, year = match.groups()
    cvc = cvc.strip()
    if not cvc.isdigit() or len(cvc) not in (3, 4):
        raise CardError("cvc", "Enter the 3 or 4 digits of the CVC.")
    full_year = year if len(year) == 4 else f"20{year}"
    return {
        "card[number]": digits,
        "card[exp_month]": str(int(month)),
        "card[exp_year]": full_year,
        "card[cvc]": cvc,
    }
