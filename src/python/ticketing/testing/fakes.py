"""In-memory fakes of our own ports, for the unit tier: use cases run on them in milliseconds.

They keep the rules the real adapters get from MongoDB: a ``Save`` is a compare-and-set on the
version, an ``Insert`` is refused by the model's unique indexes (partial ones included), and a
commit applies all of its writes or none. Events and relation tuples a commit causes are kept
in order for the test to read. Never used outside tests: the real adapters are tested on real
servers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import msgspec
from beanie import Document
from beanie.odm.utils.init import Initializer
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from ticketing.shared.events import Event
from ticketing.shared.metrics import Metrics
from ticketing.shared.permissions import RelationTuple, evaluate, validate
from ticketing.shared.persistence import StaleVersion
from ticketing.shared.store import Grant, Insert, Revoke, Save, Write

D = TypeVar("D", bound=Document)


class _Offline(Initializer):
    """Beanie's initialiser without its two questions to the server (its version, its
    collections): documents can then be built and validated with no server at all."""

    async def _load_cached_info(self) -> None:
        self._database_major_version = 7
        self._existing_collections = []


async def offline(*models: type[Document]) -> None:
    """Bind ``models`` to a database that is never contacted, so a unit test can make them.
    (Beanie refuses to build a document whose model is not bound to a database.)"""
    never: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        "mongodb://unused.invalid", connect=False
    )
    await _Offline(database=never["unit"], document_models=list(models), skip_indexes=True)


class MovableClock:
    def __init__(self, start: datetime = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def move(self, by: timedelta) -> None:
        self.current += by


class InMemoryPermissions:
    """The permission model evaluated over a set of tuples, as the embedded engine does."""

    def __init__(self) -> None:
        self.tuples: set[RelationTuple] = set()

    async def check(self, namespace: str, obj: str, permit: str, subject_id: str) -> bool:
        return await evaluate(self._related, namespace, obj, permit, subject_id)

    async def _related(self, namespace: str, obj: str, relation: str) -> list[str]:
        return [
            t.subject_id
            for t in self.tuples
            if (t.namespace, t.object, t.relation) == (namespace, obj, relation)
        ]

    async def write(self, tuples: list[RelationTuple]) -> None:
        for rt in tuples:
            validate(rt)
        self.tuples.update(tuples)

    async def delete(self, tuples: list[RelationTuple]) -> None:
        self.tuples.difference_update(tuples)

    async def objects(self, namespace: str, relation: str, subject_id: str) -> list[str]:
        return [
            t.object
            for t in self.tuples
            if (t.namespace, t.relation, t.subject_id) == (namespace, relation, subject_id)
        ]

    async def ping(self) -> None:
        return None


def _matches(document: dict[str, Any], query: dict[str, Any]) -> bool:
    """Equality and ``$in``: all that the models' partial indexes use. Anything else is a
    mistake in the fake, never silently a match."""
    for name, wanted in query.items():
        value = document.get(name)
        if isinstance(wanted, dict):
            if set(wanted) != {"$in"}:
                raise NotImplementedError(f"the in-memory store cannot evaluate {wanted}")
            if value not in wanted["$in"]:
                return False
        elif value != wanted:
            return False
    return True


def _unique_keys(kind: type[Document]) -> list[tuple[list[str], dict[str, Any]]]:
    """The unique indexes a model declares: their fields and partial filter."""
    found = []
    for index in getattr(kind.Settings, "indexes", []):
        spec = index.document
        if spec.get("unique"):
            found.append((list(spec["key"]), spec.get("partialFilterExpression", {})))
    return found


@dataclass
class InMemoryStore:
    documents: dict[tuple[type[Document], str], dict[str, Any]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    permissions: InMemoryPermissions = field(default_factory=InMemoryPermissions)
    commits: int = 0
    _racing: list[Callable[[], Awaitable[object]]] = field(default_factory=list)

    def race(self, writer: Callable[[], Awaitable[object]]) -> None:
        """Run ``writer`` (another request or event) just before the next commit, as if it had
        committed between the use case's reads and its own commit."""
        self._racing.append(writer)

    async def get(self, kind: type[D], document_id: str) -> D | None:
        stored = self.documents.get((kind, document_id))
        return None if stored is None else kind.model_validate(stored)

    async def find(
        self,
        kind: type[D],
        *,
        sort: Sequence[str] = (),
        skip: int = 0,
        limit: int = 0,
        **equal: Any,
    ) -> list[D]:
        rows = [d for (k, _), d in self.documents.items() if k is kind and _matches(d, equal)]
        for name in reversed(sort):  # a stable sort per key, the last key first
            rows.sort(key=lambda d: d[name.lstrip("-")], reverse=name.startswith("-"))
        rows = rows[skip:]
        return [kind.model_validate(d) for d in (rows[:limit] if limit else rows)]

    def add(self, *documents: Document) -> None:
        """Put documents in place directly (a test's given state)."""
        for document in documents:
            self.documents[(type(document), str(document.id))] = self._dump(document)

    async def commit(self, *writes: Write) -> None:
        while self._racing:
            await self._racing.pop(0)()
        staged = dict(self.documents)
        read_at = {id(w.document): w.document.version for w in writes if isinstance(w, Save)}
        announced: list[Event] = []
        granted: list[RelationTuple] = []
        revoked: list[RelationTuple] = []
        try:
            for write in writes:
                if isinstance(write, Grant):
                    granted.extend(write.tuples)
                elif isinstance(write, Revoke):
                    revoked.extend(write.tuples)
                else:
                    self._stage(staged, write)
                    event = write.announce(write.document) if write.announce else None
                    announced += [event] if event is not None else []
        except BaseException:
            for write in writes:  # as the real store leaves them after a failed transaction
                if isinstance(write, Save):
                    write.document.version = read_at[id(write.document)]
            raise
        self.documents = staged
        self.events += announced
        await self.permissions.write(granted)
        await self.permissions.delete(revoked)
        self.commits += 1

    def _stage(
        self, staged: dict[tuple[type[Document], str], dict[str, Any]], write: Write
    ) -> None:
        document = write.document  # type: ignore[union-attr]
        kind, key = type(document), (type(document), str(document.id))
        if isinstance(write, Insert):
            if key in staged:
                raise DuplicateKeyError(f"{kind.__name__} {document.id} exists")
        else:
            stored = staged.get(key)
            if stored is None or stored["version"] != document.version:
                raise StaleVersion(f"{kind.__name__} {document.id} changed; reload and retry")
            document.version += 1
        body = self._dump(document)
        others = [d for (k, i), d in staged.items() if k is kind and i != key[1]]
        for fields, partial in _unique_keys(kind):
            if not _matches(body, partial):
                continue
            for other in others:
                same = all(other.get(f) == body.get(f) for f in fields)
                if same and _matches(other, partial):
                    raise DuplicateKeyError(f"{kind.__name__}: {fields} taken")
        staged[key] = body

    @staticmethod
    def _dump(document: Document) -> dict[str, Any]:
        return document.model_dump()

    def published(self, kind: type[Event]) -> list[Any]:
        return [event for event in self.events if isinstance(event, kind)]


@dataclass
class FakePublisher:
    """A bus that keeps what was published, with its message id, in order."""

    published: list[tuple[Event, str]] = field(default_factory=list)

    async def publish(self, event: Event, message_id: str) -> None:
        self.published.append((event, message_id))


@dataclass
class FakeJobs:
    """A job queue that keeps what was enqueued, once per job id, as arq does."""

    queued: dict[str, tuple[str, tuple[Any, ...], datetime | None]] = field(default_factory=dict)

    async def enqueue(
        self, function: str, *args: Any, job_id: str, defer_until: datetime | None = None
    ) -> bool:
        if job_id in self.queued:
            return False
        self.queued[job_id] = (function, args, defer_until)
        return True


@dataclass
class FakeContext:
    """A use case's ``Context`` in memory."""

    store: InMemoryStore = field(default_factory=InMemoryStore)
    clock: MovableClock = field(default_factory=MovableClock)
    metrics: Metrics = field(default_factory=Metrics)

    @property
    def permissions(self) -> InMemoryPermissions:
        return self.store.permissions

    def grant(self, *tuples: RelationTuple) -> None:
        self.store.permissions.tuples.update(tuples)


def encoded(events: Iterable[Event]) -> list[dict[str, Any]]:
    """Events as their JSON bodies, for comparing whole payloads."""
    return [msgspec.to_builtins(event) for event in events]
