"""How fast does the orders service take orders, and what does a race for one ticket cost?

Starts the orders service as its own process (as stack:up does: uvicorn, uvloop, httptools)
against real servers (an embedded SecantusDB unless MONGODB_URL is set; RabbitMQ and Redis
from their URLs or the local defaults), and sends it HTTP from this process over keep-alive
connections. The buyers' sessions and the approved tickets are written straight into the
stores (the embedded identity engine's sessions, orders' ticket replica), as if signed up and
listed before the run. It prints:
- order placement one at a time and ``--concurrency`` at a time, rounds interleaved (medians):
  orders/s, latency percentiles (each order includes its transaction, the outbox write and
  the publish with confirms), how many of the machine's cores were busy, and the ratio
  concurrent / sequential against its target (3);
- the same ratio for the database alone: raw-driver transactions writing an order and an
  outbox row, at 1 and ``--concurrency`` (lighter than ``place``, which also writes the order's
  three relation tuples: a ceiling the service cannot pass on this server);
- a race of ``--racers`` buyers, each on a connection of their own, for one ticket: wall time
  until every request has its answer, that exactly one won (by the answers and by the orders
  stored), against 3 s;
- the service's resident memory idle, after placing and after the race.

    ./pants run scripts/bench:orders -- --orders 200 --concurrency 32 --racers 1000
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from bson import Decimal128
from pymongo import AsyncMongoClient

from bench.common import (
    cpu_use,
    http_request,
    percentile,
    rate_of,
    rss_mb,
    send_all,
    service_process,
    verdict,
)
from ticketing.shared.identity import hash_token
from ticketing.testing.real_servers import Servers

CONCURRENCY_TARGET = 3.0  # concurrent throughput / sequential
RACE_TARGET_S = 3.0
SELLER = "bench-seller"


class Stores:
    """The embedded identity engine's sessions and orders' ticket replica, written directly."""

    def __init__(self, servers: Servers, env: dict[str, str]) -> None:
        self.client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(servers.mongodb_url)
        self.sessions = self.client[env["EMBEDDED_AUTH_DATABASE"]]["sessions"]
        self.orders = self.client[f"{env['MONGODB_DATABASE_PREFIX']}_orders"]

    async def buyers(self, count: int) -> list[dict[str, str]]:
        """``count`` signed-in buyers: the headers carrying each one's session."""
        tokens = [secrets.token_urlsafe(32) for _ in range(count)]
        expires = datetime.now(UTC) + timedelta(hours=1)
        await self.sessions.insert_many(
            {
                "token_hash": hash_token(token),
                "identity_id": str(uuid4()),
                "email": f"buyer-{i}@bench.example",
                "expires_at": expires,
                "authenticated_at": datetime.now(UTC),
            }
            for i, token in enumerate(tokens)
        )
        return [{"Authorization": f"Bearer {token}"} for token in tokens]

    async def tickets(self, count: int) -> list[str]:
        """``count`` tickets approved by moderation, as orders' replica holds them."""
        ids = [str(uuid4()) for _ in range(count)]
        await self.orders["tickets"].insert_many(
            {
                "_id": ticket,
                "version": 1,
                "title": "Bench gig",
                "price": Decimal128("10.00"),
                "user_id": SELLER,
                "status": "approved",
                "event_starts_at": datetime.now(UTC) + timedelta(days=30),
            }
            for ticket in ids
        )
        return ids

    async def orders_for(self, ticket: str) -> int:
        return await self.orders["orders"].count_documents({"ticket_id": ticket})

    async def floor_rate(self, transactions: int, concurrency: int) -> float:
        """The database's own ceiling: transactions per second with the raw driver, each
        writing an order and an outbox row (``place`` also writes three relation tuples) into a
        scratch database."""
        scratch = self.client[f"{self.orders.name}_floor"]

        async def transaction() -> None:
            async def write(session: Any) -> None:
                ticket = str(uuid4())
                await scratch["orders"].insert_one({"ticket_id": ticket}, session=session)
                await scratch["outbox"].insert_one({"subject": ticket}, session=session)

            async with self.client.start_session() as session:
                await session.with_transaction(write)

        return await rate_of(transaction, transactions, concurrency)


def orders_of(url: str, buyers: list[dict[str, str]], tickets: list[str]) -> list[bytes]:
    return [
        http_request("POST", f"{url}/api/orders", {"ticket_id": ticket}, buyer)
        for buyer, ticket in zip(buyers, tickets, strict=True)
    ]


async def placement(url: str, stores: Stores, orders: int, concurrency: int, rounds: int) -> None:
    buyer = await stores.buyers(1)
    rates: dict[int, list[float]] = {1: [], concurrency: []}
    latencies: dict[int, list[float]] = {1: [], concurrency: []}
    cores: dict[int, list[float]] = {1: [], concurrency: []}
    floors: dict[int, list[float]] = {1: [], concurrency: []}
    for _ in range(rounds):
        for c in rates:
            floors[c].append(await stores.floor_rate(orders, c))
            requests = orders_of(url, buyer * orders, await stores.tickets(orders))
            with cpu_use() as busy:
                started = time.perf_counter()
                statuses, took = await send_all(url, requests, c)
                rates[c].append(orders / (time.perf_counter() - started))
            if set(statuses) != {201}:
                raise RuntimeError(f"an order was refused: {sorted(set(statuses))}")
            latencies[c] += [t * 1000 for t in took]
            cores[c] += busy
    print(f"order placement, {orders} orders per round, median of {rounds} rounds:")
    for c, samples in latencies.items():
        print(
            f"  {c:>3} at a time: {statistics.median(rates[c]):.0f} orders/s"
            f"  {[round(r) for r in rates[c]]}  latency ms p50 {percentile(samples, 50):.1f}"
            f" p95 {percentile(samples, 95):.1f} p99 {percentile(samples, 99):.1f}"
            f"  cores busy {statistics.median(cores[c]):.2f}"
        )
    ratio = statistics.median(rates[concurrency]) / statistics.median(rates[1])
    print("  " + verdict(f"{concurrency} at a time / sequential", ratio, CONCURRENCY_TARGET))
    floor = {c: statistics.median(samples) for c, samples in floors.items()}
    print(
        f"  the floor, raw-driver transactions (an order and an outbox row) on the same server:"
        f" {floor[1]:.0f}/s one at a time, {floor[concurrency]:.0f}/s {concurrency} at a time,"
        f" ratio {floor[concurrency] / floor[1]:.2f}"
    )


async def race(url: str, stores: Stores, racers: int) -> None:
    (contested,) = await stores.tickets(1)
    requests = orders_of(url, await stores.buyers(racers), [contested] * racers)
    started = time.perf_counter()
    statuses, _ = await send_all(url, requests, racers)  # a connection each, all at once
    elapsed = time.perf_counter() - started
    stored = await stores.orders_for(contested)
    won, refused = statuses.count(201), statuses.count(409)
    print(
        f"race of {racers} buyers for one ticket: winners {won}, refused {refused},"
        f" other {racers - won - refused}, orders stored for it {stored}"
    )
    print("  " + verdict("seconds to settle", elapsed, RACE_TARGET_S, at_most=True))
    print(f"  exactly one winner: {'yes' if won == stored == 1 else 'NO'}")


async def bench(servers: Servers, env: dict[str, str], url: str, pid: int, args: Any) -> None:
    stores = Stores(servers, env)
    idle = rss_mb(pid)
    await placement(url, stores, args.orders, args.concurrency, args.rounds)
    placed = rss_mb(pid)
    await race(url, stores, args.racers)
    print(
        f"resident memory of the orders service: idle {idle:.0f} MB, after placing"
        f" {placed:.0f} MB, after the race {rss_mb(pid):.0f} MB"
    )
    await stores.client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--racers", type=int, default=1000)
    args = parser.parse_args()
    with service_process("orders") as (servers, env, orders):
        assert orders.process is not None
        asyncio.run(bench(servers, env, orders.url, orders.process.pid, args))


if __name__ == "__main__":
    main()
