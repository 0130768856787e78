"""How long does a sign-up take, alone and with a dozen at once? p50/p95 latency.

Runs the auth app in this process against real servers (as bench:orders runs orders), with
the mail catcher taking the verification mails. Rounds alternate ``--concurrency`` 1 and 12
(the ``--signups`` of a round spread over that many workers); each sign-up hashes its
password with argon2id on the bounded hashing pool (shared/identity.py: 19 MiB, 2 passes, one
thread per core), writes the account, mails its code and signs in. It prints p50/p95 at each
concurrency against the target (p95 < 500 ms at 12), and, for scale, one argon2 hash alone.

    ./pants run scripts/bench:signup -- --signups 36 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from uuid import uuid4

import httpx

from bench.common import PASSWORD, percentile, verdict
from ticketing.auth.app import create_app
from ticketing.auth.settings import AuthSettings
from ticketing.shared import logs
from ticketing.shared.identity import HASHER
from ticketing.testing.fixtures import isolation, remove_isolation, running
from ticketing.testing.real_servers import real_servers

TARGET_P95_MS = 500.0


async def sign_ups(client: httpx.AsyncClient, count: int, concurrency: int) -> list[float]:
    remaining = iter(range(count))
    latencies: list[float] = []

    async def worker() -> None:
        for _ in remaining:
            email = f"bench-{uuid4().hex[:10]}@example.com"
            t0 = time.perf_counter()
            response = await client.post(
                "/api/users/signup", json={"email": email, "password": PASSWORD}
            )
            latencies.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 201, response.text

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def bench(signups: int, concurrency: int, rounds: int) -> None:
    with real_servers() as servers:
        print(servers.describe())
        tag = f"bench{uuid4().hex[:8]}"
        app = create_app(AuthSettings(**isolation(servers, tag)))
        latencies: dict[int, list[float]] = {1: [], concurrency: []}
        hashing: list[float] = []
        async with running(app) as client:
            await sign_ups(client, 2, 1)  # warm: the common-password list, the indexes
            for _ in range(rounds):
                for c in latencies:
                    latencies[c].extend(await sign_ups(client, signups, c))
                t0 = time.perf_counter()
                HASHER.hash(PASSWORD)
                hashing.append((time.perf_counter() - t0) * 1000)
        await remove_isolation(servers, tag)
    print(f"sign-up latency, {rounds} interleaved rounds of {signups} sign-ups, ms:")
    for c, samples in latencies.items():
        p50, p95 = percentile(samples, 50), percentile(samples, 95)
        line = f"  {c:>2} at a time: p50 {p50:6.1f}  p95 {p95:6.1f}  max {max(samples):6.1f}"
        if c == concurrency:
            line += "   " + verdict("p95 ms", p95, TARGET_P95_MS, at_most=True)
        print(line)
    print(f"  one argon2id hash alone, on this thread: {statistics.median(hashing):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signups", type=int, default=36)
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logs.configure("bench", "WARNING")
    asyncio.run(bench(args.signups, args.concurrency, args.rounds))


if __name__ == "__main__":
    main()
