"""Expiration against real RabbitMQ, Redis (arq) and MongoDB-wire servers."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from arq import create_pool
from arq.connections import RedisSettings

from ticketing.expiration.app import create_app
from ticketing.expiration.settings import ExpirationSettings
from ticketing.shared import deadletters, events
from ticketing.shared.messaging import MAX_ATTEMPTS, queue_name
from ticketing.testing.events import EventTap, inject
from ticketing.testing.fixtures import eventually, running
from ticketing.testing.proxy import Outage


def order_created(due_in: float) -> events.OrderCreated:
    """A new order (unique id: arq remembers job ids in Redis beyond one test)."""
    return events.OrderCreated(
        id=str(uuid4()),
        version=0,
        status=events.OrderStatus.CREATED,
        user_id="buyer",
        expires_at=datetime.now(UTC) + timedelta(seconds=due_in),
        ticket=events.OrderTicket(id="t1", price=Decimal("10"), user_id="seller"),
    )


@pytest.fixture
async def orders_view(isolated: dict[str, Any]) -> AsyncIterator[EventTap]:
    tap = await EventTap(isolated, "orders").start([events.ExpirationComplete])
    yield tap
    await tap.stop()


async def test_the_window_ends_at_expires_at_and_not_before(
    isolated: dict[str, Any], orders_view: EventTap
) -> None:
    app = create_app(ExpirationSettings(**isolated))
    async with running(app):
        order = order_created(due_in=2)
        await inject(isolated, order)
        expired = await orders_view.next(events.ExpirationComplete, within=15)
        announced_at = datetime.now(UTC)
    assert (expired.id, expired.version) == (order.id, 0)
    assert announced_at >= order.expires_at


async def test_a_redelivered_order_is_expired_once(
    isolated: dict[str, Any], orders_view: EventTap
) -> None:
    app = create_app(ExpirationSettings(**isolated))
    async with running(app):
        order = order_created(due_in=1)
        await inject(isolated, order, order)
        await orders_view.next(events.ExpirationComplete, within=15)
        assert await orders_view.silent(2.0)


async def test_jobs_survive_a_restart_of_the_worker(
    isolated: dict[str, Any], orders_view: EventTap
) -> None:
    redis = await create_pool(RedisSettings.from_dsn(isolated["redis_url"]))
    first = create_app(ExpirationSettings(**isolated))
    async with running(first):
        order = order_created(due_in=3)
        await inject(isolated, order)

        async def queued() -> bool:
            return bool(await redis.zcard(isolated["expiration_queue"]))

        await eventually(queued)  # in Redis, not yet due: now stop this worker
    await redis.aclose()
    assert orders_view.received.empty()
    second = create_app(ExpirationSettings(**isolated))
    async with running(second):
        expired = await orders_view.next(events.ExpirationComplete, within=15)
    assert expired.id == order.id


async def test_readiness_names_redis_while_it_is_down_and_jobs_resume_after(
    isolated: dict[str, Any], orders_view: EventTap
) -> None:
    outage, via_proxy = await Outage.in_front_of(isolated["redis_url"])
    app = create_app(ExpirationSettings(**{**isolated, "redis_url": via_proxy}))
    async with running(app) as client:
        assert (await client.get("/readyz")).status_code == 200
        await outage.cut()
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert list(response.json()["failing"]) == ["redis"]
        assert (await client.get("/healthz")).status_code == 200
        await outage.restore()
        order = order_created(due_in=1)
        await inject(isolated, order)
        resumed = await orders_view.next(events.ExpirationComplete, within=30)
        assert resumed.id == order.id
    await outage.cut()


async def test_an_order_placed_while_redis_is_down_longer_than_the_retry_budget_still_expires(
    isolated: dict[str, Any], orders_view: EventTap
) -> None:
    outage, via_proxy = await Outage.in_front_of(isolated["redis_url"])
    # Short delays stand in for a long outage: the event outlives MAX_ATTEMPTS tries.
    settings = {"redis_url": via_proxy, "event_retry_delay_ms": 10, "event_retry_max_delay_ms": 40}
    app = create_app(ExpirationSettings(**{**isolated, **settings}))
    bus = app.state.platform.bus
    queue = queue_name(isolated["event_exchange"], "expiration", events.OrderCreated.SUBJECT)
    async with running(app) as client:
        await outage.cut()
        order = order_created(due_in=1)
        await inject(isolated, order)

        async def outlasted_the_old_budget() -> bool:
            return bus.waits[queue] > MAX_ATTEMPTS

        await eventually(outlasted_the_old_budget, within=60)
        assert (await client.get("/readyz")).json()["failing"].keys() == {"redis"}
        await outage.restore()
        expired = await orders_view.next(events.ExpirationComplete, within=30)
        assert expired.id == order.id
    await outage.cut()
    parked = await deadletters.count(isolated["rabbitmq_url"], isolated["event_exchange"])
    assert sum(parked.values()) == 0
