"""Problem details (RFC 9457): how every error leaves a service (domain errors, Litestar's own,
a dependency that does not answer, a bug), and how the OpenAPI document says which ones an
operation can answer (``declare``, called by ``openapi.document``)."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import msgspec
import structlog
from litestar import Request, Response

# Litestar's plugin that documents msgspec Structs; not exported, so imported from its module.
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Reference,
    Schema,
)
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)

from ticketing.shared.errors import DomainError, InvalidInput, TooManyRequests
from ticketing.shared.faults import is_transient

log = structlog.get_logger(__name__)

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


def _from_domain(exc: DomainError) -> ProblemDetailsException:
    extra = dict(exc.extra)
    if isinstance(exc, InvalidInput) and "field" in extra:  # the same shape as schema errors
        extra["errors"] = [{"field": extra.pop("field"), "message": exc.detail, "source": "body"}]
    result = problem(exc.status, exc.detail, exc.slug, **extra)
    result.title = exc.title
    if isinstance(exc, TooManyRequests):
        result.headers = {"Retry-After": str(exc.retry_after)}
    return result


# msgspec names a missing or unknown member in its message only ("Object missing required
# field `price`"); Litestar then reports the whole body as the field.
_NAMED_FIELD = re.compile(r"field `([^`]+)`")


def _field(error: dict[str, Any]) -> str | None:
    key, named = error.get("key"), _NAMED_FIELD.search(str(error.get("message", "")))
    return named.group(1) if key in (None, "data") and named else key


def _from_http(exc: HTTPException) -> ProblemDetailsException:
    if isinstance(exc, ValidationException):
        errors = [
            {"field": _field(e), "message": e.get("message"), "source": e.get("source")}
            for e in exc.extra or []
            if isinstance(e, dict)
        ]
        return problem(400, "The request is not valid; see errors.", "validation", errors=errors)
    result = problem(exc.status_code, str(exc.detail))
    result.headers = exc.headers
    return result


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if is_transient(exc):  # a dependency is down: say so, and when to try again
        log.warning("dependency unavailable", path=request.url.path, error=repr(exc))
        unavailable = problem(
            503, "A service we depend on is unavailable; try again shortly.", "unavailable"
        )
        unavailable.headers = {"Retry-After": "5"}
        return unavailable.to_response(request)
    log.exception("unhandled error", path=request.url.path)
    return problem(
        500, "Something went wrong on our side; the request id identifies it."
    ).to_response(request)


def problem_details() -> ProblemDetailsPlugin:
    """Litestar's plugin, rendering domain errors and Litestar's own as problem details."""
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={HTTPException: _from_http, DomainError: _from_domain}
        )
    )


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """Structs that refuse unknown fields say so: ``additionalProperties: false``."""

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        if msgspec.inspect.type_info(field_definition.type_).forbid_unknown_fields:  # type: ignore[attr-defined]
            schema.additional_properties = False
        return schema


# The one Problem component every error answer of every service refers to.
PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    description="A problem detail (RFC 9457); some carry more members: `errors` naming each"
    " invalid field, `rule` naming the broken rule, `request_id` from the edge.",
    required=["detail", "status", "title", "type"],
    properties={
        "type": Schema(type=OpenAPIType.STRING),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER),
        "detail": Schema(type=OpenAPIType.STRING),
    },
)
PROBLEM_REF = Reference(ref="#/components/schemas/Problem")


def declare(operation: Operation, method: str, signed_in: bool, forbidden: bool) -> None:
    """Add to an operation the problems any of them can answer: 400 (invalid parameters or
    body), 415 (a body not declared JSON), 401 where a signed-in user is required, 403 where
    only some are allowed, 503 (a dependency does not answer); each error answer refers to the
    one ``Problem`` component."""
    responses = operation.responses or {}
    statuses = {400, 503} | ({415} if method in _BODY_METHODS else set())
    statuses |= ({401} if signed_in else set()) | ({403} if forbidden else set())
    statuses |= {int(code) for code in responses if code.startswith(("4", "5"))}
    for status in sorted(statuses):
        responses[str(status)] = problem_answer(status)
    operation.responses = dict(sorted(responses.items()))


def problem_answer(status: int) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=HTTPStatus(status).phrase,
        content={PROBLEM_JSON: OpenAPIMediaType(schema=PROBLEM_REF)},
    )
