"""Replicas of another service's entities, kept from its events: inserted once, then changed
only by the next version, so duplicates and early arrivals leave them right."""

from __future__ import annotations

import contextlib
from typing import Any

from beanie import Document

from ticketing.shared.events import Event
from ticketing.shared.messaging import RetryLater
from ticketing.shared.persistence import DuplicateKeyError


async def insert_once(replica: Document) -> None:
    """Insert the first version; a duplicate event (even a concurrent one) changes nothing."""
    if await type(replica).get(replica.id) is None:
        with contextlib.suppress(DuplicateKeyError):
            await replica.insert()


async def apply_next(model: type[Document], event: Event, changes: dict[str, Any]) -> None:
    """Apply ``changes`` if ``event`` is the replica's next version; drop a duplicate; make an
    early one wait for its predecessor (``RetryLater``). A compare-and-set on the version, so
    concurrent deliveries cannot apply twice."""
    replica = await model.get(event.id)
    current = getattr(replica, "version", None)
    if current is None or event.version > current + 1:
        raise RetryLater(f"{model.__name__} {event.id} version {event.version} is ahead")
    if event.version <= current:
        return
    await model.find_one({"_id": event.id, "version": current}).update(
        {"$set": {**changes, "version": event.version}}
    )
