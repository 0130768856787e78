"""A Locust user walking the user story through the gateway: browse, search and view tickets,
sign up (once, when it starts), sell a ticket, reserve one and pay for it, or reserve one and
cancel. Every call is real HTTP with the user's own session cookie.

An answer that is a correct "no" of a busy marketplace is not a failure: it is counted under
its own name beside the task's, e.g. ``reserve (lost the race)`` for a 409 because another
user reserved the ticket first, ``pay (order not known yet)`` while the order's event is on
its way to payments, ``... (429 from the edge)`` when the edge asks this address to slow down
(the call is retried after ``Retry-After``)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from locust import HttpUser, between, task
from locust.clients import ResponseContextManager
from locust.exception import StopUser

from ticketing.stack import story

WORDS = ("Concert", "Opera", "Jazz", "Derby", "Festival", "Ballet", "Comedy", "Final")
# The name of every kind of call; the summary says which of them never ran.
TASKS = ("sign up", "browse", "search", "view ticket", "sell", "reserve", "pay", "cancel")
NOT_KNOWN = "order not known yet"
# An expected "no": a label for the answer, or None if it is a real failure.
Refusal = Callable[[ResponseContextManager], "str | None"]


def no_refusal(response: ResponseContextManager) -> str | None:
    return None


@dataclass
class Answer:
    body: Any = None  # the JSON of the expected answer
    refused: str | None = None  # the label of an expected refusal


class Shopper(HttpUser):
    wait_time = between(1.0, 3.0)  # a person's pause between actions; --wait changes it
    # Signing up hashes a password (argon2), which takes a core for a while: a few at a time,
    # or a crowd of new users queues in auth past the edge's timeout. (Locust has patched
    # threading for gevent, so this semaphore is shared by all the users' greenlets.)
    sign_up_turns = threading.Semaphore(4)

    def on_start(self) -> None:
        self.run_id = uuid4().hex[:12]
        self.sold = 0
        self.reserved = 0  # reservations made; the first of every three is cancelled
        self.tickets: list[dict[str, Any]] = []  # what the last browse or search showed
        with self.sign_up_turns:
            signed_up = self.call("POST", "/api/users/signup", "sign up", 201, json=self.account())
        if signed_up.body is None:
            raise StopUser()  # counted as a failure once; signed out, it could only fail on
        self.user_id = str(signed_up.body["id"])

    def account(self) -> dict[str, str]:
        return story.account(f"load-{self.run_id}", self.run_id)

    def call(
        self,
        method: str,
        path: str,
        name: str,
        expect: int,
        refusal: Refusal = no_refusal,
        **kwargs: Any,
    ) -> Answer:
        """The answer, counted under ``name`` if it is ``expect``, as an expected refusal
        under ``name (label)``, or as a failure (an empty answer)."""
        while True:
            with self.client.request(
                method, path, name=name, catch_response=True, **kwargs
            ) as response:
                if response.status_code == expect:
                    response.success()
                    return Answer(body=response.json() if response.content else None)
                if response.status_code == 429:
                    response.request_meta["name"] = f"{name} (429 from the edge)"
                    response.success()
                    time.sleep(story.retry_after(response.headers))
                    continue
                label = refusal(response)
                if label is None:
                    response.failure(problem(response))
                    return Answer()
                response.request_meta["name"] = f"{name} ({label})"
                response.success()
                return Answer(refused=label)

    @task(10)
    def browse(self) -> None:
        self.look("browse", {"sort": random.choice(("newest", "price_asc")), "limit": 50})

    @task(5)
    def search(self) -> None:
        self.look("search", {"title": random.choice(WORDS).lower(), "limit": 50})

    def look(self, name: str, params: dict[str, Any]) -> None:
        page = self.call("GET", "/api/tickets", name, 200, params=params).body
        if page is not None:
            self.tickets = page["results"]

    @task(3)
    def view_ticket(self) -> None:
        if self.tickets:
            ticket = random.choice(self.tickets)
            self.call("GET", f"/api/tickets/{ticket['id']}", "view ticket", 200)

    @task(3)
    def sell(self) -> None:
        self.sold += 1
        title = f"{random.choice(WORDS)} {self.run_id} #{self.sold}"
        price = f"{random.randint(10, 150)}.{random.choice(('00', '50'))}"
        self.call("POST", "/api/tickets", "sell", 201, json=story.listing(title, price))

    @task(3)
    def buy(self) -> None:
        """Reserve a ticket and pay for it; but change its mind and cancel on one reservation
        in three, the first of them, so that every shopper who reserves also cancels (left to
        chance, a short run can end with no cancel at all)."""
        order = self.reserve()
        if order is None:
            return
        self.reserved += 1
        if self.reserved % 3 == 1:
            self.call("DELETE", f"/api/orders/{order['id']}", "cancel", 204)
        else:
            self.pay(order["id"])

    def reserve(self) -> dict[str, Any] | None:
        """Order one of the tickets on sale that the last look showed, if there is one."""
        on_sale = [
            ticket
            for ticket in self.tickets
            if ticket["status"] == "approved"
            and ticket["order_id"] is None
            and ticket["user_id"] != self.user_id
        ]
        if not on_sale:
            return None
        ticket = random.choice(on_sale)
        self.tickets.remove(ticket)
        body = {"ticket_id": ticket["id"]}
        order: dict[str, Any] | None = self.call(
            "POST", "/api/orders", "reserve", 201, ordering_refusal, json=body
        ).body
        return order

    def pay(self, order_id: str) -> None:
        """Pay with the test card, asking again while payments has not heard of the order."""
        body = {"order_id": order_id, "token": story.TEST_CARD}

        def settled() -> Answer | None:
            answer = self.call("POST", "/api/payments", "pay", 201, payment_refusal, json=body)
            return None if answer.refused == NOT_KNOWN else answer

        started = time.perf_counter()
        try:
            story.until("payments to hear of the order", settled, within=30, pause=0.5)
        except story.NotInTime as exc:
            waited = (time.perf_counter() - started) * 1000
            self.environment.events.request.fire(
                request_type="POST",
                name="pay",
                response_time=waited,
                response_length=0,
                exception=exc,
                context={},
            )


def problem(response: ResponseContextManager) -> str:
    """The status and the problem's title and detail, without its request id (so the
    summary counts the same failure once)."""
    try:
        body = response.json()
        return f"{response.status_code} {body['title']}: {body.get('detail', '')}"
    except (ValueError, KeyError, TypeError):
        return f"{response.status_code}: {response.text[:200]}"


def ordering_refusal(response: ResponseContextManager) -> str | None:
    if response.status_code not in (404, 409):
        return None
    if story.order_not_yet(response.status_code, response.json()):
        return "ticket not open yet"
    return "lost the race" if response.status_code == 409 else None


def payment_refusal(response: ResponseContextManager) -> str | None:
    return NOT_KNOWN if story.payment_not_yet(response.status_code) else None
