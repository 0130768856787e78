"""What moderation does when tickets are listed or retitled: open a case and queue its screening."""

from __future__ import annotations

from functools import partial

from ticketing.moderation import use_cases
from ticketing.shared import events
from ticketing.shared.jobs import JobQueue
from ticketing.shared.platform import Platform


def subscribe(platform: Platform, jobs: JobQueue) -> None:
    platform.bus.subscribe(events.TicketCreated, partial(use_cases.open_case, platform, jobs))
    platform.bus.subscribe(events.TicketUpdated, partial(use_cases.open_case, platform, jobs))
