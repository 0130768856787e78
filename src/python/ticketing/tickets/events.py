"""What the tickets service does when orders and moderation speak."""

from __future__ import annotations

from functools import partial

from ticketing.shared import events
from ticketing.shared.platform import Platform
from ticketing.tickets import use_cases


def subscribe(platform: Platform) -> None:
    bus = platform.bus
    bus.subscribe(events.OrderCreated, partial(use_cases.reserve, platform))
    bus.subscribe(events.OrderCancelled, partial(use_cases.release, platform))
    bus.subscribe(events.OrderCompleted, partial(use_cases.sell, platform))
    bus.subscribe(events.TicketApproved, partial(use_cases.apply_verdict, platform))
    bus.subscribe(events.TicketRejected, partial(use_cases.apply_verdict, platform))
    bus.subscribe(events.SellerPayoutsEnabled, partial(use_cases.payouts_enabled, platform))
