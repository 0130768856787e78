"""What the tickets service's tests share: the world they run in (conftest.py makes it) and
the steps they take in it."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from ticketing.shared import events
from ticketing.shared.platform import Platform
from ticketing.stack.story import listing
from ticketing.testing.events import EventTap
from ticketing.tickets.models import Ticket


@dataclass
class World:
    client: httpx.AsyncClient
    platform: Platform
    orders_view: EventTap  # what the orders service would receive
    seller: dict[str, str]
    buyer: dict[str, str]
    isolated: dict[str, Any]
    seller_id: str
    buyer_id: str


async def list_ticket(world: World, title: str = "Concert", price: Any = "20.00") -> dict[str, Any]:
    response = await world.client.post(
        "/api/tickets", json=listing(title, price), headers=world.seller
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def order_created(ticket: dict[str, Any], order_id: str = "o1") -> events.OrderCreated:
    return events.OrderCreated(
        id=order_id,
        version=0,
        status=events.OrderStatus.CREATED,
        user_id="buyer",
        expires_at=datetime.now(UTC),
        ticket=events.OrderTicket(id=ticket["id"], price=Decimal(ticket["price"]), user_id="u"),
    )


async def stored(ticket_id: str) -> Ticket:
    ticket = await Ticket.get(ticket_id)
    assert ticket is not None
    return ticket
