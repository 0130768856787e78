"""Walk the whole user story against a running platform, printing each step:

    ./pants run src/python/ticketing/stack:demo [-- --gateway http://127.0.0.1:8080]

Two users sign up; the seller lists a ticket; moderation approves it; the buyer searches,
orders and pays; both list their orders; the buyer holds the ticket and gets its code, which
the seller is refused. Every call is real HTTP through the gateway.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import uuid4

import httpx

from ticketing.stack import story

T = TypeVar("T")


class DemoFailed(Exception):
    pass


class Demo:
    def __init__(self, gateway: str) -> None:
        self.http = httpx.Client(base_url=gateway, timeout=15.0)
        self.step = 0

    def say(self, text: str) -> None:
        self.step += 1
        print(f"{self.step:>2}. {text}", flush=True)

    def call(self, method: str, path: str, expect: int, token: str | None = None, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.request(method, path, headers=headers, **kw)
        if response.status_code != expect:
            status = response.status_code
            raise DemoFailed(
                f"{method} {path} answered {status}, expected {expect}: {response.text}"
            )
        return response.json() if response.content else None

    def until(self, what: str, probe: Callable[[], T | None]) -> T:
        try:
            return story.until(what, probe)
        except story.NotInTime as exc:
            raise DemoFailed(str(exc)) from None

    def sign_up(self, role: str, run_id: str) -> Any:
        user = self.call("POST", "/api/users/signup", 201, json=story.account(role, run_id))
        self.say(f"{role} signed up: {user['email']} ({user['id']})")
        return user

    def run(self) -> None:
        run_id = uuid4().hex[:6]
        seller, buyer = (self.sign_up(role, run_id) for role in ("seller", "buyer"))

        title = f"Concert {run_id}"
        ticket = self.call(
            "POST", "/api/tickets", 201, seller["token"], json=story.listing(title, "45.00")
        )
        self.say(f"seller listed '{ticket['title']}' for {ticket['price']}: {ticket['status']}")

        def approved() -> dict[str, Any] | None:
            current = self.call("GET", f"/api/tickets/{ticket['id']}", 200)
            if current["status"] == "rejected":
                raise DemoFailed(f"moderation rejected the ticket: {current['status_reason']}")
            return current if current["status"] == "approved" else None

        self.until("moderation", approved)
        self.say("moderation approved the ticket")

        found = self.call("GET", "/api/tickets", 200, params={"title": title.lower()})["results"]
        self.say(f"buyer searched for '{title.lower()}': {len(found)} found")

        def ordered() -> dict[str, Any] | None:
            response = self.http.post(
                "/api/orders",
                json={"ticket_id": ticket["id"]},
                headers={"Authorization": f"Bearer {buyer['token']}"},
            )
            if response.status_code == 201:
                return dict(response.json())
            if story.order_not_yet(response.status_code, response.json()):
                return None  # the approval is still on its way to orders
            raise DemoFailed(f"ordering answered {response.status_code}: {response.text}")

        order = self.until("the order to be accepted", ordered)
        self.say(
            f"buyer ordered it: order {order['id']} {order['status']}, "
            f"expires {order['expires_at']}"
        )

        def paid() -> dict[str, Any] | None:
            response = self.http.post(
                "/api/payments",
                json={"order_id": order["id"], "token": story.TEST_CARD},
                headers={"Authorization": f"Bearer {buyer['token']}"},
            )
            if response.status_code == 201:
                return dict(response.json())
            if story.payment_not_yet(response.status_code):
                return None
            raise DemoFailed(f"paying answered {response.status_code}: {response.text}")

        payment = self.until("the payment", paid)
        self.say(
            f"buyer paid: payment {payment['id']} {payment['status']} ({payment['stripe_id']})"
        )

        def complete() -> dict[str, Any] | None:
            current = self.call("GET", f"/api/orders/{order['id']}", 200, buyer["token"])
            return current if current["status"] == "complete" else None

        self.until("the order to complete", complete)
        mine = self.call("GET", "/api/orders", 200, buyer["token"])
        self.say(
            "buyer's orders: " + ", ".join(f"{o['ticket']['title']} ({o['status']})" for o in mine)
        )
        theirs = self.call("GET", "/api/orders", 200, seller["token"])
        self.say(f"seller's orders: {len(theirs)} (a seller buys nothing here)")

        def held() -> dict[str, Any] | None:
            mine = self.call("GET", "/api/tickets/mine", 200, buyer["token"])
            return next((t for t in mine if t["id"] == ticket["id"]), None)

        sold = self.until("the ticket to change hands", held)
        self.say(f"the ticket is {sold['status']}: the buyer holds it now")
        path = f"/api/tickets/{ticket['id']}/code"
        code = self.call("GET", path, 200, buyer["token"])
        self.say(f"buyer's ticket code (version {code['version']}): {code['code'][:24]}...")
        self.call("GET", path, 403, seller["token"])
        self.say("the seller's code no longer exists for them: only the holder gets one")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Walk the user story against the gateway.")
    parser.add_argument("--gateway", default="http://127.0.0.1:8080")
    args = parser.parse_args(argv)
    try:
        Demo(args.gateway).run()
    except DemoFailed as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    except httpx.TransportError as exc:
        print(f"demo failed: {story.no_platform(args.gateway, exc)}", file=sys.stderr)
        return 1
    print("demo complete", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
