"""The dead letter command against a real RabbitMQ: a parked event is listed, then replayed."""

import asyncio
from typing import Any

import aio_pika
import pytest
from aio_pika.exceptions import ChannelNotFoundEntity

from ticketing.shared import deadletters, events
from ticketing.shared.messaging import Bus, queue_name

CREATED = events.TicketCreated(id="t1", version=0, title="Gig", price=1, user_id="u1")  # type: ignore[arg-type]


async def test_a_parked_event_is_listed_and_applied_once_replayed(
    isolated: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("ticketing.shared.messaging.MAX_ATTEMPTS", 1)
    monkeypatch.setenv("RABBITMQ_URL", isolated["rabbitmq_url"])
    monkeypatch.setenv("EVENT_EXCHANGE", isolated["event_exchange"])
    url, exchange = isolated["rabbitmq_url"], isolated["event_exchange"]
    fixed = False
    applied: asyncio.Queue[events.TicketCreated] = asyncio.Queue()

    async def handler(event: events.TicketCreated) -> None:
        if not fixed:
            raise ValueError("a bug")
        await applied.put(event)

    tickets = Bus(url, exchange, "tickets")
    orders = Bus(url, exchange, "orders")
    orders.subscribe(events.TicketCreated, handler)
    await tickets.start()
    await orders.start()
    queue = queue_name(exchange, "orders", CREATED.SUBJECT)
    try:
        await tickets.publish(CREATED, message_id="parked-1")
        for _ in range(100):
            if (await deadletters.count(url, exchange, "orders"))[queue]:
                break
            await asyncio.sleep(0.1)

        assert await deadletters.main(["list", "--service", "orders"]) == 0
        listed = capsys.readouterr().out
        assert f"{queue}: 1 parked" in listed
        assert "parked-1" in listed
        assert (await deadletters.count(url, exchange, "orders"))[queue] == 1  # still parked

        fixed = True
        assert await deadletters.main(["replay", "--service", "orders"]) == 0
        assert f"{queue}: 1 replayed" in capsys.readouterr().out
        assert await asyncio.wait_for(applied.get(), 10) == CREATED
        assert sum((await deadletters.count(url, exchange)).values()) == 0
    finally:
        await orders.stop()
        await tickets.stop()


async def test_replay_only_touches_the_named_service(isolated: dict[str, Any]) -> None:
    url, exchange = isolated["rabbitmq_url"], isolated["event_exchange"]
    bus = Bus(url, exchange, "test")
    await bus.broker.connect()
    await bus.declare_topology()
    try:
        for service in ("orders", "moderation"):
            dead = f"{queue_name(exchange, service, CREATED.SUBJECT)}.dead"
            await bus.broker.publish(events.encode(CREATED), routing_key=dead, persist=True)
        assert await deadletters.replay(url, exchange, "moderation") == {
            queue_name(exchange, "moderation", CREATED.SUBJECT): 1
        }
        left = await deadletters.count(url, exchange)
        assert left[queue_name(exchange, "orders", CREATED.SUBJECT)] == 1
        assert left[queue_name(exchange, "moderation", CREATED.SUBJECT)] == 0
    finally:
        await bus.stop()


async def test_looking_at_a_bus_that_was_never_started_creates_nothing(
    isolated: dict[str, Any],
) -> None:
    url, exchange = isolated["rabbitmq_url"], isolated["event_exchange"]
    assert set((await deadletters.count(url, exchange)).values()) == {0}
    assert await deadletters.peek(url, exchange) == []
    assert await deadletters.replay(url, exchange) == {}
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        dead = f"{queue_name(exchange, 'orders', CREATED.SUBJECT)}.dead"
        with pytest.raises(ChannelNotFoundEntity):  # looking declared no queue
            await channel.declare_queue(dead, passive=True)
    finally:
        await connection.close()
