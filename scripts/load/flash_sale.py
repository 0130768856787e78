"""A flash sale through the gateway: many buyers race for one ticket; exactly one may win.

A seller lists one ticket; once moderation approves it, ``--buyers`` signed-up buyers all try
to reserve it at once. Exactly one order must win, every other buyer must be told 409
Conflict (the ticket is reserved by another order), and the tickets service must come to
show the ticket reserved by the winning order. Prints the answers, the winner and how long the
race took; exits 1 otherwise.

    ./pants run scripts/load:flash_sale -- --buyers 200 --host http://127.0.0.1:8080
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from typing import Any
from uuid import uuid4

import httpx

from ticketing.stack import story

# A buyer asking before orders has heard of the approval asks again after this many seconds.
NOT_YET_PAUSE = 0.1
# Signing up hashes a password (argon2), which takes a core for a while: a few at a time
# (as the load generator does).
SIGN_UPS_AT_ONCE = 4


class SaleFailed(Exception):
    """The sale could not be set up: the platform answered something unexpected."""


async def send(client: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """The answer, once the edge stops asking this address to slow down (429)."""
    while (response := await client.request(method, path, **kwargs)).status_code == 429:
        await asyncio.sleep(story.retry_after(response.headers))
    return response


async def sign_up(client: httpx.AsyncClient, role: str, turns: asyncio.Semaphore) -> str:
    """A new account's bearer token."""
    async with turns:
        body = story.account(role, uuid4().hex)
        response = await send(client, "POST", "/api/users/signup", json=body)
    if response.status_code != 201 or not response.json().get("token"):
        raise SaleFailed(f"signing up answered {response.status_code}: {response.text}")
    return str(response.json()["token"])


async def approved_ticket(client: httpx.AsyncClient, seller: str) -> str:
    body = story.listing(f"Flash sale {uuid4().hex[:6]}", "99.00")
    auth = {"Authorization": f"Bearer {seller}"}
    listed = await send(client, "POST", "/api/tickets", json=body, headers=auth)
    if listed.status_code != 201:
        raise SaleFailed(f"listing the ticket answered {listed.status_code}: {listed.text}")
    ticket_id = str(listed.json()["id"])
    deadline = time.monotonic() + 30
    while (await send(client, "GET", f"/api/tickets/{ticket_id}")).json()["status"] != "approved":
        if time.monotonic() > deadline:
            raise SaleFailed("moderation did not approve the ticket within 30 s")
        await asyncio.sleep(0.2)
    return ticket_id


async def reserve(
    client: httpx.AsyncClient, token: str, ticket_id: str, start: asyncio.Event
) -> tuple[int, str]:
    """The final answer to one buyer (status, and the order id or the problem's detail)."""
    await start.wait()
    auth = {"Authorization": f"Bearer {token}"}
    while True:
        response = await send(
            client, "POST", "/api/orders", json={"ticket_id": ticket_id}, headers=auth
        )
        answer = response.json() if response.content else {}
        if not story.order_not_yet(response.status_code, answer):
            return response.status_code, str(answer.get("id") or answer.get("detail"))
        await asyncio.sleep(NOT_YET_PAUSE)


async def flash_sale(host: str, buyers: int, connections: int) -> int:
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(base_url=host, timeout=60, limits=limits) as client:
        turns = asyncio.Semaphore(SIGN_UPS_AT_ONCE)
        seller = await sign_up(client, "seller", turns)
        ticket_id = await approved_ticket(client, seller)
        print(f"ticket {ticket_id} approved; signing up {buyers} buyers", flush=True)
        tokens = await asyncio.gather(*(sign_up(client, "buyer", turns) for _ in range(buyers)))
        print(f"{buyers} buyers signed up; they race now", flush=True)
        start = asyncio.Event()
        racing = [asyncio.create_task(reserve(client, t, ticket_id, start)) for t in tokens]
        await asyncio.sleep(0)  # every buyer is waiting at the start line
        began = time.perf_counter()
        start.set()
        answers = await asyncio.gather(*racing)
        took = time.perf_counter() - began
        winners = [order for status, order in answers if status == 201]
        held = len(winners) == 1 and await held_by(client, ticket_id, winners[0])
    return report(answers, ticket_id, took, held)


async def held_by(client: httpx.AsyncClient, ticket_id: str, order_id: str) -> bool:
    """The tickets service comes to say the ticket is reserved by ``order_id`` (it hears of
    the order by an event)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ticket = (await send(client, "GET", f"/api/tickets/{ticket_id}")).json()
        if ticket["order_id"] is not None:
            return bool(ticket["order_id"] == order_id)
        await asyncio.sleep(0.2)
    return False


def report(answers: list[tuple[int, str]], ticket_id: str, took: float, held: bool) -> int:
    statuses = Counter(status for status, _ in answers)
    winners = [order for status, order in answers if status == 201]
    print(f"{len(answers)} buyers raced for ticket {ticket_id}; settled in {took:.2f} s")
    print("answers: " + ", ".join(f"{n} x {status}" for status, n in sorted(statuses.items())))
    for detail, n in Counter(d for status, d in answers if status != 201).most_common():
        print(f"  {n} x {detail}")
    print(f"winners: {len(winners)}" + (f" (order {', '.join(winners)})" if winners else ""))
    print(f"the ticket is reserved by the winning order: {'yes' if held else 'no'}")
    if len(winners) == 1 and statuses[409] == len(answers) - 1 and held:
        print("OK: exactly one order won; every other buyer was told 409 Conflict")
        return 0
    print("FAILED: expected one 201, a 409 for every other buyer, the ticket held by the winner")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--host", default="http://127.0.0.1:8080", help="the gateway")
    parser.add_argument("--buyers", type=int, default=100)
    parser.add_argument(
        "--connections",
        type=int,
        default=50,
        help="connections to the gateway at once (its limit is 64 per address)",
    )
    args = parser.parse_args(argv)
    try:
        return asyncio.run(flash_sale(args.host, args.buyers, args.connections))
    except SaleFailed as exc:
        print(f"flash sale failed: {exc}", file=sys.stderr)
        return 1
    except httpx.TransportError as exc:
        print(story.no_platform(args.host, repr(exc)), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
