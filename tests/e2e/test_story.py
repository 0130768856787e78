"""The user story across the running services, over real HTTP, AMQP, MongoDB-wire and Redis.

Stand-ins here: Stripe (stack/stripe_standin.py as its own process, speaking Stripe's wire
format) and no content classifier (moderation screens with its word list only).
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any, TypeVar
from uuid import uuid4

import httpx
import pytest
import stripe

from ticketing.stack.servers import python_env
from ticketing.stack.story import listing, until
from ticketing.stack.stripe_standin import STANDIN_KEY
from ticketing.testing.platform import RunningPlatform

T = TypeVar("T")


class User:
    """A person using the platform: signs up through auth, then calls any service."""

    def __init__(self, services: dict[str, str], name: str) -> None:
        self.services = services
        self.email = f"{name}-{uuid4().hex[:6]}@example.com"
        response = httpx.post(
            f"{services['auth']}/api/users/signup",
            json={"email": self.email, "password": "correct horse battery staple"},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        self.id = response.json()["id"]
        self.headers = {"Authorization": f"Bearer {response.json()['token']}"}

    def call(self, method: str, service: str, path: str, **kwargs: Any) -> httpx.Response:
        url = f"{self.services[service]}{path}"
        return httpx.request(method, url, headers=self.headers, timeout=30, **kwargs)

    def list_ticket(self, title: str, price: str = "45.00") -> dict[str, Any]:
        response = self.call("POST", "tickets", "/api/tickets", json=listing(title, price))
        assert response.status_code == 201, response.text
        ticket = response.json()
        assert ticket["status"] == "waiting_moderation"
        return dict(until("moderation's approval", lambda: self.approved(ticket["id"])))

    def approved(self, ticket_id: str) -> dict[str, Any] | None:
        ticket = self.call("GET", "tickets", f"/api/tickets/{ticket_id}").json()
        return ticket if ticket["status"] == "approved" else None

    def order(self, ticket_id: str) -> httpx.Response:
        """Place an order; moderation's approval reaches orders a moment after tickets."""

        def attempt() -> httpx.Response | None:
            response = self.call("POST", "orders", "/api/orders", json={"ticket_id": ticket_id})
            waiting = response.status_code in (404, 409) and "screened" in response.text
            return None if waiting or response.status_code == 404 else response

        return until("the order", attempt)

    def holds(self, ticket_id: str) -> dict[str, Any] | None:
        """The ticket, once it is this user's (under their tickets)."""
        mine = self.call("GET", "tickets", "/api/tickets/mine").json()
        return next((t for t in mine if t["id"] == ticket_id), None)

    def code(self, ticket_id: str) -> httpx.Response:
        return self.call("GET", "tickets", f"/api/tickets/{ticket_id}/code")

    def scan(self, code: str) -> httpx.Response:
        return self.call("POST", "tickets", "/api/tickets/admissions", json={"code": code})

    def released(self, ticket_id: str) -> dict[str, Any] | None:
        ticket = self.call("GET", "tickets", f"/api/tickets/{ticket_id}").json()
        return ticket if ticket["order_id"] is None else None

    def order_status(self, order_id: str, status: str) -> dict[str, Any] | None:
        order = self.call("GET", "orders", f"/api/orders/{order_id}").json()
        return order if order["status"] == status else None


@pytest.fixture
def seller(services: dict[str, str]) -> User:
    return User(services, "seller")


@pytest.fixture
def buyer(services: dict[str, str]) -> User:
    return User(services, "buyer")


def card_token(stripe_url: str) -> str:
    """A card token, made as a browser would with Stripe.js (here the official client)."""
    client = stripe.StripeClient(STANDIN_KEY, base_addresses={"api": stripe_url})
    card: Any = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2040", "cvc": "123"}
    return client.v1.tokens.create({"card": card}).id


def test_seller_lists_buyer_finds_orders_and_pays(
    seller: User, buyer: User, stripe_url: str
) -> None:
    title = f"Night at the Opera {uuid4().hex[:6]}"
    ticket = seller.list_ticket(title)

    search = {"title": title.upper()}
    found = buyer.call("GET", "tickets", "/api/tickets", params=search).json()["results"]
    assert [t["id"] for t in found] == [ticket["id"]]

    response = buyer.order(ticket["id"])
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "created"

    token = card_token(stripe_url)

    def pay() -> httpx.Response | None:
        body = {"order_id": order["id"], "token": token}
        paid = buyer.call("POST", "payments", "/api/payments", json=body)
        return None if paid.status_code == 404 else paid  # the order is still on its way

    payment = until("the payment", pay)
    assert payment.status_code == 201, payment.text
    assert payment.json()["status"] == "authorized"  # held on the card; orders decides
    assert payment.json()["stripe_id"]
    until("the order complete", lambda: buyer.order_status(order["id"], "complete"))

    def captured() -> dict[str, Any] | None:
        url = f"/api/payments/{payment.json()['id']}"
        current = buyer.call("GET", "payments", url).json()
        return current if current["status"] == "captured" else None

    until("the capture", captured)

    again = buyer.call(
        "POST", "payments", "/api/payments", json={"order_id": order["id"], "token": "tok_visa"}
    )
    assert again.status_code == 409
    sold = until("the ticket to change hands", lambda: buyer.holds(ticket["id"]))
    assert (sold["status"], sold["order_id"]) == ("sold", None)
    edit = seller.call(
        "PUT", "tickets", f"/api/tickets/{ticket['id']}", json={"title": "x", "price": "1"}
    )
    assert edit.status_code == 403  # the seller no longer holds it
    assert seller.call("GET", "tickets", "/api/tickets/mine").json() == []
    assert seller.call("GET", "orders", f"/api/orders/{order['id']}").status_code == 200
    assert [o["id"] for o in buyer.call("GET", "orders", "/api/orders").json()] == [order["id"]]
    assert seller.call("GET", "orders", "/api/orders").json() == []
    receipt = seller.call("GET", "payments", f"/api/payments/{payment.json()['id']}")
    assert receipt.status_code == 200  # the seller may see the payment


def bought(seller: User, buyer: User, stripe_url: str, title: str) -> dict[str, Any]:
    """A ticket of the seller's that the buyer ordered and paid for, once it is theirs."""
    ticket = seller.list_ticket(title)
    return pays_and_holds(buyer, buyer.order(ticket["id"]).json(), stripe_url)


def pays_and_holds(buyer: User, order: dict[str, Any], stripe_url: str) -> dict[str, Any]:
    """The ordered ticket, once the buyer has paid for it and holds it."""
    body = {"order_id": order["id"], "token": card_token(stripe_url)}
    until(
        "the payment",
        lambda: buyer.call("POST", "payments", "/api/payments", json=body).is_success,
    )
    return until("the ticket to change hands", lambda: buyer.holds(order["ticket"]["id"]))


def door_staff(services: dict[str, str], platform: RunningPlatform) -> User:
    """A user granted the door group with the admin command, as an operator would."""
    staff = User(services, "door")
    grant = [sys.executable, "-m", "ticketing.auth.admin", "grant", staff.email, "--group", "door"]
    env = {**python_env(), **platform.env}
    subprocess.run(grant, env=env, check=True, capture_output=True, timeout=60)
    return staff


def test_the_buyer_gets_in_once_with_their_code_and_the_sellers_is_void(
    services: dict[str, str],
    platform: RunningPlatform,
    seller: User,
    buyer: User,
    stripe_url: str,
) -> None:
    listed = seller.list_ticket(f"Quartet night {uuid4().hex[:6]}")
    sellers_code = seller.code(listed["id"]).json()["code"]
    order = buyer.order(listed["id"]).json()
    pays_and_holds(buyer, order, stripe_url)
    staff = door_staff(services, platform)
    assert buyer.scan(sellers_code).status_code == 403  # not door staff
    void = staff.scan(sellers_code)
    assert (void.status_code, void.json()["rule"]) == (409, "void-code")
    assert seller.code(listed["id"]).status_code == 403
    buyers_code = buyer.code(listed["id"]).json()["code"]
    admitted = staff.scan(buyers_code)
    assert (admitted.status_code, admitted.json()["user_id"]) == (200, buyer.id)
    again = staff.scan(buyers_code)
    assert (again.status_code, again.json()["rule"]) == (409, "already-admitted")


def test_a_buyer_resells_and_their_old_code_is_refused_after_the_next_sale(
    services: dict[str, str],
    platform: RunningPlatform,
    seller: User,
    buyer: User,
    stripe_url: str,
) -> None:
    ticket = bought(seller, buyer, stripe_url, f"Resold gig {uuid4().hex[:6]}")
    buyers_code = buyer.code(ticket["id"]).json()["code"]
    over = buyer.call(
        "POST", "tickets", f"/api/tickets/{ticket['id']}/resale", json={"price": "60"}
    )
    assert (over.status_code, over.json()["max_price"]) == (400, "54.00")  # 45.00 x 1.20
    resale = buyer.call(
        "POST", "tickets", f"/api/tickets/{ticket['id']}/resale", json={"price": "54"}
    )
    assert resale.status_code == 200, resale.text
    third = User(services, "third")
    order = third.order(ticket["id"]).json()
    assert order["ticket"]["price"] == "54.00"
    pays_and_holds(third, order, stripe_url)
    staff = door_staff(services, platform)
    assert staff.scan(buyers_code).json()["rule"] == "void-code"
    assert buyer.call("GET", "orders", f"/api/orders/{order['id']}").status_code == 200  # seller
    assert seller.call("GET", "orders", f"/api/orders/{order['id']}").status_code == 403


def test_an_unpaid_order_expires_and_the_ticket_is_free_again(
    seller: User, buyer: User, expiration_seconds: int
) -> None:
    ticket = seller.list_ticket(f"Expiring gig {uuid4().hex[:6]}")
    order = buyer.order(ticket["id"]).json()
    until(
        "the order cancelled",
        lambda: buyer.order_status(order["id"], "cancelled"),
        within=expiration_seconds + 15,
    )

    until("the ticket's release", lambda: seller.released(ticket["id"]))
    late = buyer.call(
        "POST", "payments", "/api/payments", json={"order_id": order["id"], "token": "tok_visa"}
    )
    assert late.status_code == 409
    edit = seller.call(
        "PUT",
        "tickets",
        f"/api/tickets/{ticket['id']}",
        json={"title": ticket["title"], "price": "50"},
    )
    assert edit.status_code == 200
    second = User(seller.services, "second-buyer").order(ticket["id"])
    assert second.status_code == 201, second.text


def test_a_cancelled_order_frees_the_ticket(seller: User, buyer: User) -> None:
    ticket = seller.list_ticket(f"Cancelled gig {uuid4().hex[:6]}")
    order = buyer.order(ticket["id"]).json()
    assert buyer.call("DELETE", "orders", f"/api/orders/{order['id']}").status_code == 204

    until("the ticket's release", lambda: seller.released(ticket["id"]))
    refused = buyer.call(
        "POST", "payments", "/api/payments", json={"order_id": order["id"], "token": "tok_visa"}
    )
    assert refused.status_code == 409
    assert buyer.order(ticket["id"]).status_code == 201


def test_fifty_buyers_race_for_one_ticket_over_http(
    services: dict[str, str], seller: User, expiration_seconds: int
) -> None:
    ticket = seller.list_ticket(f"Hot gig {uuid4().hex[:6]}")
    with ThreadPoolExecutor(max_workers=8) as pool:
        buyers = list(pool.map(lambda i: User(services, f"racer{i}"), range(50)))
        buyers[0].order(ticket["id"]).raise_for_status()  # wait until orders knows it's approved
        cancel = buyers[0].call("GET", "orders", "/api/orders").json()[0]["id"]
        assert buyers[0].call("DELETE", "orders", f"/api/orders/{cancel}").status_code == 204
        responses = list(
            pool.map(
                lambda b: b.call("POST", "orders", "/api/orders", json={"ticket_id": ticket["id"]}),
                buyers,
            )
        )
    assert {r.status_code for r in responses} == {201, 409}, [r.status_code for r in responses]
    # One winner; on a slow machine a racer may come after the winner's reservation ran out
    # and win the released ticket, but never while another order holds it.
    ends = sorted(datetime.fromisoformat(r.json()["expires_at"]) for r in responses if r.is_success)
    window = timedelta(seconds=expiration_seconds)
    assert all(later - window >= earlier for earlier, later in pairwise(ends)), ends


def test_a_listed_word_is_rejected_and_cannot_be_ordered_until_retitled(
    seller: User, buyer: User
) -> None:
    response = seller.call(
        "POST", "tickets", "/api/tickets", json=listing("Counterfeit VIP pass", "99")
    )
    ticket = response.json()

    def rejected() -> dict[str, Any] | None:
        current = seller.call("GET", "tickets", f"/api/tickets/{ticket['id']}").json()
        return current if current["status"] == "rejected" else None

    assert "counterfeit" in until("moderation's rejection", rejected)["status_reason"]

    def refused() -> httpx.Response | None:
        response = buyer.call("POST", "orders", "/api/orders", json={"ticket_id": ticket["id"]})
        assert response.status_code in (404, 409), response.text  # never 201
        return response if "rejected" in response.text else None  # once orders knows why

    assert until("the refusal", refused).status_code == 409
    retitled = seller.call(
        "PUT", "tickets", f"/api/tickets/{ticket['id']}", json={"title": "VIP pass", "price": "99"}
    )
    assert retitled.json()["status"] == "waiting_moderation"
    until("moderation's approval", lambda: seller.approved(ticket["id"]))
    assert buyer.order(ticket["id"]).status_code == 201
