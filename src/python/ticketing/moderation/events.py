"""What moderation does when tickets are listed or retitled: open a case and queue its screening."""

from __future__ import annotations

from ticketing.moderation import use_cases
from ticketing.shared import events
from ticketing.shared.jobs import JobQueue
from ticketing.shared.platform import Platform


def subscribe(platform: Platform, jobs: JobQueue) -> None:
    async def on_created(event: events.TicketCreated) -> None:
        await use_cases.open_case(platform, jobs, event.id, event.version, event.title)

    async def on_updated(event: events.TicketUpdated) -> None:
        if event.title_changed:
            await use_cases.open_case(platform, jobs, event.id, event.version, event.title)

    platform.bus.subscribe(events.TicketCreated, on_created)
    platform.bus.subscribe(events.TicketUpdated, on_updated)
