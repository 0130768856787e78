"""How long does an event take to have its effect in the next service? p50/p99 per hop.

Starts every service as its own process (as stack:up does) on real servers, and watches the
platform's exchange from this process with a queue of its own (a tap, as another service
would consume). Each of ``--flows`` purchases runs one after another through the services'
HTTP APIs, and each hop is timed between two arrivals at the tap (both seen the same way),
but for "orderable", which is when orders' replica is first seen approved:
- ticket.created -> orderable: moderation screens the ticket (its job, classifier-free word
  list) and publishes ticket.approved, reported separately as screening; orders applies the
  verdict to its replica (seen by polling orders' database every millisecond);
- order.created -> the ticket reserved: tickets' ticket.updated naming the order;
- payment.authorized -> the order complete: orders' order.completed.
Also the resident memory of every service idle and after the flows. Target p99 < 50 ms a hop,
moderation's screening excluded (its total with the verdict is printed without a verdict).

    ./pants run scripts/bench:propagation -- --flows 60
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from aio_pika import connect
from aio_pika.abc import AbstractIncomingMessage
from pymongo import AsyncMongoClient

from bench.common import listed, percentile, rss_of, signed_up, verdict
from ticketing.shared import events, logs
from ticketing.testing.platform import RunningPlatform, platform_processes
from ticketing.testing.real_servers import Servers, real_servers

TARGET_MS = 50.0
WATCHED: list[type[events.Event]] = [
    events.TicketCreated,
    events.TicketApproved,
    events.TicketUpdated,
    events.OrderCreated,
    events.PaymentAuthorized,
    events.OrderCompleted,
]


class Tap:
    """Every watched event's arrival time, by subject and entity id: an exclusive queue of its
    own bound to the platform's exchange, so no service's queue is touched and nothing is left."""

    def __init__(self, servers: Servers, exchange: str) -> None:
        self.url, self.exchange = servers.rabbitmq_url, exchange
        self.seen: dict[tuple[str, str], float] = {}
        self.arrived = asyncio.Event()

    async def start(self) -> Tap:
        self.connection = await connect(self.url)
        channel = await self.connection.channel()
        exchange = await channel.get_exchange(self.exchange)  # declared by the services
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for event_type in WATCHED:
            await queue.bind(exchange, routing_key=event_type.SUBJECT)
        await queue.consume(self.record, no_ack=True)
        return self

    async def stop(self) -> None:
        await self.connection.close()

    async def record(self, message: AbstractIncomingMessage) -> None:
        now = time.perf_counter()
        subject = message.routing_key or ""
        event = events.decode(message.body, events.BY_SUBJECT[subject])
        key = event.order_id if isinstance(event, events.TicketUpdated) else None
        self.seen.setdefault((subject, key or event.id), now)
        self.arrived.set()

    async def when(self, subject: str, entity: str, within: float = 10.0) -> float:
        async with asyncio.timeout(within):
            while (subject, entity) not in self.seen:
                self.arrived.clear()
                await self.arrived.wait()
        return self.seen[(subject, entity)]


async def orderable_at(replicas: Any, ticket: str, within: float = 10.0) -> float:
    """When orders' replica of ``ticket`` is first seen approved (polled every millisecond)."""
    async with asyncio.timeout(within):
        while not await replicas.find_one({"_id": ticket, "status": "approved"}):
            await asyncio.sleep(0.001)
    return time.perf_counter()


async def flows(servers: Servers, running: RunningPlatform, count: int) -> dict[str, list[float]]:
    tap = await Tap(servers, running.env["EVENT_EXCHANGE"]).start()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(servers.mongodb_url)
    replicas = mongo[f"{running.env['MONGODB_DATABASE_PREFIX']}_orders"]["tickets"]
    urls = running.urls()
    hops: dict[str, list[float]] = {}

    def hop(name: str, start: float, end: float) -> None:
        hops.setdefault(name, []).append((end - start) * 1000)

    async with (
        httpx.AsyncClient(base_url=urls["auth"], timeout=30) as auth,
        httpx.AsyncClient(base_url=urls["tickets"], timeout=30) as tickets,
        httpx.AsyncClient(base_url=urls["orders"], timeout=30) as orders,
        httpx.AsyncClient(base_url=urls["payments"], timeout=30) as payments,
    ):
        seller, buyer = await signed_up(auth), await signed_up(auth)
        for i in range(count):
            ticket = await listed(tickets, seller, f"Bench gig {i}")
            orderable = await orderable_at(replicas, ticket)
            created = await tap.when("ticket.created", ticket)
            approved = await tap.when("ticket.approved", ticket)
            hop(UNTARGETED[0], created, orderable)
            hop(UNTARGETED[1], created, approved)
            hop("  of which orders applying the verdict", approved, orderable)

            order = await orders.post("/api/orders", json={"ticket_id": ticket}, headers=buyer)
            assert order.status_code == 201, order.text
            order_id = order.json()["id"]
            reserved = await tap.when("ticket.updated", order_id)
            hop(
                "order.created -> ticket reserved",
                await tap.when("order.created", order_id),
                reserved,
            )

            while True:  # payments learns of the order from order.created too
                paid = await payments.post(
                    "/api/payments", json={"order_id": order_id, "token": "tok_visa"}, headers=buyer
                )
                if paid.status_code not in (404, 409):
                    break
                await asyncio.sleep(0.005)
            assert paid.status_code == 201, paid.text
            completed = await tap.when("order.completed", order_id)
            authorized = await tap.when("payment.authorized", paid.json()["id"])
            hop("payment.authorized -> order complete", authorized, completed)
    await tap.stop()
    await mongo.close()
    return hops


# Screening is excluded from the target: the first includes it, the second is it.
UNTARGETED = (
    "ticket.created -> orderable",
    "  of which moderation's screening (-> ticket.approved)",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=60)
    args = parser.parse_args()
    logs.configure("bench", "WARNING")
    with real_servers() as servers, tempfile.TemporaryDirectory() as scratch:
        print(servers.describe())
        with platform_processes(servers, Path(scratch), LOG_LEVEL="WARNING") as running:
            pids = {m.name: m.process.pid for m in running.services.members if m.process}
            idle = rss_of(pids)
            hops = asyncio.run(flows(servers, running, args.flows))
            loaded = rss_of(pids)
    print(f"event propagation over {args.flows} purchases, one at a time, ms:")
    for name, samples in hops.items():
        p50, p99 = percentile(samples, 50), percentile(samples, 99)
        line = f"  {name:<56} p50 {p50:7.1f}  p99 {p99:7.1f}  max {max(samples):7.1f}"
        if name not in UNTARGETED:
            line += "   " + verdict("p99", p99, TARGET_MS, at_most=True)
        print(line)
    print("resident memory, MB: service idle -> after the purchases")
    for name in pids:
        print(f"  {name:<11} {idle[name]:6.0f} -> {loaded[name]:6.0f}")


if __name__ == "__main__":
    main()
