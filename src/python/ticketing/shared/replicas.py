"""Replicas of another service's entities, kept from its events: inserted once, then changed
only by the next version, so duplicates and early arrivals leave them right."""

from __future__ import annotations

import contextlib
from enum import Enum
from typing import Any, Protocol, cast

from beanie import Document

from ticketing.shared.events import Event
from ticketing.shared.messaging import RetryLater
from ticketing.shared.persistence import DuplicateKeyError


class Replica(Protocol):
    """What every replica model has (orders' TicketReplica, payments' OrderReplica): a copy of
    another service's entity at the version of its last applied event. A Protocol, not a base
    Document: Beanie would bind one shared base class to the last service's database."""

    id: str
    version: int


class Step(Enum):
    APPLY = "apply"  # the next version
    DUPLICATE = "duplicate"  # seen already: acknowledge, change nothing
    WAIT = "wait"  # ahead of its predecessor (or of the first version): retry later


def next_step(current: int | None, incoming: int) -> Step:
    """What to do with version ``incoming`` of an entity whose replica is at ``current``
    (None: no replica yet)."""
    if current is None or incoming > current + 1:
        return Step.WAIT
    return Step.APPLY if incoming == current + 1 else Step.DUPLICATE


async def insert_once(replica: Document) -> None:
    """Insert the first version; a duplicate event (even a concurrent one) changes nothing."""
    if await type(replica).get(replica.id) is None:
        with contextlib.suppress(DuplicateKeyError):
            await replica.insert()


async def apply_next(model: type[Document], event: Event, changes: dict[str, Any]) -> None:
    """Apply ``changes`` if ``event`` is the replica's next version; drop a duplicate; make an
    early one wait for its predecessor (``RetryLater``). A compare-and-set on the version, so
    concurrent deliveries cannot apply twice."""
    replica = cast(Replica | None, await model.get(event.id))
    current = replica.version if replica else None
    step = next_step(current, event.version)
    if step is Step.WAIT:
        raise RetryLater(f"{model.__name__} {event.id} version {event.version} is ahead")
    if step is Step.APPLY:
        await model.find_one({"_id": event.id, "version": current}).update(
            {"$set": {**changes, "version": event.version}}
        )
