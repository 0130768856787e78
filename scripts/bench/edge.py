"""The read paths of tickets against their floor, and what the nginx edge costs on them.

For ``GET /api/tickets/{id}`` and ``GET /api/tickets?limit=10``, in the same run (rounds
interleaved, medians), so the ratios hold on a noisy machine:
- the floor: the same filter, sort and limit with the raw driver (pymongo async, ``tz_aware``
  as the service's client; whole documents, where the service projects its fields)
  from this process against the same MongoDB-wire server, at the same concurrency;
- the tickets service directly;
- through the edge.
It prints each rate, service / floor and edge / direct against the targets of issue #17, and
the resident memory of every service idle and after the reads.

Starts every service as its own process (as stack:up does) on real servers, and the edge in
front of them; the load comes from this process (``--concurrency`` keep-alive connections).

    ./pants run scripts/bench:edge -- --requests 2000 --concurrency 32 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from bench.common import get_rate, listed, rate_of, rss_of, signed_up, verdict
from ticketing.shared import logs
from ticketing.stack.edge import Edge
from ticketing.testing.platform import RunningPlatform, platform_processes
from ticketing.testing.real_servers import Servers, real_servers

TARGETS = {"by id": 0.80, "list": 0.70}  # service / raw-driver floor
EDGE_TARGET = 0.85  # edge / direct
MODES = ("floor", "direct", "edge")
Read = Callable[[int, int], Coroutine[Any, Any, float]]


async def seeded(edge: str, tickets: int) -> str:
    """Lists ``tickets`` tickets through the edge; the id of the last."""
    async with httpx.AsyncClient(base_url=edge, timeout=30) as client:
        seller = await signed_up(client)
        ids = [await listed(client, seller, f"Bench gig {i}") for i in range(tickets)]
        return ids[-1]


def floors(servers: Servers, running: RunningPlatform, ticket: str) -> dict[str, Read]:
    """The raw-driver reads matching the service's handlers, as coroutine factories."""

    def collection() -> Any:
        # A client per round: a pymongo async client is bound to the loop it first runs on.
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            servers.mongodb_url, tz_aware=True
        )
        return client[f"{running.env['MONGODB_DATABASE_PREFIX']}_tickets"]["tickets"]

    async def by_id(requests: int, concurrency: int) -> float:
        tickets = collection()
        rate = await rate_of(lambda: tickets.find_one({"_id": ticket}), requests, concurrency)
        await tickets.database.client.close()
        return rate

    async def page(requests: int, concurrency: int) -> float:
        tickets = collection()
        order = [("created_at", -1), ("_id", -1)]  # the default sort, newest first
        # The service asks for one more than the page, to know whether there is a next one.
        rate = await rate_of(
            lambda: tickets.find({}).sort(order).limit(11).to_list(), requests, concurrency
        )
        await tickets.database.client.close()
        return rate

    return {"by id": by_id, "list": page}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tickets", type=int, default=30, help="listed before the reads")
    parser.add_argument(
        "--log-level", default="WARNING", help="the services' LOG_LEVEL (INFO: a line a request)"
    )
    args = parser.parse_args()
    logs.configure("bench", "WARNING")
    n, c = args.requests, args.concurrency
    with real_servers() as servers, tempfile.TemporaryDirectory() as scratch:
        print(servers.describe())
        with platform_processes(servers, Path(scratch), LOG_LEVEL=args.log_level) as running:
            pids = {m.name: m.process.pid for m in running.services.members if m.process}
            idle = rss_of(pids)
            edge = Edge(running.urls(), Path(scratch) / "edge").start()
            try:
                ticket = asyncio.run(seeded(edge.url, args.tickets))
                paths = {"by id": f"/api/tickets/{ticket}", "list": "/api/tickets?limit=10"}
                floor = floors(servers, running, ticket)
                rates: dict[tuple[str, str], list[float]] = {}
                for _ in range(args.rounds):
                    for read, path in paths.items():
                        bases = {"direct": running.urls()["tickets"], "edge": edge.url}
                        for mode in MODES:
                            run = (
                                floor[read](n, c)
                                if mode == "floor"
                                else get_rate(bases[mode] + path, n, c)
                            )
                            rates.setdefault((read, mode), []).append(asyncio.run(run))
                loaded = rss_of(pids)
            finally:
                edge.stop()
    print(
        f"{c} connections, median of {args.rounds} interleaved rounds of {n} requests,"
        f" services at LOG_LEVEL={args.log_level}:"
    )
    for read, path in paths.items():
        floor_rate, direct, through = (statistics.median(rates[(read, mode)]) for mode in MODES)
        print(f"GET {path.replace(ticket, '{id}')}")
        print(
            f"  raw driver {floor_rate:.0f}/s   tickets direct {direct:.0f}/s"
            f"   through the edge {through:.0f}/s"
        )
        print("  " + verdict("tickets / raw driver", direct / floor_rate, TARGETS[read]))
        print("  " + verdict("edge / direct", through / direct, EDGE_TARGET))
    print("resident memory, MB: service idle -> after the reads")
    for name in pids:
        print(f"  {name:<11} {idle[name]:6.0f} -> {loaded[name]:6.0f}")


if __name__ == "__main__":
    main()
