"""What the payments service does when orders speak."""

from __future__ import annotations

from ticketing.payments import domain
from ticketing.payments.charges import Stripe
from ticketing.shared import events
from ticketing.shared.platform import Platform

SETTLE_EVERY_SECONDS = 2.0


def subscribe(platform: Platform, charges: Stripe) -> None:
    async def on_completed(event: events.OrderCompleted) -> None:
        await domain.order_completed(charges, event)

    async def on_cancelled(event: events.OrderCancelled) -> None:
        await domain.order_cancelled(charges, event)

    platform.bus.subscribe(events.OrderCreated, domain.add_order)
    platform.bus.subscribe(events.OrderCompleted, on_completed)
    platform.bus.subscribe(events.OrderCancelled, on_cancelled)
    # Captures and voids Stripe could not confirm at once are retried until it does.
    platform.repeat(SETTLE_EVERY_SECONDS, lambda: domain.settle_pending(charges))
