"""HTTP API of the orders service: /api/orders."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import msgspec
from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from ticketing.orders import domain
from ticketing.orders.models import Order
from ticketing.orders.settings import OrdersSettings
from ticketing.shared.events import OrderStatus
from ticketing.shared.identity import Principal
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems


class OrderIn(msgspec.Struct, forbid_unknown_fields=True):
    ticket_id: str


class OrderTicketOut(msgspec.Struct):
    id: str
    title: str
    price: Decimal


class OrderOut(msgspec.Struct):
    id: str
    status: OrderStatus
    expires_at: datetime
    ticket: OrderTicketOut
    user_id: str
    version: int
    payment_id: str | None

    @classmethod
    def of(cls, order: Order) -> OrderOut:
        return cls(
            id=order.id,
            status=order.status,
            expires_at=order.expires_at,
            ticket=OrderTicketOut(
                id=order.ticket_id, title=order.ticket_title, price=order.ticket_price
            ),
            user_id=order.user_id,
            version=order.version,
            payment_id=order.payment_id,
        )


class OrdersController(Controller):
    path = "/api/orders"
    tags = ["orders"]

    @post("/", responses=problems(403, 404, 409))
    async def place(
        self,
        data: JSONBody[OrderIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform[OrdersSettings]],
    ) -> OrderOut:
        """Reserve a ticket for ORDER_EXPIRATION_SECONDS. 404 unknown ticket, 403 your own
        ticket, 409 reserved by another open order or not approved by moderation."""
        window = timedelta(seconds=platform.settings.order_expiration_seconds)
        return OrderOut.of(await domain.place(platform, user.id, data.ticket_id, window))

    @get("/")
    async def mine(self, user: NamedDependency[Principal]) -> list[OrderOut]:
        """The caller's orders, oldest first."""
        return [OrderOut.of(order) for order in await domain.of_user(user.id)]

    @get("/{order_id:str}", responses=problems(403, 404))
    async def read(
        self,
        order_id: FromPath[str],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> OrderOut:
        """For the order's owner and the owner of its ticket."""
        return OrderOut.of(await domain.get_for(platform, user.id, order_id, "view"))

    @delete("/{order_id:str}", responses=problems(403, 404, 409))
    async def cancel(
        self,
        order_id: FromPath[str],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> None:
        """Cancel an order and free its ticket; 409 for a completed order."""
        order = await domain.get_for(platform, user.id, order_id, "edit")
        await domain.cancel(platform, order)
