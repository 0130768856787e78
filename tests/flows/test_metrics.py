"""The numbers that matter move as the story runs, on each service's own /metrics."""

from __future__ import annotations

from typing import Any

from flows.shop import shop
from ticketing.shared.messaging import Bus
from ticketing.testing.fixtures import eventually


async def test_metrics_count_the_story_per_service(isolated: dict[str, Any]) -> None:
    async with shop(isolated) as market:
        ticket = await market.list_ticket()
        await market.approved(ticket["id"])
        assert await market.metric("tickets", "ticketing_tickets_listed_total") == 1
        placed = {"outcome": "placed"}
        assert await market.metric("orders", "ticketing_orders_total", **placed) == 0

        await market.order(ticket["id"])
        assert await market.metric("orders", "ticketing_orders_total", **placed) == 1
        route = {"method": "POST", "route": "/api/orders", "status": "201"}
        assert await market.metric("orders", "http_requests_total", **route) == 1
        assert (
            await market.metric(
                "orders", "http_request_duration_seconds_count", method="POST", route="/api/orders"
            )
            == 1
        )
        created = {"subject": "order.created"}
        assert await market.metric("orders", "ticketing_events_published_total", **created) == 1
        for service in ("tickets", "payments", "expiration"):

            async def consumed(service: str = service) -> bool:
                found = await market.metric(service, "ticketing_events_consumed_total", **created)
                return found == 1

            await eventually(consumed)
        # The expiry job waits in its queue, counted at the scrape.
        queue = {"queue": isolated["expiration_queue"]}
        assert await market.metric("expiration", "ticketing_job_queue_depth", **queue) == 1
        # Another service's numbers are its own: tickets placed no order.
        assert await market.metric("tickets", "ticketing_orders_total", **placed) == 0

        # A message that cannot decode is parked, and counted as dead-lettered by subject.
        poison = Bus(isolated["rabbitmq_url"], isolated["event_exchange"], "test")
        await poison.broker.connect()
        try:
            await poison.publish_raw("ticket.created", b'{"id": 5}', "poison-1")
        finally:
            await poison.stop()

        async def parked() -> bool:
            subject = {"subject": "ticket.created"}
            found = await market.metric("orders", "ticketing_events_dead_lettered_total", **subject)
            return found == 1

        await eventually(parked)
        backlog = await market.metric("orders", "ticketing_outbox_backlog")
        assert backlog == 0  # everything delivered


async def test_metrics_are_left_out_of_the_api_document(isolated: dict[str, Any]) -> None:
    async with shop(isolated) as market:
        for service, client in market.clients.items():
            schema = (await client.get("/schema/openapi.json")).json()
            assert "/metrics" not in schema["paths"], service
            assert (await client.get("/metrics")).headers["content-type"].startswith("text/plain")
