"""Transactional outbox: a state change and what it causes are committed together.

A handler writes its documents *and* what they cause (events to publish, relation tuples to
write or delete in the permission engine) in one MongoDB transaction. Tuples for the embedded
engine, which lives in the same MongoDB, are written in that transaction itself, so a grant
takes effect with its change. Everything else goes to the outbox; after the commit the
request tries to deliver it at once, and a background relay retries whatever could not go
out. Events and tuples (for Keto) are delivered in two independent lanes, each in order, so a
broker outage never holds up a grant and a Keto outage never holds up an event. Delivery is
at least once; consumers are idempotent.

A row keeps the W3C trace context of the change that wrote it, and is delivered in that
context, whenever and by whomever: the publish span is a child of the span that wrote the row,
so a purchase stays one trace across the outbox, relay or not.
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
from ticketing.shared.permissions import PermissionPort, RelationTuple, TransactionalPermissions
from ticketing.shared.telemetry import carrier, continued

log = structlog.get_logger(__name__)

Kind = Literal["event", "grant", "revoke"]
LANES: tuple[tuple[Kind, ...], ...] = (("event",), ("grant", "revoke"))


class _Lane:
    """One lane's deliverer. Requests that commit while a pass runs queue for the lock; the
    first pass to begin after they asked carries their rows, so a burst of commits costs a
    pass or two rather than a pass each."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.asked = 0  # how many flushes were asked for, ever
        self.covered = 0  # the asks that the latest pass began after
        self.delivered = True  # whether that pass emptied the lane


class Outbox:
    """The ``outbox`` collection of one service's database and the relay that empties it."""

    POLL_SECONDS = 1.0
    BATCH = 200  # rows read, delivered and deleted at a time

    def __init__(
        self, collection: AsyncCollection[dict[str, Any]], bus: Bus, permissions: PermissionPort
    ) -> None:
        self._collection = collection
        self._bus = bus
        self._permissions = permissions
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lanes = {kinds: _Lane() for kinds in LANES}

    async def init(self) -> None:
        await self._collection.create_index([("kind", ASCENDING), ("created_at", ASCENDING)])

    # --- writing, inside the caller's transaction -------------------------------------------

    async def add_event(self, event: events.Event, session: AsyncClientSession) -> str:
        self._bus.check_publisher(event)
        return await self._add("event", event.SUBJECT, events.encode(event), session)

    async def grant(self, tuples: list[RelationTuple], session: AsyncClientSession) -> None:
        await self._relate("grant", tuples, session)

    async def revoke(self, tuples: list[RelationTuple], session: AsyncClientSession) -> None:
        await self._relate("revoke", tuples, session)

    async def _relate(
        self,
        kind: Literal["grant", "revoke"],
        tuples: list[RelationTuple],
        session: AsyncClientSession,
    ) -> None:
        engine = self._permissions
        if isinstance(engine, TransactionalPermissions) and engine.client is session.client:
            change = engine.write_in if kind == "grant" else engine.delete_in
            await change(tuples, session)
        else:
            await self._add(kind, "", msgspec.json.encode(tuples), session)

    async def _add(self, kind: Kind, subject: str, body: bytes, session: AsyncClientSession) -> str:
        message_id = str(uuid4())
        doc = {
            "_id": message_id,
            "kind": kind,
            "subject": subject,
            "body": body,
            "created_at": datetime.now(UTC),
        }
        trace = carrier()
        if trace:
            doc["trace"] = trace
        await self._collection.insert_one(doc, session=session)
        return message_id

    # --- delivering ---------------------------------------------------------------------------

    async def flush(self) -> bool:
        """Deliver everything pending now, each lane oldest first; False if something must wait."""
        delivered = await asyncio.gather(*(self._flush_lane(kinds) for kinds in LANES))
        return all(delivered)

    async def _flush_lane(self, kinds: tuple[Kind, ...]) -> bool:
        lane = self._lanes[kinds]
        lane.asked += 1
        mine = lane.asked
        async with lane.lock:  # one deliverer per lane and process keeps order
            if lane.covered >= mine:  # a pass that began after we asked took our rows along
                return lane.delivered
            lane.covered = lane.asked  # everyone who asked so far committed before this read
            lane.delivered = False  # until the pass says otherwise (it may raise)
            lane.delivered = await self._deliver_pending(kinds)
            return lane.delivered

    async def _deliver_pending(self, kinds: tuple[Kind, ...]) -> bool:
        """Deliver the lane's rows oldest first, deleting each batch once it is out (a crash in
        between delivers them again: at least once)."""
        while True:
            pending = self._collection.find({"kind": {"$in": list(kinds)}})
            batch = await pending.sort("created_at", ASCENDING).limit(self.BATCH).to_list()
            delivered: list[str] = []
            try:
                for doc in batch:
                    await self._deliver(doc)
                    delivered.append(doc["_id"])
            except Exception as exc:
                log.warning("outbox delivery deferred", message_id=doc["_id"], error=repr(exc))
                return False
            finally:
                if delivered:
                    await self._collection.delete_many({"_id": {"$in": delivered}})
            if len(batch) < self.BATCH:
                return True

    async def _deliver(self, doc: dict[str, Any]) -> None:
        with continued(doc.get("trace")):
            await self._deliver_now(doc)

    async def _deliver_now(self, doc: dict[str, Any]) -> None:
        if doc["kind"] == "event":
            await self._bus.publish_raw(doc["subject"], bytes(doc["body"]), doc["_id"])
            return
        tuples = msgspec.json.decode(bytes(doc["body"]), type=list[RelationTuple])
        if doc["kind"] == "grant":
            await self._permissions.write(tuples)
        else:
            await self._permissions.delete(tuples)

    async def flush_soon(self, within: float = 2.0) -> None:
        """After a commit: try to deliver now, but never hold a request hostage to the broker,
        and never fail it: the change is committed, so the caller must hear it succeeded."""
        try:
            if await asyncio.wait_for(self.flush(), within):
                return
        except TimeoutError:
            log.warning("outbox delivery timed out; the relay will retry")
        except Exception as exc:  # e.g. the database went away just after the commit
            log.warning("outbox delivery failed; the relay will retry", error=repr(exc))
        self._wake.set()

    async def pending(self) -> int:
        return await self._collection.count_documents({})

    async def backlog(self) -> tuple[int, float]:
        """How many rows wait for delivery, and the age in seconds of the oldest (0 if none)."""
        oldest = await self._collection.find_one({}, sort=[("created_at", ASCENDING)])
        if oldest is None:
            return 0, 0.0
        age = (datetime.now(UTC) - oldest["created_at"]).total_seconds()
        return await self.pending(), max(age, 0.0)

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
