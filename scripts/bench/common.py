"""What the benchmarks share: a light HTTP load generator, percentiles, the verdict line of a
figure against its target, resident memory of the service processes, and users and tickets
made through the API.

The load generator speaks HTTP/1.1 over raw asyncio streams (keep-alive, one request in flight
per connection): on a 2-core machine the client shares the CPU with the servers, and httpx
would spend more of it per request than the service under test does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4

import httpx

from ticketing.stack.processes import ServiceProcess, Services
from ticketing.stack.story import listing
from ticketing.testing.fixtures import env_from, isolation, remove_isolation
from ticketing.testing.real_servers import Servers, real_servers

PASSWORD = "correct horse battery"


def percentile(samples: list[float], p: float) -> float:
    """The ``p``th percentile, within the samples (the default "exclusive" method
    extrapolates past the largest when there are fewer than 99)."""
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[int(p) - 1]


def verdict(name: str, value: float, target: float, *, at_most: bool = False) -> str:
    """``name: value (target >= t: met)``; ``at_most`` for figures that must stay below."""
    met = value <= target if at_most else value >= target
    sign = "<=" if at_most else ">="
    return f"{name}: {value:.2f} (target {sign} {target:g}: {'met' if met else 'NOT met'})"


def http_request(
    method: str, url: str, body: object = None, headers: Mapping[str, str] | None = None
) -> bytes:
    """One HTTP/1.1 request as bytes, ``body`` sent as JSON."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    payload = b"" if body is None else json.dumps(body).encode()
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def _answer(reader: asyncio.StreamReader) -> int:
    """Read one response to its end; its status code."""
    status = int((await reader.readline()).split(b" ", 2)[1])
    length = None
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    if length is None:
        raise RuntimeError("a response without Content-Length (chunked is not read)")
    await reader.readexactly(length)
    return status


async def send_all(
    url: str, requests: Iterable[bytes], concurrency: int
) -> tuple[list[int], list[float]]:
    """Send ``requests`` over ``concurrency`` keep-alive connections to ``url``'s host, one
    request in flight per connection: the status codes and latencies (s), in answer order."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    remaining = iter(requests)
    statuses: list[int] = []
    latencies: list[float] = []

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for request in remaining:
                t0 = time.perf_counter()
                writer.write(request)
                statuses.append(await _answer(reader))
                latencies.append(time.perf_counter() - t0)
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return statuses, latencies


async def get_rate(url: str, requests: int, concurrency: int) -> float:
    """Requests per second for ``requests`` GETs of ``url`` over ``concurrency`` keep-alive
    connections (each must be a 200)."""
    started = time.perf_counter()
    statuses, _ = await send_all(url, [http_request("GET", url)] * requests, concurrency)
    elapsed = time.perf_counter() - started
    if set(statuses) != {200}:
        raise RuntimeError(f"expected only 200s, got {sorted(set(statuses))}")
    return requests / elapsed


async def rate_of(work: Callable[[], Awaitable[object]], requests: int, concurrency: int) -> float:
    """Calls per second of ``work`` run ``requests`` times by ``concurrency`` workers."""
    remaining = iter(range(requests))

    async def worker() -> None:
        for _ in remaining:
            await work()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return requests / (time.perf_counter() - started)


@contextlib.contextmanager
def cpu_use() -> Iterator[list[float]]:
    """How many of the machine's cores were busy, on average, inside the block (every process
    counts: the service, the database, the broker, this load and anything else running); the
    list it yields holds the figure once the block ends."""

    def busy_and_total() -> tuple[int, int]:
        jiffies = [int(x) for x in Path("/proc/stat").read_text().split()[1:9]]  # guest is in user
        return sum(jiffies) - jiffies[3] - jiffies[4], sum(jiffies)  # idle and iowait out

    figure: list[float] = []
    busy0, total0 = busy_and_total()
    yield figure
    busy1, total1 = busy_and_total()
    figure.append((os.cpu_count() or 1) * (busy1 - busy0) / max(total1 - total0, 1))


@contextlib.contextmanager
def service_process(name: str) -> Iterator[tuple[Servers, dict[str, str], ServiceProcess]]:
    """The service ``name`` as its own process, started as stack:up starts it, on real servers
    in an isolation of its own (removed afterwards): the servers, its environment, the process."""
    tag = f"bench{uuid4().hex[:8]}"
    with real_servers() as servers, tempfile.TemporaryDirectory() as scratch:
        print(servers.describe())
        env = {**env_from(isolation(servers, tag)), "LOG_LEVEL": "WARNING"}
        services = Services(Path(scratch), names=(name,)).start(env)
        try:
            services.wait_ready()
            yield servers, env, services.members[0]
        finally:
            services.stop()
            asyncio.run(remove_isolation(servers, tag))


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_of(pids: Mapping[str, int]) -> dict[str, float]:
    return {name: rss_mb(pid) for name, pid in pids.items()}


async def signed_up(client: httpx.AsyncClient) -> dict[str, str]:
    """A new account signed up through the API, and the headers carrying its session."""
    email = f"bench-{uuid4().hex[:10]}@example.com"
    response = await client.post("/api/users/signup", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def listed(client: httpx.AsyncClient, seller: dict[str, str], title: str) -> str:
    response = await client.post("/api/tickets", json=listing(title, "10.00"), headers=seller)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
