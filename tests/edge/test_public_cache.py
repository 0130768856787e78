"""Through the real nginx edge: anonymous reads of the ticket list and of a ticket's page are
cached for at most a second (stack/edge_config.py, PUBLIC_READS); a change leaves them within
that bound, and nothing a signed-in caller asked is stored or answered from the cache."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import httpx
import pytest

from ticketing.stack.processes import Services
from ticketing.stack.story import listing, order_not_yet, until

PASSWORD = "correct horse battery staple"
# The bound (a response is served only within the second it was fetched in), and room for
# the polls themselves on a busy machine. Never a timed assertion: a deadline for a condition.
WITHIN = 1.0 + 0.5


def signed_up(edge: str) -> tuple[httpx.Client, str]:
    """A browser-like client (it keeps its session cookie) and its bearer token."""
    client = httpx.Client(base_url=edge, timeout=30)
    email = f"cache-{uuid4().hex[:8]}@example.com"
    response = client.post("/api/users/signup", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return client, response.json()["token"]


def for_sale(edge: str, title: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{edge}/api/tickets", params={"title": title})
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def listed_for_sale(edge: str, seller: httpx.Client, price: str = "20.00") -> dict[str, Any]:
    """A new ticket, once moderation approved it and the list shows it."""
    title = f"Cached gig {uuid4().hex[:8]}"
    response = seller.post("/api/tickets", json=listing(title, price))
    assert response.status_code == 201, response.text
    until("the ticket for sale", lambda: for_sale(edge, title))
    return dict(response.json())


def cache_status(response: httpx.Response) -> str | None:
    assert response.status_code == 200, response.text
    return response.headers.get("X-Cache-Status")


def test_an_anonymous_read_is_cached_for_a_second(edge: str) -> None:
    seller, _ = signed_up(edge)
    ticket = listed_for_sale(edge, seller)
    anonymous = httpx.Client(base_url=edge, timeout=30)
    for path in ("/api/tickets", f"/api/tickets/{ticket['id']}"):
        first = anonymous.get(path)
        assert cache_status(first) in ("MISS", "HIT")
        assert first.headers["Vary"] == "Origin, Authorization, Cookie, X-Session-Token"

        def cached(path: str = path) -> bool:
            return cache_status(anonymous.get(path)) == "HIT"

        until(f"a cached answer of {path}", cached)
    assert "ETag" in anonymous.get("/api/tickets").headers
    # What only a signed-in caller may see is never cached, anonymous or not.
    assert "X-Cache-Status" not in anonymous.get("/api/tickets/mine").headers


SESSIONS: dict[str, Callable[[httpx.Client, str], dict[str, str]]] = {
    "session cookie": lambda client, _: {
        "Cookie": f"session_token={client.cookies['session_token']}"
    },
    "bearer token": lambda _, token: {"Authorization": f"Bearer {token}"},
    "session header": lambda _, token: {"X-Session-Token": token},
}


@pytest.mark.parametrize("session", list(SESSIONS))
def test_a_signed_in_answer_is_never_stored_nor_served_a_cached_one(
    edge: str, session: str
) -> None:
    user, token = signed_up(edge)
    headers = SESSIONS[session](user, token)
    bare = httpx.Client(base_url=edge, timeout=30)  # no cookies of its own
    # A URL no one asked before: the signed-in answer is fetched, and not kept for the next
    # caller (an anonymous one right after is not a HIT, whatever the second).
    fresh = f"/api/tickets?title={uuid4().hex}"
    assert cache_status(bare.get(fresh, headers=headers)) == "BYPASS"
    assert cache_status(bare.get(fresh)) == "MISS"
    # The other way: an anonymous answer, now cached, is not what the signed-in caller gets.
    until("the anonymous answer cached", lambda: cache_status(bare.get(fresh)) == "HIT")
    assert cache_status(bare.get(fresh, headers=headers)) == "BYPASS"
    # Their own tickets, never cached, are theirs alone.
    listed = user.post("/api/tickets", json=listing(f"Mine {uuid4().hex[:6]}", "20.00"))
    assert listed.status_code == 201, listed.text
    other, _ = signed_up(edge)
    mine = {t["id"] for t in bare.get("/api/tickets/mine", headers=headers).json()}
    assert listed.json()["id"] in mine
    assert listed.json()["id"] not in {t["id"] for t in other.get("/api/tickets/mine").json()}


def test_an_edited_or_reserved_ticket_leaves_the_cached_list_within_the_bound(
    edge: str, services: Services
) -> None:
    direct = services.urls()["tickets"]
    seller, _ = signed_up(edge)
    ticket = listed_for_sale(edge, seller)
    title, path = ticket["title"], f"/api/tickets/{ticket['id']}"
    until("the list cached", lambda: cache_status(httpx.get(f"{edge}/api/tickets")) == "HIT")
    until("the page cached", lambda: cache_status(httpx.get(f"{edge}{path}")) == "HIT")

    edited = seller.put(path, json=listing(title, "25.00"))
    assert edited.status_code == 200, edited.text
    assert for_sale(direct, title)[0]["price"] == "25.00"  # the service answers it at once
    until(
        "the new price through the edge",
        lambda: for_sale(edge, title)[0]["price"] == "25.00",
        within=WITHIN,
    )
    until(
        "the new price on its page",
        lambda: httpx.get(f"{edge}{path}").json()["price"] == "25.00",
        within=WITHIN,
    )

    buyer, _ = signed_up(edge)

    def ordered() -> bool:
        response = buyer.post("/api/orders", json={"ticket_id": ticket["id"]})
        if order_not_yet(response.status_code, response.json()):
            return False
        assert response.status_code == 201, response.text
        return True

    until("the order placed", ordered)
    until("the ticket reserved (the service's own list)", lambda: not for_sale(direct, title))
    until(
        "the reserved ticket gone from the edge's list",
        lambda: not for_sale(edge, title),
        within=WITHIN,
    )
