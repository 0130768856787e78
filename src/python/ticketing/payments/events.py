"""What the payments service does when orders speak."""

from __future__ import annotations

from functools import partial

from ticketing.payments import use_cases
from ticketing.payments.charges import Charges
from ticketing.shared import events
from ticketing.shared.platform import Platform


def subscribe(platform: Platform, charges: Charges) -> None:
    bus = platform.bus
    bus.subscribe(events.OrderCreated, partial(use_cases.add_order, platform))
    bus.subscribe(events.OrderCompleted, partial(use_cases.order_completed, platform, charges))
    bus.subscribe(events.OrderCancelled, partial(use_cases.order_cancelled, platform, charges))
