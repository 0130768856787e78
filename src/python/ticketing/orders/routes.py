"""HTTP API of the orders service: /api/orders."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, ClassVar

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from ticketing.orders import use_cases
from ticketing.orders.settings import OrdersSettings
from ticketing.shared.conditional import NOT_MODIFIED, IfNoneMatch, tagged
from ticketing.shared.events import DisputeStatus, OrderStatus
from ticketing.shared.guards import signed_in
from ticketing.shared.idempotency import IDEMPOTENT
from ticketing.shared.identity import Principal
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems
from ticketing.shared.responses import View


class OrderIn(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"ticket_id": "6a1f0c2e-8d6b-4c61-9a5e-3b2f4d8e9c10"}
    ticket_id: str


class OrderTicketOut(View):
    id: str
    title: str
    price: Decimal


class OrderOut(View):
    id: str
    status: OrderStatus
    expires_at: datetime
    ticket: OrderTicketOut
    user_id: str
    version: int
    payment_id: str | None
    dispute_id: str | None = None  # GET /api/payments/disputes/{id}
    dispute_status: Annotated[
        DisputeStatus | None,
        msgspec.Meta(description="the buyer's dispute: open, refunded, released"),
    ] = None
    refunded: Annotated[bool, msgspec.Meta(description="the price was refunded in full")] = False


class OrdersController(Controller):
    path = "/api/orders"
    tags = ["orders"]
    guards = [signed_in]

    @post("/", operation_id="placeOrder", opt=IDEMPOTENT, responses=problems(403, 404, 409))
    async def place(
        self,
        data: JSONBody[OrderIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        settings: NamedDependency[OrdersSettings],
    ) -> OrderOut:
        """Reserve a ticket for ORDER_EXPIRATION_SECONDS. 404 unknown ticket, 403 your own
        ticket, 409 reserved by another open order or not approved by moderation."""
        window = timedelta(seconds=settings.order_expiration_seconds)
        return OrderOut.of(await use_cases.place(platform, user.id, data.ticket_id, window))

    @get("/", operation_id="listOrders")
    async def mine(
        self, user: NamedDependency[Principal], platform: NamedDependency[Platform]
    ) -> list[OrderOut]:
        """The caller's orders, oldest first."""
        return [OrderOut.of(order) for order in await use_cases.of_user(platform, user.id)]

    @get(
        "/{order_id:str}",
        operation_id="getOrder",
        responses={**problems(403, 404), **NOT_MODIFIED},
    )
    async def read(
        self,
        order_id: FromPath[str],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        if_none_match: IfNoneMatch = None,
    ) -> Response[OrderOut | None]:
        """For its buyer and its seller."""
        order = OrderOut.of(await use_cases.get(platform, user.id, order_id, "view"))
        return tagged(order, order.version, if_none_match)

    @delete("/{order_id:str}", operation_id="cancelOrder", responses=problems(403, 404, 409))
    async def cancel(
        self,
        order_id: FromPath[str],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> None:
        """Cancel an order and free its ticket; 409 for a completed order."""
        order = await use_cases.get(platform, user.id, order_id, "edit")
        await use_cases.cancel(platform, order)
