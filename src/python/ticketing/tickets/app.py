"""The tickets service: listings, their reservation by orders, their moderation status."""

from functools import partial

from litestar import Litestar

from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.service_app import service_app
from ticketing.tickets import events
from ticketing.tickets.models import Ticket
from ticketing.tickets.routes import TicketsController
from ticketing.tickets.settings import TicketsSettings


def create_app(settings: TicketsSettings) -> Litestar:
    platform = Platform("tickets", settings, [Ticket])
    events.subscribe(platform)
    return service_app(platform, [TicketsController], description=__doc__ or "")


run = partial(serve, create_app, TicketsSettings, "tickets")  # the pex_binary's entry point
