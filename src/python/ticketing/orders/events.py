"""What the orders service does when tickets, payments and expiration speak."""

from __future__ import annotations

from functools import partial

from ticketing.orders import use_cases
from ticketing.shared import events
from ticketing.shared.platform import Platform


def subscribe(platform: Platform) -> None:
    bus = platform.bus
    bus.subscribe(events.TicketCreated, partial(use_cases.add_ticket, platform))
    for changed in (events.TicketUpdated, events.TicketSold, events.TicketAdmitted):
        bus.subscribe(changed, partial(use_cases.update_ticket, platform))
    bus.subscribe(events.PaymentAuthorized, partial(use_cases.complete, platform))
    bus.subscribe(events.ExpirationComplete, partial(use_cases.expire, platform))
    for step in (events.DisputeOpened, events.DisputeResolved):
        bus.subscribe(step, partial(use_cases.follow_dispute, platform))
    bus.subscribe(events.PaymentRefunded, partial(use_cases.refunded, platform))
