"""Watching and injecting events on a test's own exchange, as another service would."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, TypeVar
from uuid import uuid4

from ticketing.shared import events
from ticketing.shared.messaging import Bus

E = TypeVar("E", bound=events.Event)


class EventTap:
    """Consumes the queues of ``service`` (which must not run itself) and keeps what arrives."""

    def __init__(self, isolated: dict[str, Any], service: str) -> None:
        self.bus = Bus(isolated["rabbitmq_url"], isolated["event_exchange"], service)
        self.received: asyncio.Queue[events.Event] = asyncio.Queue()

    async def start(self, event_types: Sequence[type[events.Event]]) -> EventTap:
        for event_type in event_types:
            self.bus.subscribe(event_type, self.received.put)
        await self.bus.start()
        return self

    async def stop(self) -> None:
        await self.bus.stop()

    async def next(self, event_type: type[E], within: float = 10.0) -> E:
        """The next event of ``event_type``; others arriving first are dropped."""
        async with asyncio.timeout(within):
            while True:
                event = await self.received.get()
                if isinstance(event, event_type):
                    return event

    async def silent(self, within: float = 1.0) -> bool:
        """True if nothing arrives for ``within`` seconds."""
        try:
            async with asyncio.timeout(within):
                await self.received.get()
        except TimeoutError:
            return True
        return False


async def inject(isolated: dict[str, Any], *published: events.Event) -> None:
    """Publish events as their publishing services would (with confirms)."""
    for event in published:
        bus = Bus(isolated["rabbitmq_url"], isolated["event_exchange"], event.PUBLISHER)
        await bus.broker.connect()
        await bus.declare_topology()
        try:
            await bus.publish(event, message_id=str(uuid4()))
        finally:
            await bus.stop()
