"""Dead letters: count, list and replay the messages parked in the ``<queue>.dead`` queues.

    ./pants run src/python/ticketing/shared:deadletters -- list [--service orders]
    ./pants run src/python/ticketing/shared:deadletters -- replay [--service orders]

A message is parked only when it can never succeed as it is (it does not decode, or its
handler kept failing for another reason than an outage). Once the cause is fixed (a bug, a
missing predecessor), ``replay`` moves each parked message back to its queue with fresh retry
counts, confirmed by the broker before it leaves the dead letter queue, and with the trace
headers it was published with, so its consumer's span joins the trace it came from.
RABBITMQ_URL and EVENT_EXCHANGE say which event bus (``--state-dir`` for a local stack's).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aio_pika
from aio_pika.abc import AbstractConnection, AbstractQueue
from aio_pika.exceptions import ChannelNotFoundEntity
from pydantic_settings import BaseSettings, SettingsConfigDict

from ticketing.shared.messaging import Route, routes
from ticketing.shared.settings import load, local_names

PEEK = 20  # messages shown per queue by ``list``
TRACE_HEADERS = ("traceparent", "tracestate", "baggage")  # W3C: kept; retry counts start afresh


class BusSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    rabbitmq_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    event_exchange: str = "ticketing"


@asynccontextmanager
async def _connection(url: str) -> AsyncIterator[AbstractConnection]:
    connection = await aio_pika.connect(url)
    try:
        yield connection
    finally:
        await connection.close()


def _routes(exchange: str, service: str | None) -> list[Route]:
    return [r for r in routes(exchange) if service is None or r.service == service]


async def _parked(connection: AbstractConnection, route: Route) -> AbstractQueue | None:
    """The route's dead letter queue, on a channel of its own; None if it was never declared
    (looking must not create it: a missing queue closes the channel that asked)."""
    channel = await connection.channel(publisher_confirms=True)
    try:
        return await channel.declare_queue(f"{route.queue}.dead", passive=True)
    except ChannelNotFoundEntity:
        return None


def _size(queue: AbstractQueue | None) -> int:
    return 0 if queue is None else queue.declaration_result.message_count or 0


async def count(url: str, exchange: str, service: str | None = None) -> dict[str, int]:
    """Parked messages per consumer queue (every queue, zeros included), e.g. for a metric."""
    async with _connection(url) as connection:
        return {
            route.queue: _size(await _parked(connection, route))
            for route in _routes(exchange, service)
        }


async def peek(url: str, exchange: str, service: str | None = None) -> list[str]:
    """A line per parked message (queue, message id, body), leaving every message parked."""
    lines = []
    async with _connection(url) as connection:
        for route in _routes(exchange, service):
            dead = await _parked(connection, route)
            held = []
            for _ in range(min(PEEK, _size(dead))):
                message = await dead.get(no_ack=False, fail=False) if dead else None
                if message is None:
                    break
                held.append(message)
                body = message.body[:200].decode(errors="replace")
                lines.append(f"{route.queue}\t{message.message_id}\t{body}")
            for message in held:
                await message.nack(requeue=True)
    return lines


async def replay(url: str, exchange: str, service: str | None = None) -> dict[str, int]:
    """Move each parked message back to its queue; how many per queue."""
    moved: dict[str, int] = {}
    async with _connection(url) as connection:
        publisher = await connection.channel(publisher_confirms=True)
        for route in _routes(exchange, service):
            dead = await _parked(connection, route)
            # Only what is parked now: a message that fails again is parked again, not looped.
            for _ in range(_size(dead)):
                message = await dead.get(no_ack=False, fail=False) if dead else None
                if message is None:
                    break
                again = aio_pika.Message(
                    message.body,
                    content_type=message.content_type,
                    message_id=message.message_id,
                    headers={k: v for k, v in message.headers.items() if k in TRACE_HEADERS},
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                )
                await publisher.default_exchange.publish(again, routing_key=route.queue)
                await message.ack()  # after the broker confirmed the copy
                moved[route.queue] = moved.get(route.queue, 0) + 1
    return moved


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List or replay parked (dead letter) events.")
    parser.add_argument("action", choices=["list", "replay"])
    parser.add_argument("--service", help="only this consumer service's queues")
    parser.add_argument("--state-dir", type=Path, help="the event bus of the stack run from here")
    args = parser.parse_args(argv)
    settings = load(BusSettings)
    exchange = settings.event_exchange
    if args.state_dir is not None:
        exchange = local_names(args.state_dir, os.environ)["EVENT_EXCHANGE"]
    url = settings.rabbitmq_url
    if args.action == "list":
        counts = await count(url, exchange, args.service)
        for queue, parked in counts.items():
            if parked:
                print(f"{queue}: {parked} parked")
        for line in await peek(url, exchange, args.service):
            print(f"  {line}")
        print(f"{sum(counts.values())} parked on exchange {exchange}")
    else:
        moved = await replay(url, exchange, args.service)
        for queue, replayed in moved.items():
            print(f"{queue}: {replayed} replayed")
        print(f"{sum(moved.values())} replayed on exchange {exchange}")
    return 0


def run() -> None:
    sys.exit(asyncio.run(main()))


if __name__ == "__main__":
    run()
