"""The read paths of tickets against their floors, and what the nginx edge does for them.

For ``GET /api/tickets/{id}`` and ``GET /api/tickets?limit=10``, in the same run (rounds
interleaved, medians), so the ratios hold on a noisy machine:
- two raw-driver floors (pymongo async, ``tz_aware`` as the service's client, from this process
  against the same MongoDB-wire server, at the same concurrency): our query (the service's
  filter, sort, projection and limit) and the original's shape (``find({}).sort(_id).limit(10)``
  and ``find_one({_id})``, whole documents, as the original NestJS service asks);
- the tickets service directly;
- through the edge, cached (anonymous: served from nginx's cache within its second) and
  uncached (with a session cookie, which the edge never answers from its cache).
It prints each rate with its p50/p99 latency, the ratios against the targets of issue #30, and
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
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from bench.common import (
    http_request,
    listed,
    percentile,
    rss_of,
    send_all,
    signed_up,
    verdict,
)
from ticketing.shared import logs
from ticketing.stack.edge import Edge
from ticketing.stack.story import until
from ticketing.testing.platform import RunningPlatform, platform_processes
from ticketing.testing.real_servers import Servers, real_servers
from ticketing.tickets.listing import LIST_FIELDS, READ_FIELDS

MODES = ("floor", "original", "direct", "cached", "uncached")
LABELS = {
    "floor": "raw driver, our query",
    "original": "raw driver, the original's query",
    "direct": "tickets direct",
    "cached": "edge, cached (anonymous)",
    "uncached": "edge, uncached (session)",
}
SESSION = {"Cookie": "session_token=bench-uncached"}  # any session: the edge never caches it
# Issue #30's goals: uncached list >= 0.9 x the original's floor and cached >= 3 x; by id
# >= 0.9 x our floor; through the edge >= 0.9 x direct, p99 under 100 ms.
Rate = tuple[float, list[float]]  # requests/s and latencies (s)
Read = Callable[[int, int], Coroutine[Any, Any, Rate]]


async def seeded(edge: str, tickets: int) -> str:
    """Lists ``tickets`` tickets through the edge, waits until moderation approved them all;
    the id of the last."""
    async with httpx.AsyncClient(base_url=edge, timeout=30) as client:
        seller = await signed_up(client)
        ids = [await listed(client, seller, f"Bench gig {i}") for i in range(tickets)]
    wanted = min(tickets, 100)

    def approved() -> bool:
        page = httpx.get(f"{edge}/api/tickets", params={"limit": wanted}, headers=SESSION)
        return len(page.json()["results"]) == wanted

    until("the bench's tickets approved", approved, within=120)
    return ids[-1]


async def timed_calls(work: Callable[[], Any], requests: int, concurrency: int) -> Rate:
    remaining = iter(range(requests))
    latencies: list[float] = []

    async def worker() -> None:
        for _ in remaining:
            t0 = time.perf_counter()
            await work()
            latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return requests / (time.perf_counter() - started), latencies


def floors(servers: Servers, running: RunningPlatform, ticket: str) -> dict[str, Read]:
    """The raw-driver reads, as coroutine factories: (read, floor) -> its rate."""

    def collection() -> Any:
        # A client per round: a pymongo async client is bound to the loop it first runs on.
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            servers.mongodb_url, tz_aware=True
        )
        return client[f"{running.env['MONGODB_DATABASE_PREFIX']}_tickets"]["tickets"]

    def of(query: Callable[[Any], Any]) -> Read:
        async def read(requests: int, concurrency: int) -> Rate:
            tickets = collection()
            rate = await timed_calls(lambda: query(tickets), requests, concurrency)
            await tickets.database.client.close()
            return rate

        return read

    def ours(tickets: Any) -> Any:  # the service's query for ?limit=10 (one more: is there a next)
        for_sale = {"for_sale_until": {"$gt": datetime.now(UTC)}}
        order, walk = [("listing_key", -1)], [("listing_key", 1)]
        return tickets.find(for_sale, LIST_FIELDS, sort=order, limit=11, hint=walk).to_list()

    return {
        "by id floor": of(lambda t: t.find_one({"_id": ticket}, READ_FIELDS)),
        "by id original": of(lambda t: t.find_one({"_id": ticket})),
        "list floor": of(ours),
        "list original": of(lambda t: t.find({}).sort("_id", -1).limit(10).to_list()),
    }


async def http_rate(url: str, requests: int, concurrency: int, headers: dict[str, str]) -> Rate:
    started = time.perf_counter()
    request = http_request("GET", url, headers=headers)
    statuses, latencies = await send_all(url, [request] * requests, concurrency)
    if set(statuses) != {200}:
        raise RuntimeError(f"expected only 200s, got {sorted(set(statuses))}")
    return requests / (time.perf_counter() - started), latencies


def ms(latencies: list[float], p: float) -> float:
    return percentile(latencies, p) * 1000


def report(read: str, path: str, rates: dict[str, list[Rate]]) -> None:
    """The medians of ``read``'s rounds, latencies over all its rounds, and the ratios."""
    median = {mode: statistics.median(r for r, _ in rates[mode]) for mode in MODES}
    print(f"GET {path}")
    for mode in MODES:
        every = [t for _, latencies in rates[mode] for t in latencies]
        print(
            f"  {LABELS[mode]:<34} {median[mode]:7.0f}/s   p50 {ms(every, 50):6.1f} ms"
            f"   p99 {ms(every, 99):6.1f} ms"
        )
    if read == "list":
        floor = median["original"]
        print("  " + verdict("direct / the original's floor", median["direct"] / floor, 0.9))
        print("  " + verdict("edge cached / the original's floor", median["cached"] / floor, 3))
        print("  " + verdict("our floor / the original's floor", median["floor"] / floor, 0.9))
    else:
        print("  " + verdict("direct / our floor", median["direct"] / median["floor"], 0.9))
    print("  " + verdict("edge uncached / direct", median["uncached"] / median["direct"], 0.9))
    print("  " + verdict("edge cached / direct", median["cached"] / median["direct"], 0.9))
    for mode in ("cached", "uncached"):
        every = [t for _, latencies in rates[mode] for t in latencies]
        print("  " + verdict(f"edge {mode} p99 (ms)", ms(every, 99), 100, at_most=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tickets", type=int, default=50, help="listed before the reads")
    parser.add_argument(
        "--log-level", default="WARNING", help="the services' LOG_LEVEL (INFO: a line a request)"
    )
    args = parser.parse_args()
    logs.configure("bench", "WARNING")
    n, c = args.requests, args.concurrency
    with real_servers() as servers, tempfile.TemporaryDirectory() as folder:
        print(servers.describe())
        scratch = Path(folder)
        with platform_processes(servers, scratch, LOG_LEVEL=args.log_level) as running:
            pids = {m.name: m.process.pid for m in running.services.members if m.process}
            idle = rss_of(pids)
            edge = Edge(running.urls(), scratch / "edge").start()
            try:
                ticket = asyncio.run(seeded(edge.url, args.tickets))
                paths = {"by id": f"/api/tickets/{ticket}", "list": "/api/tickets?limit=10"}
                floor = floors(servers, running, ticket)
                direct = running.urls()["tickets"]
                rates: dict[str, dict[str, list[Rate]]] = {read: {} for read in paths}
                for _ in range(args.rounds):
                    for read, path in paths.items():
                        runs = {
                            "floor": floor[f"{read} floor"](n, c),
                            "original": floor[f"{read} original"](n, c),
                            "direct": http_rate(direct + path, n, c, {}),
                            "cached": http_rate(edge.url + path, n, c, {}),
                            "uncached": http_rate(edge.url + path, n, c, SESSION),
                        }
                        for mode, run in runs.items():
                            rates[read].setdefault(mode, []).append(asyncio.run(run))
                loaded = rss_of(pids)
            finally:
                edge.stop()
    print(
        f"{c} connections, median of {args.rounds} interleaved rounds of {n} requests"
        f" ({args.tickets} tickets), services at LOG_LEVEL={args.log_level}:"
    )
    for read, path in paths.items():
        report(read, path.replace(ticket, "{id}"), rates[read])
    print("resident memory, MB: service idle -> after the reads")
    for name in pids:
        print(f"  {name:<11} {idle[name]:6.0f} -> {loaded[name]:6.0f}")


if __name__ == "__main__":
    main()
