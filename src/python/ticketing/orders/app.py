"""The orders service: reservations of tickets, their expiry, cancellation and completion."""

from functools import partial

from litestar import Litestar

from ticketing.orders import events
from ticketing.orders.models import Order, TicketReplica
from ticketing.orders.routes import OrdersController
from ticketing.orders.settings import OrdersSettings
from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.service_app import service_app


def create_app(settings: OrdersSettings) -> Litestar:
    platform = Platform("orders", settings, [Order, TicketReplica])
    events.subscribe(platform)
    return service_app(platform, [OrdersController], description=__doc__ or "")


run = partial(serve, create_app, OrdersSettings, "orders")  # the pex_binary's entry point
