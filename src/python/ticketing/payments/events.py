"""What the payments service does when orders speak."""

from __future__ import annotations

from ticketing.payments import domain
from ticketing.shared import events
from ticketing.shared.platform import Platform


def subscribe(platform: Platform) -> None:
    platform.bus.subscribe(events.OrderCreated, domain.add_order)
    platform.bus.subscribe(events.OrderCancelled, domain.cancel_order)
