"""What the orders service does when tickets, moderation, payments and expiration speak."""

from __future__ import annotations

from ticketing.orders import domain
from ticketing.shared import events
from ticketing.shared.platform import Platform


def subscribe(platform: Platform) -> None:
    async def on_payment(event: events.PaymentAuthorized) -> None:
        await domain.complete(platform, event)

    async def on_expiration(event: events.ExpirationComplete) -> None:
        await domain.expire(platform, event)

    platform.bus.subscribe(events.TicketCreated, domain.add_ticket)
    platform.bus.subscribe(events.TicketUpdated, domain.update_ticket)
    platform.bus.subscribe(events.TicketApproved, domain.apply_verdict)
    platform.bus.subscribe(events.TicketRejected, domain.apply_verdict)
    platform.bus.subscribe(events.PaymentAuthorized, on_payment)
    platform.bus.subscribe(events.ExpirationComplete, on_expiration)
