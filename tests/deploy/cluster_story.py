"""The user story against the chart's pods run on this machine: processes or containers
(production_shape.py), or the chart played by podman behind the edge (played_chart.py). Each
user signs up through Kratos (the stand-in), verifies the address with the code its courier
mailed (production requires it), signs in; a seller lists, moderation approves, a buyer orders
and pays with a card token made with the publishable key, the money is captured.
"""

from __future__ import annotations

import re
from typing import Any, Protocol
from uuid import uuid4

import httpx
import stripe

from deploy.production_shape import OryStandIns
from ticketing.shared.identity import SESSION_COOKIE
from ticketing.stack.story import listing, until
from ticketing.stack.stripe_standin import PUBLISHABLE_KEY

PASSWORD = "correct horse battery staple"


class Cluster(Protocol):
    ory: OryStandIns
    stripe_url: str

    def url(self, service: str) -> str:
        """Where the service's API is called."""
        ...


class User:
    """Signed up through Kratos, its address verified with the code Kratos' courier mailed
    (production requires a verified address to sign in), then signed in."""

    def __init__(self, cluster: Cluster, name: str) -> None:
        self.cluster = cluster
        self.email = f"{name}-{uuid4().hex[:6]}@example.com"
        body = {"email": self.email, "password": PASSWORD}
        auth = cluster.url("auth")
        signed_up = httpx.post(f"{auth}/api/users/signup", json=body, timeout=30)
        assert signed_up.status_code == 201, signed_up.text
        assert signed_up.json()["token"] is None  # not before the address is verified
        refused = httpx.post(f"{auth}/api/users/signin", json=body, timeout=30)
        assert refused.status_code == 403, refused.text
        verification = {"email": self.email, "code": until("the mailed code", self._mailed_code)}
        verified = httpx.post(f"{auth}/api/users/verification", json=verification, timeout=30)
        assert verified.status_code == 200, verified.text
        self.signin = httpx.post(f"{auth}/api/users/signin", json=body, timeout=30)
        assert self.signin.status_code == 200, self.signin.text
        self.token = self.signin.json()["token"]

    def _mailed_code(self) -> str | None:
        for mail in reversed(self.cluster.ory.kratos.courier.sent):
            if mail["To"] == self.email:
                found = re.search(r"\b(\d{6})\b", mail.get_content())
                return found.group(1) if found else None
        return None

    def call(self, method: str, service: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        url = f"{self.cluster.url(service)}{path}"
        return httpx.request(method, url, headers=headers, timeout=30, **kwargs)

    def get(self, service: str, path: str) -> dict[str, Any]:
        response = self.call("GET", service, path)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def story(cluster: Cluster) -> None:
    """Sign up a seller and a buyer, list, approve, order, pay; the money is captured."""
    seller, buyer = User(cluster, "seller"), User(cluster, "buyer")
    # Signed in through Kratos: the session token is the Kratos stand-in's.
    assert seller.token in cluster.ory.kratos.sessions
    # The production profile: the session cookie is sent over HTTPS only.
    (cookie,) = (c for c in seller.signin.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert "secure" in cookie.lower(), cookie

    title = f"Night at the Opera {uuid4().hex[:6]}"
    listed = seller.call("POST", "tickets", "/api/tickets", json=listing(title, "45"))
    assert listed.status_code == 201, listed.text
    ticket = listed.json()
    assert ticket["status"] == "waiting_moderation"

    def approved() -> dict[str, Any] | None:
        current = seller.get("tickets", f"/api/tickets/{ticket['id']}")
        return current if current["status"] == "approved" else None

    until("moderation's approval", approved)  # moderation's word list passed it
    # The web front end reaches tickets through its API_ROUTES; its CSRF cookie is Secure too.
    page = httpx.get(f"{cluster.url('web')}/", params={"title": title}, timeout=30)
    assert page.status_code == 200, page.text
    assert title in page.text
    (csrf,) = page.headers.get_list("set-cookie")
    assert "secure" in csrf.lower(), csrf

    def ordered() -> httpx.Response | None:
        response = buyer.call("POST", "orders", "/api/orders", json={"ticket_id": ticket["id"]})
        return None if response.status_code in (404, 409) else response  # approval on its way

    order = until("the order", ordered)
    assert order.status_code == 201, order.text
    order_id = order.json()["id"]

    # A card token made as a browser makes it with Stripe.js: with the publishable key.
    client = stripe.StripeClient(PUBLISHABLE_KEY, base_addresses={"api": cluster.stripe_url})
    card: Any = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2040", "cvc": "123"}
    token = client.v1.tokens.create({"card": card}).id

    def paid() -> httpx.Response | None:
        body = {"order_id": order_id, "token": token}
        response = buyer.call("POST", "payments", "/api/payments", json=body)
        return None if response.status_code == 404 else response  # the order on its way

    payment = until("the payment", paid)
    assert payment.status_code == 201, payment.text
    assert payment.json()["status"] == "authorized"
    until(
        "the order to complete",
        lambda: buyer.get("orders", f"/api/orders/{order_id}")["status"] == "complete",
    )
    receipt = f"/api/payments/{payment.json()['id']}"
    until("the capture", lambda: buyer.get("payments", receipt)["status"] == "captured")
    # Permissions went to Keto: the buyer's order is a relation tuple there.
    assert any(t[1] == order_id for t in cluster.ory.keto.tuples)
