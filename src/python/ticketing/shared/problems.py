"""Problem details (RFC 9457): how every error leaves a service, and how each service's
OpenAPI document says which ones an operation can answer."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Litestar

# Litestar's plugin that documents msgspec Structs; not exported, so imported from its module.
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.routes import HTTPRoute

PROBLEM_TYPE = "https://ticketing.dev/problems/"
PROBLEM_JSON = "application/problem+json"
_BODY_METHODS = ("POST", "PUT", "PATCH")


def problem(
    status: int, detail: str, slug: str | None = None, **extra: Any
) -> ProblemDetailsException:
    phrase = HTTPStatus(status).phrase
    return ProblemDetailsException(
        status_code=status,
        title=phrase,
        detail=detail,
        type_=PROBLEM_TYPE + (slug or phrase.lower().replace(" ", "-")),
        extra=extra or None,
    )


class Problem(msgspec.Struct):
    """An error answer; some carry more members (``errors`` naming each invalid field)."""

    type: str
    title: str
    status: int
    detail: str


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """The ``responses`` of a route handler that answers these statuses (beyond the ones every
    operation documents: see ``document``)."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=HTTPStatus(status).phrase,
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in statuses
    }


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """Structs that refuse unknown fields say so: ``additionalProperties: false``."""

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        if msgspec.inspect.type_info(field_definition.type_).forbid_unknown_fields:  # type: ignore[attr-defined]
            schema.additional_properties = False
        return schema


_PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["detail", "status", "title", "type"],
    properties={
        "type": Schema(type=OpenAPIType.STRING),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER),
        "detail": Schema(type=OpenAPIType.STRING),
    },
)


def document(app: Litestar) -> None:
    """Add to every operation the problems any of them can answer: 400 (invalid parameters or
    body), 415 (a body not declared JSON), 401 where a signed-in user is required (the ``user``
    dependency, or a guard), 503 (a
    dependency does not answer)."""
    paths = app.openapi_schema.paths or {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in paths:
            continue
        item = paths[route.path_format]
        for method, (handler, _) in route.route_handler_map.items():
            operation: Operation | None = getattr(item, method.lower(), None)
            if operation is None:
                continue
            statuses = [400, 503]
            statuses += [415] if method in _BODY_METHODS else []
            signed_in = "user" in handler.parsed_fn_signature.parameters or handler.resolve_guards()
            statuses += [401] if signed_in else []
            responses = operation.responses or {}
            for status in statuses:
                responses[str(status)] = OpenAPIResponse(
                    description=HTTPStatus(status).phrase,
                    content={PROBLEM_JSON: OpenAPIMediaType(schema=_PROBLEM_SCHEMA)},
                )
            operation.responses = responses
