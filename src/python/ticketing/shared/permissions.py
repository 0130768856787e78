"""The permission port, its model, and the embedded engine that serves it without Ory Keto.

The model is relationship based (Zanzibar, as Ory Keto does it). ``MODEL`` below and
``deploy/helm/ticketing/files/ory/keto/namespaces.keto.ts`` (Ory Permission Language) describe
the same thing; a test parses the OPL file and compares, so the two cannot drift apart.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import msgspec
from beanie import Document, Indexed, init_beanie
from pymongo import ASCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError


class RelationTuple(msgspec.Struct, frozen=True):
    """``namespace:object#relation@Target:subject_id``.

    ``Target`` is the namespace the model gives the relation (``owners`` holds Users, an
    Order's ``parents`` holds Tickets), so a tuple names only the subject's id.
    """

    namespace: str
    object: str
    relation: str
    subject_id: str


# --- the model -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Has:
    """The subject is directly in ``relation``."""

    relation: str


@dataclass(frozen=True)
class Traverse:
    """Some object in ``relation`` grants ``permit`` (or relation) to the subject."""

    relation: str
    permit: str


@dataclass(frozen=True)
class Namespace:
    relations: dict[str, str] = field(default_factory=dict)  # relation -> namespace of members
    permits: dict[str, tuple[Has | Traverse, ...]] = field(default_factory=dict)  # any-of


MODEL: dict[str, Namespace] = {
    "User": Namespace(),
    "Group": Namespace(relations={"members": "User"}),
    "Ticket": Namespace(
        relations={"owners": "User"},  # its holder, who alone may list it and show its code
        permits={"edit": (Has("owners"),)},
    ),
    "Order": Namespace(
        # The buyer owns an order; its seller (the ticket's holder when it was placed) sees
        # it, and keeps seeing it once the ticket is the buyer's.
        relations={"owners": "User", "sellers": "User", "parents": "Ticket"},
        permits={
            "view": (Has("owners"), Has("sellers")),
            "edit": (Has("owners"),),
        },
    ),
    "Payment": Namespace(
        relations={"owners": "User", "parents": "Order"},
        permits={
            "view": (Traverse("parents", "view"),),  # the payer (the order's owner), the seller
            "edit": (Has("owners"),),
        },
    ),
}

ADMIN_GROUP = "admin"  # moderation
DOOR_GROUP = "door"  # door staff: admissions
GROUPS = (ADMIN_GROUP, DOOR_GROUP)


class UnknownRelation(ValueError):
    pass


def validate(rt: RelationTuple) -> None:
    namespace = MODEL.get(rt.namespace)
    if namespace is None or rt.relation not in namespace.relations:
        raise UnknownRelation(f"{rt.namespace}#{rt.relation} is not in the permission model")


# --- the port --------------------------------------------------------------------------------


class PermissionPort(Protocol):
    """What services ask of Keto (or of the embedded engine)."""

    async def check(self, namespace: str, obj: str, permit: str, subject_id: str) -> bool: ...

    async def write(self, tuples: list[RelationTuple]) -> None: ...

    async def delete(self, tuples: list[RelationTuple]) -> None: ...

    async def objects(self, namespace: str, relation: str, subject_id: str) -> list[str]: ...

    async def ping(self) -> None: ...


@runtime_checkable
class TransactionalPermissions(Protocol):
    """An engine that keeps its tuples in the services' own MongoDB: a change and the tuples
    it grants or revokes commit in one transaction (``session``, of the same ``client``)."""

    client: AsyncMongoClient[dict[str, Any]]

    async def write_in(self, tuples: list[RelationTuple], session: AsyncClientSession) -> None: ...

    async def delete_in(self, tuples: list[RelationTuple], session: AsyncClientSession) -> None: ...


# --- the embedded engine ---------------------------------------------------------------------


class StoredTuple(Document):
    namespace: str
    object: Indexed(str)  # type: ignore[valid-type]
    relation: str
    subject_id: str

    class Settings:
        name = "relation_tuples"
        indexes = [
            IndexModel(
                [
                    ("namespace", ASCENDING),
                    ("object", ASCENDING),
                    ("relation", ASCENDING),
                    ("subject_id", ASCENDING),
                ],
                unique=True,
            ),
            IndexModel([("subject_id", ASCENDING), ("namespace", ASCENDING)]),
        ]


class EmbeddedPermissions:
    """Relation tuples in a MongoDB database that every service shares, as they share Keto.

    Checks evaluate ``MODEL`` with ``evaluate`` below.
    """

    def __init__(self, client: AsyncMongoClient[dict[str, Any]], database: str) -> None:
        self.client = client
        self._database = database

    async def init(self) -> None:
        await init_beanie(database=self.client[self._database], document_models=[StoredTuple])

    async def ping(self) -> None:
        await self.client.admin.command("ping")

    @property
    def _tuples(self) -> AsyncCollection[dict[str, Any]]:
        # This engine's own client, which the caller's session belongs to: StoredTuple's
        # collection is whichever client initialised Beanie last in this process.
        return self.client[self._database][StoredTuple.Settings.name]

    async def write_in(self, tuples: list[RelationTuple], session: AsyncClientSession) -> None:
        # An upsert, not an insert: a duplicate key would abort the caller's transaction.
        for rt in tuples:
            validate(rt)
            key = msgspec.structs.asdict(rt)
            await self._tuples.update_one(key, {"$setOnInsert": key}, upsert=True, session=session)

    async def delete_in(self, tuples: list[RelationTuple], session: AsyncClientSession) -> None:
        for rt in tuples:
            await self._tuples.delete_many(msgspec.structs.asdict(rt), session=session)

    async def write(self, tuples: list[RelationTuple]) -> None:
        for rt in tuples:
            validate(rt)
            with contextlib.suppress(DuplicateKeyError):  # a repeated write is a no-op, as in Keto
                await StoredTuple(**msgspec.structs.asdict(rt)).insert()

    async def delete(self, tuples: list[RelationTuple]) -> None:
        for rt in tuples:
            await StoredTuple.find(msgspec.structs.asdict(rt)).delete()

    async def objects(self, namespace: str, relation: str, subject_id: str) -> list[str]:
        found = StoredTuple.find(
            {"namespace": namespace, "relation": relation, "subject_id": subject_id}
        )
        return [t.object for t in await found.to_list()]

    async def check(self, namespace: str, obj: str, permit: str, subject_id: str) -> bool:
        return await evaluate(self._related, namespace, obj, permit, subject_id)

    async def _related(self, namespace: str, obj: str, relation: str) -> list[str]:
        query = {"namespace": namespace, "object": obj, "relation": relation}
        return [t.subject_id for t in await StoredTuple.find(query).to_list()]


Related = Callable[[str, str, str], Awaitable[list[str]]]  # (namespace, object, relation) -> ids


async def evaluate(
    related: Related, namespace: str, obj: str, name: str, subject_id: str, depth: int = 5
) -> bool:
    """Whether ``subject_id`` has relation or permit ``name`` on ``namespace:obj``, the way
    Keto evaluates the OPL file: a permit is granted when any of its terms is, following
    ``Traverse`` terms through the related objects (to a bounded depth, as Keto does)."""
    model = MODEL.get(namespace)
    if model is None or depth == 0:
        return False
    if name in model.relations:
        return subject_id in await related(namespace, obj, name)
    for term in model.permits.get(name, ()):
        if isinstance(term, Has):
            if subject_id in await related(namespace, obj, term.relation):
                return True
            continue
        target = model.relations[term.relation]
        for parent in await related(namespace, obj, term.relation):
            if await evaluate(related, target, parent, term.permit, subject_id, depth - 1):
                return True
    return False
