"""Replicas of another service's entities, kept from its events: inserted once, then changed
only by the next version, so duplicates and early arrivals leave them right.

A replica (orders' ``TicketReplica``, payments' ``OrderReplica``) keeps two versions: the
entity's, from the last event applied (``source_version``), which orders the events; and its
own (``version``), which goes up with every write, the events' and the service's own (payments
records the payment on its order), so that every write is a compare-and-set and concurrent
writers see each other.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from pydantic import model_validator

from ticketing.shared.events import Event
from ticketing.shared.messaging import RetryLater
from ticketing.shared.persistence import DuplicateKeyError, StaleVersion, VersionedDocument
from ticketing.shared.store import Insert, Save, Store

LOOKS = 3  # a lost compare-and-set is looked at again; the bound only stops a bug looping


class Replica(VersionedDocument):
    """A copy of another service's entity, kept from its events. A base, never a model itself:
    each service's replica is its own collection."""

    id: str  # type: ignore[assignment]
    source_version: int = 0  # the entity's version in the last event applied

    @model_validator(mode="before")
    @classmethod
    def _kept_before_source_version(cls, stored: Any) -> Any:
        # Replicas written before the two versions were told apart kept the entity's in
        # ``version``.
        if isinstance(stored, dict) and "source_version" not in stored and "version" in stored:
            return {**stored, "source_version": stored["version"]}
        return stored


R = TypeVar("R", bound=Replica)


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


async def insert_once(store: Store, replica: Replica) -> None:
    """Insert the first version; a duplicate event (even a concurrent one) changes nothing."""
    if await store.get(type(replica), replica.id) is None:
        with contextlib.suppress(DuplicateKeyError):
            await store.commit(Insert(replica))


async def apply_next(
    store: Store, kind: type[R], event: Event, change: Callable[[R], None]
) -> None:
    """``change`` the replica if ``event`` is its next version; drop a duplicate; make an early
    one wait for its predecessor (``RetryLater``)."""
    for _ in range(LOOKS):
        replica = await store.get(kind, event.id)
        step = next_step(replica.source_version if replica else None, event.version)
        if step is Step.WAIT:
            raise RetryLater(f"{kind.__name__} {event.id} version {event.version} is ahead")
        if step is Step.DUPLICATE or replica is None:
            return
        change(replica)
        replica.source_version = event.version
        try:
            await store.commit(Save(replica))
            return
        except StaleVersion:  # another write came first: look again
            continue
    raise RetryLater(f"{kind.__name__} {event.id} keeps changing")
