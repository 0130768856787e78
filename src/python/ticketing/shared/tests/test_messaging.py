"""The event bus against a real RabbitMQ: confirms, retries, dead letters, no loss."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.exceptions

from ticketing.shared import deadletters, events
from ticketing.shared.messaging import MAX_ATTEMPTS, Bus, RetryLater, backoff_ms, routes

CREATED = events.TicketCreated(id="t1", version=0, title="Gig", price=1, user_id="u1")  # type: ignore[arg-type]


@pytest.fixture
async def tickets_bus(isolated: dict[str, Any]) -> AsyncIterator[Bus]:
    bus = Bus(isolated["rabbitmq_url"], isolated["event_exchange"], "tickets")
    await bus.start()
    yield bus
    await bus.stop()


async def start_orders_bus(
    isolated: dict[str, Any],
    handler: Any,
    retry_delay_ms: int = 500,
    max_retry_delay_ms: int = 30_000,
) -> Bus:
    bus = Bus(
        isolated["rabbitmq_url"],
        isolated["event_exchange"],
        "orders",
        retry_delay_ms=retry_delay_ms,
        max_retry_delay_ms=max_retry_delay_ms,
    )
    bus.subscribe(events.TicketCreated, handler)
    await bus.start()
    return bus


async def dead_letters(bus: Bus, exchange: str, service: str, subject: str) -> list[bytes]:
    channel = await (await bus.broker.connect()).channel()
    queue = await channel.get_queue(f"{exchange}.{service}.{subject}.dead", ensure=True)
    found = []
    while (message := await queue.get(fail=False, no_ack=True)) is not None:
        found.append(message.body)
    return found


async def test_an_event_published_before_its_consumer_started_is_delivered(
    isolated: dict[str, Any], tickets_bus: Bus
) -> None:
    await tickets_bus.publish(CREATED, message_id="m-1")
    received: asyncio.Queue[events.TicketCreated] = asyncio.Queue()
    orders = await start_orders_bus(isolated, received.put)
    try:
        assert await asyncio.wait_for(received.get(), 10) == CREATED
    finally:
        await orders.stop()


async def test_retry_later_redelivers_until_the_handler_accepts(
    isolated: dict[str, Any], tickets_bus: Bus
) -> None:
    attempts: list[int] = []
    done = asyncio.Event()

    async def handler(event: events.TicketCreated) -> None:
        attempts.append(event.version)
        if len(attempts) < 3:
            raise RetryLater("predecessor missing")
        done.set()

    orders = await start_orders_bus(isolated, handler)
    try:
        await tickets_bus.publish(CREATED, message_id="m-2")
        await asyncio.wait_for(done.wait(), 15)
        assert len(attempts) == 3
        await asyncio.sleep(1.5)  # acknowledged: no fourth delivery
        assert len(attempts) == 3
    finally:
        await orders.stop()


async def test_a_malformed_payload_goes_to_the_dead_letter_queue_untouched(
    isolated: dict[str, Any], tickets_bus: Bus
) -> None:
    calls: list[Any] = []

    async def handler(event: events.TicketCreated) -> None:
        calls.append(event)

    orders = await start_orders_bus(isolated, handler)
    try:
        await tickets_bus.publish_raw(CREATED.SUBJECT, b'{"id": 5}', "poison")
        await tickets_bus.publish(CREATED, message_id="good")
        for _ in range(50):
            if calls:
                break
            await asyncio.sleep(0.1)
        assert calls == [CREATED]
        dead = await dead_letters(
            tickets_bus, isolated["event_exchange"], "orders", CREATED.SUBJECT
        )
        assert dead == [b'{"id": 5}']
    finally:
        await orders.stop()


async def test_a_handler_that_keeps_failing_ends_in_the_dead_letter_queue(
    isolated: dict[str, Any], tickets_bus: Bus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ticketing.shared.messaging.MAX_ATTEMPTS", 2)
    attempts = 0

    async def handler(event: events.TicketCreated) -> None:
        nonlocal attempts
        attempts += 1
        raise ValueError("bug")

    orders = await start_orders_bus(isolated, handler)
    try:
        await tickets_bus.publish(CREATED, message_id="m-3")
        dead: list[bytes] = []
        for _ in range(50):
            dead = await dead_letters(
                tickets_bus, isolated["event_exchange"], "orders", CREATED.SUBJECT
            )
            if dead:
                break
            await asyncio.sleep(0.2)
        assert dead == [events.encode(CREATED)]
        assert attempts == 2
    finally:
        await orders.stop()


async def test_an_unavailable_dependency_is_waited_for_beyond_the_attempt_limit(
    isolated: dict[str, Any], tickets_bus: Bus
) -> None:
    failures = MAX_ATTEMPTS + 5
    calls = 0
    done = asyncio.Event()

    async def handler(event: events.TicketCreated) -> None:
        nonlocal calls
        calls += 1
        if calls <= failures:
            raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")
        done.set()

    orders = await start_orders_bus(isolated, handler, retry_delay_ms=5, max_retry_delay_ms=20)
    try:
        await tickets_bus.publish(CREATED, message_id="m-4")
        await asyncio.wait_for(done.wait(), 60)
        assert calls == failures + 1
        parked = await deadletters.count(
            isolated["rabbitmq_url"], isolated["event_exchange"], "orders"
        )
        assert sum(parked.values()) == 0
    finally:
        await orders.stop()


async def test_a_broker_holding_the_previous_topology_takes_the_new_one(
    isolated: dict[str, Any], tickets_bus: Bus
) -> None:
    """Queue arguments cannot change on a running broker: the earlier fixed-delay retry queues
    must not stop an upgraded service from starting."""
    channel = await (await tickets_bus.broker.connect()).channel()
    for route in routes(isolated["event_exchange"]):
        await channel.declare_queue(
            f"{route.queue}.retry",
            durable=True,
            arguments={
                "x-message-ttl": 500,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": route.queue,
            },
        )
    received: asyncio.Queue[events.TicketCreated] = asyncio.Queue()
    orders = await start_orders_bus(isolated, received.put)
    try:
        await tickets_bus.publish(CREATED, message_id="m-5")
        assert await asyncio.wait_for(received.get(), 10) == CREATED
    finally:
        await orders.stop()
        for route in routes(isolated["event_exchange"]):
            await channel.queue_delete(f"{route.queue}.retry")


def test_waiting_backs_off_doubling_up_to_the_maximum() -> None:
    assert [backoff_ms(waits, 500, 30_000) for waits in range(8)] == [
        500,
        1000,
        2000,
        4000,
        8000,
        16000,
        30000,
        30000,
    ]
    assert backoff_ms(10_000, 500, 30_000) == 30_000  # no overflow after a long outage


def test_a_service_cannot_subscribe_to_an_event_it_is_not_listed_for() -> None:
    bus = Bus("amqp://guest:guest@127.0.0.1:5672/", "unused", "auth")
    with pytest.raises(ValueError, match=r"auth is not a consumer of ticket\.created"):
        bus.subscribe(events.TicketCreated, lambda e: asyncio.sleep(0))


async def test_a_service_cannot_publish_an_event_it_is_not_the_publisher_of() -> None:
    bus = Bus("amqp://guest:guest@127.0.0.1:5672/", "unused", "orders")
    with pytest.raises(ValueError, match=r"orders is not the publisher of ticket\.created"):
        await bus.publish(CREATED, message_id="m-0")  # refused before anything is sent
