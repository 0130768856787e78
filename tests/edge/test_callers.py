"""Through the real nginx edge: every caller is on their own. Nothing a caller sends or is sent
(cookies, tokens, request ids) reaches another caller's request."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import httpx

from ticketing.stack.story import listing

PASSWORD = "correct horse battery staple"


def signed_up(edge: str, name: str) -> httpx.Client:
    """A browser-like client (it keeps its cookies) with a new account."""
    client = httpx.Client(base_url=edge, timeout=30)
    email = f"{name}-{uuid4().hex[:8]}@example.com"
    response = client.post("/api/users/signup", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    client.email = email  # type: ignore[attr-defined]
    return client


def who(client: httpx.Client, **headers: str) -> str | None:
    response = client.get("/api/users/currentuser", headers=headers)
    assert response.status_code == 200, response.text
    user = response.json()["current_user"]
    return user["email"] if user else None


def test_a_stranger_stays_a_stranger_after_others_sign_up_in_and_out(edge: str) -> None:
    stranger = httpx.Client(base_url=edge, timeout=30)
    users = [signed_up(edge, f"user{i}") for i in range(4)]
    assert who(stranger) is None
    for user in users:
        assert who(user) == user.email  # type: ignore[attr-defined]
        again = user.post(
            "/api/users/signin",
            json={"email": user.email, "password": PASSWORD},  # type: ignore[attr-defined]
        )
        assert again.status_code == 200
        assert who(stranger) is None
    users[0].post("/api/users/signout")
    assert who(users[0]) is None
    assert who(users[1]) == users[1].email  # type: ignore[attr-defined]
    assert who(stranger) is None
    # Nothing the edge answered to the stranger set a cookie.
    assert not stranger.cookies


def test_bearer_tokens_name_their_own_user_only(edge: str) -> None:
    first, second = signed_up(edge, "first"), signed_up(edge, "second")
    token = first.cookies["session_token"]
    bare = httpx.Client(base_url=edge, timeout=30)
    bearer = {"Authorization": f"Bearer {token}"}
    assert who(bare, **bearer) == first.email  # type: ignore[attr-defined]
    assert who(bare) is None
    assert who(second) == second.email  # type: ignore[attr-defined]


def test_two_users_interleaving_never_see_each_others_data(edge: str) -> None:
    seller, buyer = signed_up(edge, "seller"), signed_up(edge, "buyer")

    def list_ticket(i: int) -> dict[str, str]:
        response = seller.post("/api/tickets", json=listing(f"Gig {i}", "20.00"))
        assert response.status_code == 201, response.text
        return dict(response.json())

    def whoami(i: int) -> tuple[str | None, str | None]:
        return who(seller), who(buyer)

    with ThreadPoolExecutor(8) as pool:
        tickets = list(pool.map(list_ticket, range(6)))
        identities = list(pool.map(whoami, range(24)))
    assert set(identities) == {(seller.email, buyer.email)}  # type: ignore[attr-defined]
    for ticket in tickets:
        mine = {"title": "Mine now", "price": "1.00"}
        edit = buyer.put(f"/api/tickets/{ticket['id']}", json=mine)
        assert edit.status_code == 403, edit.text
        assert buyer.get(f"/api/tickets/{ticket['id']}").json()["title"].startswith("Gig")
    assert buyer.get("/api/orders").json() == []
