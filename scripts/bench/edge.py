"""What does the nginx edge cost? A by-id read of a ticket, through the edge against straight
to the tickets service, in the same run (rounds interleaved, medians), so the ratio holds on
a noisy machine.

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
from pathlib import Path
from uuid import uuid4

import httpx

from ticketing.shared import logs
from ticketing.stack.edge import Edge
from ticketing.testing.platform import platform_processes
from ticketing.testing.real_servers import real_servers


async def rate(url: str, requests: int, concurrency: int) -> float:
    """Requests per second for ``requests`` GETs of ``url`` over ``concurrency`` connections."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        remaining = iter(range(requests))

        async def worker() -> None:
            for _ in remaining:
                response = await client.get(url)
                assert response.status_code == 200, response.text

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return requests / (time.perf_counter() - started)


async def listed_ticket(edge: str) -> str:
    async with httpx.AsyncClient(base_url=edge, timeout=30) as client:
        email = f"bench-{uuid4().hex[:8]}@example.com"
        signup = await client.post(
            "/api/users/signup", json={"email": email, "password": "correct horse battery"}
        )
        assert signup.status_code == 201, signup.text
        ticket = await client.post("/api/tickets", json={"title": "Bench gig", "price": "10.00"})
        assert ticket.status_code == 201, ticket.text
        return str(ticket.json()["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logs.configure("bench", "WARNING")
    with real_servers() as servers, tempfile.TemporaryDirectory() as scratch:
        print(servers.describe())
        quiet = {"LOG_LEVEL": "WARNING"}
        with platform_processes(servers, Path(scratch), **quiet) as running:
            edge = Edge(running.urls(), Path(scratch) / "edge").start()
            try:
                ticket = asyncio.run(listed_ticket(edge.url))
                path = f"/api/tickets/{ticket}"
                direct_url = running.urls()["tickets"] + path
                direct, through = [], []
                for _ in range(args.rounds):
                    direct.append(asyncio.run(rate(direct_url, args.requests, args.concurrency)))
                    through.append(
                        asyncio.run(rate(edge.url + path, args.requests, args.concurrency))
                    )
            finally:
                edge.stop()
        d, t = statistics.median(direct), statistics.median(through)
        print(
            f"GET /api/tickets/{{id}}, {args.concurrency} connections,"
            f" median of {args.rounds} rounds of {args.requests}:"
        )
        print(f"  direct to tickets: {d:.0f} req/s   through the edge: {t:.0f} req/s")
        print(f"  edge / direct: {t / d:.2f}")


if __name__ == "__main__":
    main()
