"""The tickets service: listings, their reservation by orders and moderation status, who holds
each ticket, their codes, and the door."""

from functools import partial

from litestar import Litestar
from litestar.di import Provide

from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.service_app import service_app
from ticketing.tickets import events, listing
from ticketing.tickets.door_routes import AdmissionsController, published_keys
from ticketing.tickets.models import Payee, Ticket
from ticketing.tickets.routes import TicketsController
from ticketing.tickets.settings import TicketsSettings


def create_app(settings: TicketsSettings) -> Litestar:
    platform = Platform("tickets", settings, [Ticket, Payee])
    events.subscribe(platform)
    platform.on_start(listing.key_older_tickets)
    platform.repeat(60, listing.key_older_tickets)  # what a replica of an older version wrote
    keys = settings.code_keys()
    return service_app(
        platform,
        [TicketsController, AdmissionsController, published_keys],
        description=__doc__ or "",
        dependencies={"keys": Provide(lambda: keys, sync_to_thread=False, use_cache=True)},
    )


run = partial(serve, create_app, TicketsSettings, "tickets")  # the pex_binary's entry point
