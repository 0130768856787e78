"""Persistence base: Beanie documents with an integer version for optimistic concurrency."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from beanie import Document, init_beanie
from beanie.odm.utils.dump import get_dict
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from ticketing.shared.errors import Conflict

T = TypeVar("T")
D = TypeVar("D", bound=Document)

__all__ = [
    "Database",
    "DuplicateKeyError",
    "StaleVersion",
    "VersionedDocument",
]


class StaleVersion(Conflict):
    """Someone else changed the document since it was read; the write was not applied. A use
    case that looks again catches it; one that does not lets it answer 409 (reload and retry)."""


class VersionedDocument(Document):
    """A document whose ``version`` goes up by one with every change.

    ``save_versioned`` writes only if the stored version is still the one this copy was read
    at, so of two concurrent writers exactly one wins and the other gets ``StaleVersion``.
    The version travels in events, which is how consumers order them.
    """

    version: int = 0

    async def save_versioned(self, session: AsyncClientSession | None = None) -> None:
        expected = self.version
        self.version = expected + 1
        body = get_dict(self, to_db=True)
        try:
            result = await self.get_pymongo_collection().replace_one(
                {"_id": self.id, "version": expected}, body, session=session
            )
        except BaseException:
            self.version = expected  # e.g. a write conflict that the transaction will retry
            raise
        if result.matched_count != 1:
            self.version = expected
            changed = f"{type(self).__name__} {self.id} changed since version {expected}"
            raise StaleVersion(f"{changed}; reload and retry")


class Database:
    """One service's MongoDB connection and its Beanie models."""

    def __init__(
        self,
        url: str,
        name: str,
        models: Sequence[type[Document]],
        listeners: Sequence[monitoring.CommandListener] = (),
    ) -> None:
        self.client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            url, tz_aware=True, serverSelectionTimeoutMS=5000, event_listeners=list(listeners)
        )
        self.name = name
        self.models = list(models)

    async def connect(self) -> None:
        # The models' indexes are the truth: one a model no longer declares is dropped, so a
        # changed index (orders' one-active-order guard) replaces its predecessor.
        await init_beanie(
            database=self.client[self.name], document_models=self.models, allow_index_dropping=True
        )

    async def ping(self) -> None:
        await self.client.admin.command("ping")

    async def close(self) -> None:
        await self.client.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncClientSession]:
        """A multi-document transaction: everything written with the session commits together.

        Not retried: use ``atomically`` where concurrent writers may conflict.
        """
        async with self.client.start_session() as session, await session.start_transaction():
            yield session

    async def atomically(self, work: Callable[[AsyncClientSession], Awaitable[T]]) -> T:
        """Run ``work`` in a transaction, re-running it on transient errors such as write
        conflicts between concurrent transactions, as MongoDB's drivers advise. ``work`` must
        therefore be safe to re-run: it writes only through the session it is given."""
        async with self.client.start_session() as session:
            return await session.with_transaction(work)
