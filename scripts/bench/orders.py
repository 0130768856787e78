"""How fast does the orders service take orders, and what does a race for one ticket cost?

Runs the orders app in this process against real servers (an embedded SecantusDB unless
MONGODB_URL is set; RabbitMQ and Redis from their URLs or the local defaults), and prints:
- order placement one at a time and ``--concurrency`` at a time, rounds interleaved (medians):
  orders/s, latency percentiles (each order includes the transaction, the outbox write and
  the publish with confirms) and the ratio concurrent / sequential against its target (3);
- a race of ``--racers`` buyers for one ticket: wall time until every request has its
  answer, that exactly one won (by the answers and by the orders stored), against 3 s;
- the process's resident memory and its peak.

    ./pants run scripts/bench:orders -- --orders 200 --concurrency 32 --racers 1000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import time
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx

from bench.common import percentile, rss_mb, verdict
from ticketing.orders.app import create_app
from ticketing.orders.models import Order, TicketReplica
from ticketing.orders.settings import OrdersSettings
from ticketing.shared import events, logs
from ticketing.shared.permissions import RelationTuple
from ticketing.testing.fixtures import isolation, remove_isolation, running, sign_up
from ticketing.testing.real_servers import real_servers

CONCURRENCY_TARGET = 3.0  # concurrent throughput / sequential
RACE_TARGET_S = 3.0


async def approved_ticket(platform: Any, seller_id: str) -> str:
    ticket_id = str(uuid4())
    await TicketReplica(
        id=ticket_id,
        version=1,
        title="Bench gig",
        price=Decimal("10.00"),
        user_id=seller_id,
        status=events.TicketStatus.APPROVED,
    ).insert()
    await platform.permissions.write([RelationTuple("Ticket", ticket_id, "owners", seller_id)])
    return ticket_id


async def place(
    client: httpx.AsyncClient, buyer: dict[str, str], tickets: list[str], concurrency: int
) -> tuple[float, list[float]]:
    """Orders for ``tickets`` by ``concurrency`` workers: orders/s and latencies in ms."""
    remaining = iter(tickets)
    latencies: list[float] = []

    async def worker() -> None:
        for ticket_id in remaining:
            t0 = time.perf_counter()
            response = await client.post(
                "/api/orders", json={"ticket_id": ticket_id}, headers=buyer
            )
            latencies.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 201, response.text

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(tickets) / (time.perf_counter() - started), latencies


async def bench(orders: int, concurrency: int, rounds: int, racers: int) -> None:
    with real_servers() as servers:
        print(servers.describe())
        tag = f"bench{uuid4().hex[:8]}"
        app = create_app(OrdersSettings(**isolation(servers, tag)))
        platform = app.state.platform
        async with running(app) as client:
            seller, _ = await sign_up(platform.identity, "seller@bench.example")
            _, buyer = await sign_up(platform.identity, "buyer@bench.example")
            idle = rss_mb_self()
            rates: dict[int, list[float]] = {1: [], concurrency: []}
            latencies: dict[int, list[float]] = {1: [], concurrency: []}
            for _ in range(rounds):
                for c in rates:
                    tickets = [await approved_ticket(platform, seller.id) for _ in range(orders)]
                    rate, took = await place(client, buyer, tickets, c)
                    rates[c].append(rate)
                    latencies[c].extend(took)
            print(f"order placement, {orders} orders per round, median of {rounds} rounds:")
            for c, samples in latencies.items():
                print(
                    f"  {c:>3} at a time: {statistics.median(rates[c]):.0f} orders/s"
                    f"  {[round(r) for r in rates[c]]}  latency ms p50"
                    f" {percentile(samples, 50):.1f} p95 {percentile(samples, 95):.1f}"
                    f" p99 {percentile(samples, 99):.1f}"
                )
            ratio = statistics.median(rates[concurrency]) / statistics.median(rates[1])
            print(
                "  " + verdict(f"{concurrency} at a time / sequential", ratio, CONCURRENCY_TARGET)
            )
            loaded = rss_mb_self()

            contested = await approved_ticket(platform, seller.id)
            people = await asyncio.gather(
                *(sign_up(platform.identity, f"racer{i}@bench.example") for i in range(racers))
            )
            started = time.perf_counter()
            results = await asyncio.gather(
                *(
                    client.post("/api/orders", json={"ticket_id": contested}, headers=headers)
                    for _, headers in people
                )
            )
            elapsed = time.perf_counter() - started
            codes = [r.status_code for r in results]
            stored = await Order.find({"ticket_id": contested}).count()
            print(
                f"race of {racers} buyers for one ticket: winners {codes.count(201)},"
                f" refused {codes.count(409)},"
                f" other {len(codes) - codes.count(201) - codes.count(409)},"
                f" orders stored for it {stored}"
            )
            print("  " + verdict("seconds to settle", elapsed, RACE_TARGET_S, at_most=True))
            print(f"  exactly one winner: {'yes' if codes.count(201) == stored == 1 else 'NO'}")
        await remove_isolation(servers, tag)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"resident memory of this process (the orders app and the load): idle {idle:.0f} MB,"
            f" after placing {loaded:.0f} MB, peak {peak_mb:.0f} MB"
        )


def rss_mb_self() -> float:
    return rss_mb(os.getpid())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--racers", type=int, default=1000)
    args = parser.parse_args()
    logs.configure("bench", "WARNING")  # figures, not a log line per request
    asyncio.run(bench(args.orders, args.concurrency, args.rounds, args.racers))


if __name__ == "__main__":
    main()
