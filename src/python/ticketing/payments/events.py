"""What the payments service does when orders and tickets speak."""

from __future__ import annotations

from functools import partial

from ticketing.payments import use_cases
from ticketing.payments.charges import Charges
from ticketing.payments.payout_rules import Terms
from ticketing.shared import events
from ticketing.shared.platform import Platform


def subscribe(platform: Platform, charges: Charges, terms: Terms) -> None:
    bus = platform.bus
    bus.subscribe(events.OrderCreated, partial(use_cases.add_order, platform))
    completed = partial(use_cases.order_completed, platform, charges, terms)
    bus.subscribe(events.OrderCompleted, completed)
    bus.subscribe(events.OrderCancelled, partial(use_cases.order_cancelled, platform, charges))
    bus.subscribe(events.TicketAdmitted, partial(use_cases.ticket_admitted, platform))
