"""Transactional outbox: a state change and what it causes are committed together.

A handler writes its documents *and* outbox messages (events to publish, relation tuples to
write or delete in the permission engine) in one MongoDB transaction. After the commit the
request tries to deliver its own messages at once, so the caller sees the effects; whatever
could not be delivered (RabbitMQ or Keto down) stays in the outbox and a background relay
retries until it goes out. Delivery is at least once; consumers are idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import uuid4

import msgspec
import structlog
from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from ticketing.shared import events
from ticketing.shared.messaging import Bus
from ticketing.shared.permissions import PermissionPort, RelationTuple

log = structlog.get_logger(__name__)

Kind = Literal["event", "grant", "revoke"]


class Outbox:
    """The ``outbox`` collection of one service's database and the relay that empties it."""

    POLL_SECONDS = 1.0

    def __init__(
        self, collection: AsyncCollection[dict[str, Any]], bus: Bus, permissions: PermissionPort
    ) -> None:
        self._collection = collection
        self._bus = bus
        self._permissions = permissions
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def init(self) -> None:
        await self._collection.create_index([("created_at", ASCENDING)])

    # --- writing, inside the caller's transaction -------------------------------------------

    async def add_event(self, event: events.Event, session: AsyncClientSession) -> str:
        return await self._add("event", event.SUBJECT, events.encode(event), session)

    async def grant(self, tuples: list[RelationTuple], session: AsyncClientSession) -> str:
        return await self._add("grant", "", msgspec.json.encode(tuples), session)

    async def revoke(self, tuples: list[RelationTuple], session: AsyncClientSession) -> str:
        return await self._add("revoke", "", msgspec.json.encode(tuples), session)

    async def _add(self, kind: Kind, subject: str, body: bytes, session: AsyncClientSession) -> str:
        message_id = str(uuid4())
        doc = {
            "_id": message_id,
            "kind": kind,
            "subject": subject,
            "body": body,
            "created_at": datetime.now(UTC),
        }
        await self._collection.insert_one(doc, session=session)
        return message_id

    # --- delivering ---------------------------------------------------------------------------

    async def flush(self) -> bool:
        """Deliver everything pending now, oldest first; False if something must wait."""
        async with self._lock:  # one deliverer per process keeps per-entity order
            async for doc in self._collection.find().sort("created_at", ASCENDING):
                try:
                    await self._deliver(doc)
                except Exception as exc:
                    log.warning("outbox delivery deferred", message_id=doc["_id"], error=repr(exc))
                    return False
                await self._collection.delete_one({"_id": doc["_id"]})
        return True

    async def _deliver(self, doc: dict[str, Any]) -> None:
        if doc["kind"] == "event":
            await self._bus.publish_raw(doc["subject"], bytes(doc["body"]), doc["_id"])
            return
        tuples = msgspec.json.decode(bytes(doc["body"]), type=list[RelationTuple])
        if doc["kind"] == "grant":
            await self._permissions.write(tuples)
        else:
            await self._permissions.delete(tuples)

    async def flush_soon(self, within: float = 2.0) -> None:
        """After a commit: try to deliver now, but never hold a request hostage to the broker."""
        try:
            if await asyncio.wait_for(self.flush(), within):
                return
        except TimeoutError:
            log.warning("outbox delivery timed out; the relay will retry")
        self._wake.set()

    async def pending(self) -> int:
        return await self._collection.count_documents({})

    def start(self) -> None:
        self._task = asyncio.create_task(self._relay(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _relay(self) -> None:
        backoff = self.POLL_SECONDS
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)
            self._wake.clear()
            try:
                delivered = await self.flush()
            except Exception as exc:  # the database itself is unreachable
                log.warning("outbox relay cannot read the outbox", error=repr(exc))
                delivered = False
            backoff = self.POLL_SECONDS if delivered else min(backoff * 2, 10.0)
