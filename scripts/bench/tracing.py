"""What does tracing cost on order placement? The exporter off against on, in one run.

Runs the orders app in this process against real servers (as bench:orders does), alternating
rounds with tracing off (no OTEL endpoint: no spans at all) and on (every span exported over
OTLP http/protobuf to a real receiver, oteltap, started here), and prints the throughput of
each and their ratio. Figures only; nothing here asserts a time.

    ./pants run scripts/bench:tracing -- --orders 150 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from uuid import uuid4

from bench.orders import approved_ticket
from ticketing.orders.app import create_app
from ticketing.orders.settings import OrdersSettings
from ticketing.shared import logs
from ticketing.testing.fixtures import isolation, remove_isolation, running, sign_up
from ticketing.testing.real_servers import Servers, real_servers
from ticketing.testing.traces import SpanTap


async def placed_per_second(servers: Servers, tag: str, orders: int, round_: str) -> float:
    """Orders placed one after another by a fresh orders app, per second."""
    app = create_app(OrdersSettings(**isolation(servers, tag)))
    platform = app.state.platform
    async with running(app) as client:
        seller, _ = await sign_up(platform.identity, f"seller-{round_}@bench.example")
        _, buyer = await sign_up(platform.identity, f"buyer-{round_}@bench.example")
        tickets = [await approved_ticket(platform, seller.id) for _ in range(orders)]
        started = time.perf_counter()
        for ticket_id in tickets:
            response = await client.post(
                "/api/orders", json={"ticket_id": ticket_id}, headers=buyer
            )
            assert response.status_code == 201, response.text
        return orders / (time.perf_counter() - started)


async def bench(orders: int, rounds: int) -> None:
    for name in [n for n in os.environ if n.startswith("OTEL_")]:
        del os.environ[name]  # "off" means off, whatever the shell had
    tap = await SpanTap().start()
    rates: dict[str, list[float]] = {"off": [], "on": []}
    with real_servers() as servers:
        print(servers.describe())
        tag = f"bench{uuid4().hex[:8]}"
        for i in range(rounds):
            for mode in ("off", "on"):
                os.environ.update(tap.env if mode == "on" else {})
                rates[mode].append(await placed_per_second(servers, tag, orders, f"{mode}{i}"))
                for name in tap.env:
                    os.environ.pop(name, None)
        await remove_isolation(servers, tag)
    await tap.stop()
    off, on = statistics.mean(rates["off"]), statistics.mean(rates["on"])
    print(f"{orders} orders x {rounds} rounds each, alternating")
    print(f"tracing off: {off:.0f} orders/s  {[round(r) for r in rates['off']]}")
    print(f"tracing on:  {on:.0f} orders/s  {[round(r) for r in rates['on']]}")
    print(f"on/off throughput ratio: {on / off:.2f}; spans received: {len(tap.spans)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    logs.configure("bench", "WARNING")
    asyncio.run(bench(args.orders, args.rounds))


if __name__ == "__main__":
    main()
