"""What the tickets service does when orders and moderation speak."""

from __future__ import annotations

from ticketing.shared import events
from ticketing.shared.platform import Platform
from ticketing.tickets import domain


def subscribe(platform: Platform) -> None:
    async def on_order_created(event: events.OrderCreated) -> None:
        await domain.reserve(platform, event)

    async def on_order_cancelled(event: events.OrderCancelled) -> None:
        await domain.release(platform, event)

    async def on_verdict(event: events.Verdict) -> None:
        await domain.apply_verdict(platform, event)

    platform.bus.subscribe(events.OrderCreated, on_order_created)
    platform.bus.subscribe(events.OrderCancelled, on_order_cancelled)
    platform.bus.subscribe(events.TicketApproved, on_verdict)
    platform.bus.subscribe(events.TicketRejected, on_verdict)
