"""The five event-driven services in this process, on one isolated exchange, over real
RabbitMQ, Redis and MongoDB-wire servers: tickets, moderation, orders, payments, expiration.
Telemetry comes only from the environment (OTEL_*), as in a deployment."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from ticketing.expiration.app import create_app as expiration_app
from ticketing.expiration.settings import ExpirationSettings
from ticketing.moderation.app import create_app as moderation_app
from ticketing.moderation.settings import ModerationSettings
from ticketing.orders.app import create_app as orders_app
from ticketing.orders.models import TicketReplica
from ticketing.orders.settings import OrdersSettings
from ticketing.payments.app import create_app as payments_app
from ticketing.payments.settings import PaymentsSettings
from ticketing.shared.platform import Platform
from ticketing.stack.story import listing
from ticketing.stack.stripe_standin import STANDIN_KEY
from ticketing.testing.fixtures import eventually, running, sign_up
from ticketing.tickets.app import create_app as tickets_app
from ticketing.tickets.settings import TicketsSettings


@dataclass
class Shop:
    clients: dict[str, httpx.AsyncClient]
    platform: Platform  # any service's: they share the embedded identity engine
    seller: dict[str, str]
    buyer: dict[str, str]

    async def list_ticket(self, title: str = "Gig") -> dict[str, Any]:
        body = listing(title, "20.00")
        response = await self.clients["tickets"].post(
            "/api/tickets", json=body, headers=self.seller
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def approved(self, ticket_id: str) -> None:
        """Wait until orders knows the ticket as approved (moderation screened it)."""

        async def known() -> bool:
            replica = await TicketReplica.get(ticket_id)
            return replica is not None and replica.status == "approved"

        await eventually(known, within=20)

    async def order(self, ticket_id: str) -> dict[str, Any]:
        response = await self.clients["orders"].post(
            "/api/orders", json={"ticket_id": ticket_id}, headers=self.buyer
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def metric(self, service: str, name: str, **labels: str) -> float:
        """A sample's value from ``service``'s /metrics (0 if it has not appeared yet)."""
        response = await self.clients[service].get("/metrics")
        assert response.status_code == 200, response.text
        for family in text_string_to_metric_families(response.text):
            for sample in family.samples:
                if sample.name == name and sample.labels == labels:
                    return float(sample.value)
        return 0.0


@contextlib.asynccontextmanager
async def shop(isolated: dict[str, Any], window: int = 600) -> AsyncIterator[Shop]:
    apps = {
        "tickets": tickets_app(TicketsSettings(**isolated)),
        "moderation": moderation_app(ModerationSettings(**isolated)),
        "orders": orders_app(OrdersSettings(**isolated, order_expiration_seconds=window)),
        "payments": payments_app(
            PaymentsSettings(
                **isolated, stripe_api_key=STANDIN_KEY, stripe_api_base="http://127.0.0.1:9"
            )
        ),  # Stripe is never called here: nobody pays
        "expiration": expiration_app(ExpirationSettings(**isolated)),
    }
    async with contextlib.AsyncExitStack() as stack:
        clients = {
            name: await stack.enter_async_context(running(app)) for name, app in apps.items()
        }
        platform = apps["orders"].state.platform
        _, seller = await sign_up(platform.identity, "seller@example.com")
        _, buyer = await sign_up(platform.identity, "buyer@example.com")
        yield Shop(clients, platform, seller, buyer)
