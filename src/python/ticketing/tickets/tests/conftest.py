"""The world of the tickets service's tests: the app on real MongoDB-wire and RabbitMQ servers,
a seller and a buyer signed up, and a tap on what the orders service would receive."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from ticketing.shared import events
from ticketing.shared.platform import Platform
from ticketing.testing.events import EventTap
from ticketing.testing.fixtures import running, sign_up
from ticketing.tickets.app import create_app
from ticketing.tickets.settings import TicketsSettings
from ticketing.tickets.tests.world import World

WATCHED: list[type[events.Event]] = [
    events.TicketCreated,
    events.TicketUpdated,
    events.TicketSold,
    events.TicketAdmitted,
]


@pytest.fixture
async def world(isolated: dict[str, Any]) -> AsyncIterator[World]:
    app = create_app(TicketsSettings(**isolated))
    platform: Platform = app.state.platform
    tap = await EventTap(isolated, "orders").start(WATCHED)
    async with running(app) as client:
        seller_id, seller = await sign_up(platform.identity, "seller@example.com")
        buyer_id, buyer = await sign_up(platform.identity, "buyer@example.com")
        yield World(client, platform, tap, seller, buyer, isolated, seller_id.id, buyer_id.id)
    await tap.stop()
