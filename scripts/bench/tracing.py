"""What does tracing cost on order placement? The exporter off against on, in one run.

Starts two orders services as processes of their own (as bench:orders does), one with tracing
off (no OTEL endpoint: no spans at all) and one exporting every span over OTLP http/protobuf
to a real receiver (oteltap, started here), both on the same stores, and places orders one
after another with each in alternating rounds. Prints the throughput of each and their ratio.
Figures only; nothing here asserts a time.

    ./pants run scripts/bench:tracing -- --orders 150 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from uuid import uuid4

from bench.common import send_all
from bench.orders import Stores, orders_of
from ticketing.stack.processes import Services
from ticketing.testing.fixtures import env_from, isolation, remove_isolation
from ticketing.testing.real_servers import real_servers
from ticketing.testing.traces import SpanTap


async def bench(orders: int, rounds: int) -> None:
    for name in [n for n in os.environ if n.startswith("OTEL_")]:
        del os.environ[name]  # "off" means off, whatever the shell had
    tap = await SpanTap().start()
    tag = f"bench{uuid4().hex[:8]}"
    with real_servers() as servers, tempfile.TemporaryDirectory() as scratch:
        print(servers.describe())
        env = {**env_from(isolation(servers, tag)), "LOG_LEVEL": "WARNING"}
        modes = {
            "off": Services(Path(scratch, "off"), names=("orders",)).start(env),
            "on": Services(Path(scratch, "on"), names=("orders",)).start({**env, **tap.env}),
        }
        stores = Stores(servers, env)
        rates: dict[str, list[float]] = {mode: [] for mode in modes}
        try:
            for services in modes.values():  # this loop keeps serving the tap meanwhile
                await asyncio.to_thread(services.wait_ready)
            buyer = await stores.buyers(1)
            for _ in range(rounds):
                for mode, services in modes.items():
                    url = services.members[0].url
                    requests = orders_of(url, buyer * orders, await stores.tickets(orders))
                    started = time.perf_counter()
                    statuses, _ = await send_all(url, requests, 1)
                    rates[mode].append(orders / (time.perf_counter() - started))
                    if set(statuses) != {201}:
                        raise RuntimeError(f"an order was refused: {sorted(set(statuses))}")
        finally:
            for services in modes.values():
                services.stop()
            await stores.client.close()
            await remove_isolation(servers, tag)
    await tap.stop()
    off, on = statistics.median(rates["off"]), statistics.median(rates["on"])
    print(f"{orders} orders one at a time x {rounds} rounds each, alternating, medians:")
    print(f"tracing off: {off:.0f} orders/s  {[round(r) for r in rates['off']]}")
    print(f"tracing on:  {on:.0f} orders/s  {[round(r) for r in rates['on']]}")
    print(f"on/off throughput ratio: {on / off:.2f}; spans received: {len(tap.spans)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(bench(args.orders, args.rounds))


if __name__ == "__main__":
    main()
