"""Each service serves the AsyncAPI document of exactly the events it sends and receives."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from litestar import Litestar

from ticketing.auth.app import create_app as auth_app
from ticketing.auth.settings import AuthSettings
from ticketing.expiration.app import create_app as expiration_app
from ticketing.expiration.settings import ExpirationSettings
from ticketing.moderation.app import create_app as moderation_app
from ticketing.moderation.settings import ModerationSettings
from ticketing.orders.app import create_app as orders_app
from ticketing.orders.settings import OrdersSettings
from ticketing.payments.app import create_app as payments_app
from ticketing.payments.settings import PaymentsSettings
from ticketing.tickets.app import create_app as tickets_app
from ticketing.tickets.settings import TicketsSettings

APPS: dict[str, Callable[[], Litestar]] = {
    "auth": lambda: auth_app(AuthSettings(ticketing_profile="dev")),
    "tickets": lambda: tickets_app(TicketsSettings(ticketing_profile="dev")),
    "orders": lambda: orders_app(OrdersSettings(ticketing_profile="dev")),
    "payments": lambda: payments_app(
        PaymentsSettings(ticketing_profile="dev", stripe_api_key="sk_test_standin")
    ),
    "expiration": lambda: expiration_app(ExpirationSettings(ticketing_profile="dev")),
    "moderation": lambda: moderation_app(ModerationSettings(ticketing_profile="dev")),
}
EXPECTED = {
    "auth": (set(), set()),
    "tickets": (
        {"ticket.created", "ticket.updated", "ticket.sold", "ticket.admitted"},
        {
            "order.created",
            "order.cancelled",
            "order.completed",
            "ticket.approved",
            "ticket.rejected",
            "seller.payouts_enabled",
        },
    ),
    "orders": (
        {"order.created", "order.cancelled", "order.completed"},
        {
            "ticket.created",
            "ticket.updated",
            "ticket.sold",
            "ticket.admitted",
            "expiration.complete",
            "payment.authorized",
            "dispute.opened",
            "dispute.resolved",
            "payment.refunded",
        },
    ),
    "payments": (
        {
            "payment.authorized",
            "seller.payouts_enabled",
            "dispute.opened",
            "dispute.resolved",
            "payment.refunded",
        },
        {"order.created", "order.cancelled", "order.completed", "ticket.admitted"},
    ),
    "expiration": ({"expiration.complete"}, {"order.created"}),
    "moderation": ({"ticket.approved", "ticket.rejected"}, {"ticket.created", "ticket.updated"}),
}


@pytest.mark.parametrize("service", list(APPS))
async def test_the_document_lists_what_the_service_sends_and_receives(service: str) -> None:
    app: Any = APPS[service]()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        document = (await client.get("/asyncapi.json")).json()
    assert document["asyncapi"] == "3.0.0"
    operations = document["operations"].values()
    channels = document["channels"]

    def subjects(action: str) -> set[str]:
        return {
            channels[op["channel"]["$ref"].rsplit("/", 1)[1]]["address"]
            for op in operations
            if op["action"] == action
        }

    assert (subjects("send"), subjects("receive")) == EXPECTED[service]
    # What the service's own events.py subscribes to is what the topology names it for.
    assert app.state.platform.bus.consuming == EXPECTED[service][1]
    # Every message has its payload schema, with the entity id and version required.
    for name, message in document["components"]["messages"].items():
        schema = document["components"]["schemas"][message["payload"]["$ref"].rsplit("/", 1)[1]]
        assert {"id", "version"} <= set(schema["required"]), name
    # A subscribing service's channels name its own durable queue.
    for channel in channels.values():
        queue = channel["bindings"]["amqp"].get("queue")
        if queue:
            assert queue["name"] == f"ticketing.{service}.{channel['address']}"
