"""How fast does the orders service take orders, and what does a race for one ticket cost?

Runs the orders app in this process against real servers (an embedded SecantusDB unless
MONGODB_URL is set; RabbitMQ and Redis from their URLs or the local defaults), and prints:
- sequential order placement: requests/s and latency percentiles (each includes the
  transaction, the outbox write and the publish with confirms);
- a race of N buyers for one ticket: wall time until every request has its answer, and that
  exactly one won;
- the process's peak resident memory.

    ./pants run scripts/bench:orders -- --orders 200 --racers 50
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import time
from decimal import Decimal
from typing import Any
from uuid import uuid4

from ticketing.orders.app import create_app
from ticketing.orders.models import TicketReplica
from ticketing.orders.settings import OrdersSettings
from ticketing.shared import events, logs
from ticketing.shared.permissions import RelationTuple
from ticketing.testing.fixtures import isolation, remove_isolation, running, sign_up
from ticketing.testing.real_servers import real_servers


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


def percentile(samples: list[float], p: float) -> float:
    return statistics.quantiles(samples, n=100)[int(p) - 1] if len(samples) > 1 else samples[0]


async def bench(orders: int, racers: int) -> None:
    with real_servers() as servers:
        print(servers.describe())
        tag = f"bench{uuid4().hex[:8]}"
        app = create_app(OrdersSettings(**isolation(servers, tag)))
        platform = app.state.platform
        async with running(app) as client:
            seller, _ = await sign_up(platform.identity, "seller@bench.example")
            _, buyer = await sign_up(platform.identity, "buyer@bench.example")
            tickets = [await approved_ticket(platform, seller.id) for _ in range(orders)]
            latencies = []
            started = time.perf_counter()
            for ticket_id in tickets:
                t0 = time.perf_counter()
                response = await client.post(
                    "/api/orders", json={"ticket_id": ticket_id}, headers=buyer
                )
                latencies.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 201, response.text
            elapsed = time.perf_counter() - started
            print(f"sequential orders: {orders} in {elapsed:.2f} s = {orders / elapsed:.0f} req/s")
            print(
                f"  latency ms: p50 {percentile(latencies, 50):.1f}"
                f"  p95 {percentile(latencies, 95):.1f}  max {max(latencies):.1f}"
            )

            contested = await approved_ticket(platform, seller.id)
            buyers = [
                (await sign_up(platform.identity, f"racer{i}@bench.example"))[1]
                for i in range(racers)
            ]
            started = time.perf_counter()
            results = await asyncio.gather(
                *(
                    client.post("/api/orders", json={"ticket_id": contested}, headers=h)
                    for h in buyers
                )
            )
            elapsed = time.perf_counter() - started
            codes = sorted(r.status_code for r in results)
            print(
                f"race of {racers} buyers for one ticket: {elapsed * 1000:.0f} ms,"
                f" winners {codes.count(201)}, refused {codes.count(409)},"
                f" other {len(codes) - codes.count(201) - codes.count(409)}"
            )
        await remove_isolation(servers, tag)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory of this process: {peak_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--racers", type=int, default=50)
    args = parser.parse_args()
    logs.configure("bench", "WARNING")  # figures, not a log line per request
    asyncio.run(bench(args.orders, args.racers))


if __name__ == "__main__":
    main()
