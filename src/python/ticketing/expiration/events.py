"""What expiration does when orders are placed: schedule the end of their window."""

from __future__ import annotations

from functools import partial

from ticketing.expiration import use_cases
from ticketing.shared import events
from ticketing.shared.jobs import JobQueue
from ticketing.shared.platform import Platform


def subscribe(platform: Platform, jobs: JobQueue) -> None:
    platform.bus.subscribe(events.OrderCreated, partial(use_cases.schedule, jobs))
