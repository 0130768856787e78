"""The user story over the REST API as its walkers meet it (the demo, the load generator and
the flash sale): the accounts they make, the card they pay with, and which answers mean
"not yet" (an event still on its way between services) rather than "no"."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

T = TypeVar("T")

PASSWORD = "correct horse battery staple"
# The Stripe stand-in accepts Stripe's test tokens; this one is the test card 4242 4242 4242 4242.
TEST_CARD = "tok_visa"
# A ticket waiting for moderation's verdict, as the orders service reports it in a 409.
SCREENING = "waiting_moderation"


def no_platform(gateway: str, problem: object) -> str:
    """What a walker says when nothing answers at the gateway, and how to start it."""
    start = "./pants run src/python/ticketing/stack:up"
    return f"no platform at {gateway} ({problem}); start it with {start}"


class NotInTime(Exception):
    """What was waited for did not happen in time."""


def account(role: str, run_id: str) -> dict[str, str]:
    """The sign-up body of a walker's account, unique to its run."""
    return {"email": f"{role}-{run_id}@example.com", "password": PASSWORD}


def listing(title: str, price: str, face_value: str | None = None) -> dict[str, str]:
    """The body of a listing: an event a month from now, at the Town Hall, its face value the
    asking price unless given."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    return {
        "title": title,
        "price": price,
        "face_value": face_value or price,
        "event_starts_at": starts.isoformat(),
        "venue": "Town Hall",
    }


def order_not_yet(status: int, problem: Mapping[str, Any]) -> bool:
    """Ordering was refused only because orders has not heard of the ticket's approval yet:
    no replica of the ticket (404), or one still being screened (409)."""
    return status == 404 or (status == 409 and problem.get("ticket_status") == SCREENING)


def payment_not_yet(status: int) -> bool:
    """Paying was refused only because payments has not heard of the order yet."""
    return status == 404


def retry_after(headers: Mapping[str, str], default: float = 1.0) -> float:
    """Seconds a 429 or 503 asks the caller to wait."""
    try:
        return max(float(headers.get("retry-after", default)), 0.0)
    except ValueError:
        return default


def until(what: str, probe: Callable[[], T | None], within: float = 30.0, pause: float = 0.1) -> T:
    """Call ``probe`` until it returns something truthy, and return that; ``NotInTime`` after
    ``within`` seconds. The one poller of every synchronous walker and test."""
    deadline = time.monotonic() + within
    while not (result := probe()):
        if time.monotonic() > deadline:
            raise NotInTime(f"gave up waiting for {what} after {within:.0f} s")
        time.sleep(pause)
    return result
