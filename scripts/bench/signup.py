"""How long does a sign-up take, alone and with a dozen at once? p50/p95 latency.

Starts the auth service as its own process (as stack:up does) against real servers, with the
mail catcher (in this process) taking the verification mails, and signs people up over
keep-alive HTTP connections from here. Rounds alternate ``--concurrency`` 1 and 12 (the
``--signups`` of a round spread over that many connections); each sign-up hashes its password
once with argon2id on the bounded hashing pool (shared/identity.py: 19 MiB, 2 passes, one
thread per core), writes the account, mails its code and opens the session. It prints p50/p95
at each concurrency against the target (p95 < 500 ms at 12), and, for scale, one argon2 hash.

    ./pants run scripts/bench:signup -- --signups 36 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from uuid import uuid4

from bench.common import PASSWORD, http_request, percentile, send_all, service_process, verdict
from ticketing.shared.identity import HASHER

TARGET_P95_MS = 500.0


async def sign_ups(url: str, count: int, concurrency: int) -> list[float]:
    """Latencies (ms) of ``count`` sign-ups of new addresses, ``concurrency`` at a time."""
    requests = [
        http_request(
            "POST",
            f"{url}/api/users/signup",
            {"email": f"bench-{uuid4().hex[:10]}@example.com", "password": PASSWORD},
        )
        for _ in range(count)
    ]
    statuses, latencies = await send_all(url, requests, concurrency)
    if set(statuses) != {201}:
        raise RuntimeError(f"a sign-up was refused: {sorted(set(statuses))}")
    return [t * 1000 for t in latencies]


async def bench(url: str, signups: int, concurrency: int, rounds: int) -> None:
    latencies: dict[int, list[float]] = {1: [], concurrency: []}
    hashing: list[float] = []
    await sign_ups(url, 2, 1)  # warm: the common-password list, the indexes
    for _ in range(rounds):
        for c in latencies:
            latencies[c].extend(await sign_ups(url, signups, c))
        t0 = time.perf_counter()
        HASHER.hash(PASSWORD)
        hashing.append((time.perf_counter() - t0) * 1000)
    print(f"sign-up latency, {rounds} interleaved rounds of {signups} sign-ups, ms:")
    for c, samples in latencies.items():
        p50, p95 = percentile(samples, 50), percentile(samples, 95)
        line = f"  {c:>2} at a time: p50 {p50:6.1f}  p95 {p95:6.1f}  max {max(samples):6.1f}"
        if c == concurrency:
            line += "   " + verdict("p95 ms", p95, TARGET_P95_MS, at_most=True)
        print(line)
    print(f"  one argon2id hash alone, in this process: {statistics.median(hashing):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signups", type=int, default=36)
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with service_process("auth") as (_, _, auth):
        asyncio.run(bench(auth.url, args.signups, args.concurrency, args.rounds))


if __name__ == "__main__":
    main()
