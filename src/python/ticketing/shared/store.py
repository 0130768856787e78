"""The store: how a use case reads documents and commits a change with what it causes.

A use case loads what it needs (``get``, ``find``), decides with plain functions, and commits
its writes in one call: ``await store.commit(Save(order, cancelled_event), Grant(...))``. The
writes run in one transaction, in order; a document's event is made by its ``announce``
function from the document as written (its new version) and goes to the outbox in the same
transaction, so a change and its consequences are never separated.

``MongoStore`` is the real adapter (MongoDB through Beanie, the outbox); the unit tier runs use
cases on the in-memory ``ticketing.testing.fakes.InMemoryStore``, which keeps the same rules
(compare-and-set on versions, the models' unique indexes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from beanie import Document, SortDirection
from pymongo.asynchronous.client_session import AsyncClientSession

from ticketing.shared.errors import NotFound
from ticketing.shared.events import Event
from ticketing.shared.outbox import Outbox
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.persistence import Database, VersionedDocument

D = TypeVar("D", bound=Document)
V = TypeVar("V", bound=VersionedDocument)


@dataclass(frozen=True)
class Insert(Generic[D]):
    """A new document (``DuplicateKeyError`` if a unique index already holds its key) and the
    event ``announce`` makes of it, if any."""

    document: D
    announce: Callable[[D], Event | None] | None = None


@dataclass(frozen=True)
class Save(Generic[V]):
    """A changed versioned document, written only if the stored version is still the one it
    was read at (``StaleVersion`` otherwise); its version goes up by one, and ``announce``
    makes the event of the document as saved."""

    document: V
    announce: Callable[[V], Event | None] | None = None


@dataclass(frozen=True)
class Grant:
    """Relation tuples the change adds to the permission model."""

    tuples: tuple[RelationTuple, ...]

    def __init__(self, *tuples: RelationTuple) -> None:
        object.__setattr__(self, "tuples", tuples)


@dataclass(frozen=True)
class Revoke:
    """Relation tuples the change removes from the permission model."""

    tuples: tuple[RelationTuple, ...]

    def __init__(self, *tuples: RelationTuple) -> None:
        object.__setattr__(self, "tuples", tuples)


Write = Insert[Any] | Save[Any] | Grant | Revoke


class Store(Protocol):
    async def get(self, kind: type[D], document_id: str) -> D | None: ...

    async def find(
        self,
        kind: type[D],
        *,
        sort: Sequence[str] = (),
        skip: int = 0,
        limit: int = 0,
        **equal: Any,
    ) -> list[D]:
        """The ``kind`` documents whose fields equal ``equal``, in ``sort`` order (field names,
        ``-`` before one for descending), ``skip`` and ``limit`` (0: all) applied."""
        ...

    async def commit(self, *writes: Write) -> None: ...


async def found(store: Store, kind: type[D], document_id: str, name: str) -> D:
    """The ``kind`` document with this id; ``NotFound`` ("no ticket t1") if there is none."""
    document = await store.get(kind, document_id)
    if document is None:
        raise NotFound(f"no {name} {document_id}")
    return document


def _field(name: str) -> str:
    return "_id" if name == "id" else name  # Beanie stores ``id`` as MongoDB's ``_id``


class MongoStore:
    """The store of one service's MongoDB database, committing through its outbox."""

    def __init__(self, db: Database, outbox: Outbox) -> None:
        self._db = db
        self._outbox = outbox

    async def get(self, kind: type[D], document_id: str) -> D | None:
        return await kind.get(document_id)

    async def find(
        self,
        kind: type[D],
        *,
        sort: Sequence[str] = (),
        skip: int = 0,
        limit: int = 0,
        **equal: Any,
    ) -> list[D]:
        order = [
            (_field(name.lstrip("-")), SortDirection(-1 if name[0] == "-" else 1)) for name in sort
        ]
        query = kind.find({_field(name): value for name, value in equal.items()})
        if order:
            query = query.sort(order)
        return await query.skip(skip).limit(limit).to_list()

    async def commit(self, *writes: Write) -> None:
        """Write everything in one transaction (re-run on a transient conflict, as MongoDB's
        drivers advise), then deliver what it caused at once if the broker lets us; the relay
        retries otherwise, and nothing it meets can fail the caller any more."""
        read_at = {id(w.document): w.document.version for w in writes if isinstance(w, Save)}

        async def transaction(session: AsyncClientSession) -> None:
            for write in writes:
                if isinstance(write, Save):  # a re-run starts from the version read
                    write.document.version = read_at[id(write.document)]
            for write in writes:
                await self._write(write, session)

        await self._db.atomically(transaction)
        await self._outbox.flush_soon()

    async def _write(self, write: Write, session: AsyncClientSession) -> None:
        if isinstance(write, Grant | Revoke):
            relate = self._outbox.grant if isinstance(write, Grant) else self._outbox.revoke
            await relate(list(write.tuples), session)
            return
        if isinstance(write, Insert):
            await write.document.insert(session=session)
        else:
            await write.document.save_versioned(session)
        event = write.announce(write.document) if write.announce else None
        if event is not None:
            await self._outbox.add_event(event, session)
