"""A stand-in for Ory Keto, used where no Docker engine can run the real one: a real HTTP
server speaking the part of Keto's REST API our adapter calls (the paths, JSON bodies and status
codes of Ory's OpenAPI specification, as the official client models them), strict about its
input, with its tuples in memory."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Litestar, Request, Response, delete, get, put
from litestar.di import NamedDependency, Provide

from ticketing.shared.permissions import MODEL, evaluate
from ticketing.stack.background import BackgroundServer, StandIn
from ticketing.testing.kratos_flows import Json, error, unauthorized


class KetoStandIn(StandIn):
    """Keto's read API (check, list) and write API (create, delete) on one port, evaluating the
    permission model as Keto evaluates ``namespaces.keto.ts`` (deploy/helm/ticketing/files/ory/
    keto/). Its app is the two controllers below, each handler given the stand-in as the ``keto``
    dependency."""

    def __init__(self, api_key: str | None = None) -> None:
        self.api_key = api_key  # as Ory Network: every call but health wants it as a bearer token
        self.tuples: set[tuple[str, str, str, str, str]] = set()  # ns, obj, rel, subj ns, subj id
        app = Litestar(
            [KetoReadController, KetoWriteController],
            dependencies={"keto": Provide(lambda: self, sync_to_thread=False)},
            before_request=self._authorized,
        )
        self._server = BackgroundServer(app)

    async def related(self, namespace: str, obj: str, relation: str) -> list[str]:
        """The subjects' ids of a relation (the lookup ``evaluate`` walks the model with)."""
        return [t[4] for t in self.tuples if t[:3] == (namespace, obj, relation)]

    def valid(self, namespace: str, relation: str, subject_namespace: str) -> bool:
        """Whether the model has the relation, and for subjects of that namespace."""
        model = MODEL.get(namespace)
        return model is not None and model.relations.get(relation) == subject_namespace

    async def _authorized(self, request: Request[Any, Any, Any]) -> Response[Json] | None:
        if request.url.path.startswith("/health/"):
            return None
        return unauthorized(request, self.api_key)


class KetoReadController(Controller):
    """Keto's read API: a permission check, the relationships, health."""

    @get("/relation-tuples/check/openapi")
    async def check(
        self, request: Request[Any, Any, Any], keto: NamedDependency[KetoStandIn]
    ) -> Response[Json]:
        query = dict(request.query_params)
        subject = subject_of(query)
        if not all(query.get(k) for k in ("namespace", "object", "relation")) or subject is None:
            return error(400, "namespace, object, relation and a subject set are required")
        if query["namespace"] not in MODEL:
            return error(404, f"Unknown namespace with name \"{query['namespace']}\".")
        allowed = subject[0] == "User" and await evaluate(
            keto.related, query["namespace"], query["object"], query["relation"], subject[1]
        )
        return Response({"allowed": allowed})

    @get("/relation-tuples")
    async def listing(
        self, request: Request[Any, Any, Any], keto: NamedDependency[KetoStandIn]
    ) -> Json:
        query = dict(request.query_params)
        subject = subject_of(query)
        found = [
            {
                "namespace": t[0],
                "object": t[1],
                "relation": t[2],
                "subject_set": {"namespace": t[3], "object": t[4], "relation": ""},
            }
            for t in sorted(keto.tuples)
            if (not query.get("namespace") or t[0] == query["namespace"])
            and (not query.get("relation") or t[2] == query["relation"])
            and (subject is None or t[3:] == subject)
        ]
        return {"relation_tuples": found, "next_page_token": ""}

    @get("/health/ready")
    async def ready(self) -> Json:
        return {"status": "ok"}


class KetoWriteController(Controller):
    """Keto's write API: relationships created and deleted."""

    path = "/admin/relation-tuples"

    @put(status_code=201)
    async def create(
        self, request: Request[Any, Any, Any], keto: NamedDependency[KetoStandIn]
    ) -> Response[Json]:
        body = await request.json()
        subject_set = body.get("subject_set") if isinstance(body, dict) else None
        if not isinstance(subject_set, dict) or set(body) - {
            "namespace",
            "object",
            "relation",
            "subject_id",
            "subject_set",
        }:
            return error(400, "a relationship with a subject set is required")
        subject = subject_of(subject_set, prefix="")
        if subject is None or not keto.valid(
            body.get("namespace", ""), body.get("relation", ""), subject[0]
        ):
            return error(400, "the relationship does not fit the namespace configuration")
        keto.tuples.add((body["namespace"], body["object"], body["relation"], *subject))
        return Response(body, status_code=201)

    @delete(status_code=204)
    async def remove(
        self, request: Request[Any, Any, Any], keto: NamedDependency[KetoStandIn]
    ) -> None:
        query = dict(request.query_params)
        subject = subject_of(query)
        keto.tuples = {
            t
            for t in keto.tuples
            if t[:3] != (query.get("namespace"), query.get("object"), query.get("relation"))
            or (subject is not None and t[3:] != subject)
        }


def subject_of(query: dict[str, Any], prefix: str = "subject_set.") -> tuple[str, str] | None:
    """The subject of a request: a subject set (namespace, object, empty relation)."""
    namespace, obj = query.get(f"{prefix}namespace"), query.get(f"{prefix}object")
    if not namespace or not obj or query.get(f"{prefix}relation", "") != "":
        return None
    return str(namespace), str(obj)
