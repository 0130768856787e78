"""What every service's OpenAPI document says beyond what Litestar derives from the handlers:
the problems each operation can answer (one ``Problem`` component), how a caller
authenticates (the security schemes, and which operations need them), the idempotency key of
the operations that take one, and an example of each request body (the request Struct's
``EXAMPLE``). The public document merges these
documents (scripts/api_document.py)."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.enums import ParamType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    Components,
    Operation,
    Parameter,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.openapi.spec.enums import OpenAPIType
from litestar.routes import HTTPRoute

from ticketing.shared import idempotency
from ticketing.shared.guards import member_of, signed_in
from ticketing.shared.identity import SESSION_COOKIE
from ticketing.shared.problems import PROBLEM_SCHEMA, declare, problem_answer

# The session token that signing up or in answers, sent any of these ways.
SECURITY_SCHEMES = {
    "bearerToken": SecurityScheme(
        type="http",
        scheme="bearer",
        description="The session token that signUp and signIn answer: `Authorization: Bearer`.",
    ),
    "sessionToken": SecurityScheme(
        type="apiKey",
        name="X-Session-Token",
        security_scheme_in="header",
        description="The same session token in the `X-Session-Token` header.",
    ),
    "sessionCookie": SecurityScheme(
        type="apiKey",
        name=SESSION_COOKIE,
        security_scheme_in="cookie",
        description="The session cookie that signUp and signIn set (browsers).",
    ),
}
SIGNED_IN: list[SecurityRequirement] = [{name: []} for name in SECURITY_SCHEMES]
# A handler that works for strangers too, and knows a signed-in caller (``maybe_user``), or
# says so with ``opt={"session": "optional"}``.
OPTIONAL_SESSION = {"session": "optional"}
# A handler that reads the session token itself, not through a guard (completing a sign-in with
# the code: its session is not yet one the guards accept).
SESSION_REQUIRED = {"session": "required"}


def _needs_session(handler: HTTPRouteHandler) -> tuple[bool, bool]:
    """Whether a handler needs a signed-in caller, and whether it refuses some of them."""
    guards = handler.resolve_guards()
    groups = any(isinstance(guard, member_of) for guard in guards)
    signed = (
        "user" in handler.parsed_fn_signature.parameters
        or signed_in in guards
        or handler.opt.get("session") == SESSION_REQUIRED["session"]
    )
    return signed or groups, groups


def _session_optional(handler: HTTPRouteHandler) -> bool:
    return "maybe_user" in handler.parsed_fn_signature.parameters or (
        handler.opt.get("session") == OPTIONAL_SESSION["session"]
    )


def _example(handler: HTTPRouteHandler) -> Any:
    data = handler.parsed_fn_signature.parameters.get("data")
    return getattr(data.annotation, "EXAMPLE", None) if data else None


def idempotent(operation: Operation) -> None:
    """The ``Idempotency-Key`` header and the answers it brings (shared/idempotency.py)."""
    key = Parameter(
        name=idempotency.HEADER,
        param_in=ParamType.HEADER,
        required=False,
        description="Makes a retry safe: the same key with the same body from the same caller"
        " answers the first response again (with `Idempotent-Replayed: true`) without a second"
        " effect; with another body, 422; while the first is still running, 409 with"
        " Retry-After. Kept 24 hours per caller.",
        schema=Schema(type=OpenAPIType.STRING, pattern=idempotency.KEY_PATTERN),
    )
    operation.parameters = [*(operation.parameters or []), key]
    responses = operation.responses or {}
    for status in (409, 422):
        responses[str(status)] = problem_answer(status)
    operation.responses = dict(sorted(responses.items()))


def describe(operation: Operation, method: str, handler: HTTPRouteHandler) -> None:
    """One operation: its problems, its security and its request body's example."""
    needed, forbidden = _needs_session(handler)
    declare(operation, method, needed, forbidden)
    if needed:
        operation.security = SIGNED_IN
    elif _session_optional(handler):
        operation.security = [{}, *SIGNED_IN]
    if handler.opt.get("idempotent"):
        idempotent(operation)
    example = _example(handler)
    if example is not None and operation.request_body is not None:
        for media in operation.request_body.content.values():  # type: ignore[union-attr]
            media.example = example


def document(app: Litestar) -> None:
    """Complete the app's OpenAPI document (see the module's docstring)."""
    schema = app.openapi_schema
    paths = schema.paths or {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in paths:
            continue
        item = paths[route.path_format]
        for method, (handler, _) in route.route_handler_map.items():
            operation: Operation | None = getattr(item, method.lower(), None)
            if operation is not None:
                describe(operation, method, handler)
    components = schema.components if isinstance(schema.components, Components) else Components()
    components.schemas = {**(components.schemas or {}), "Problem": PROBLEM_SCHEMA}
    components.security_schemes = dict(SECURITY_SCHEMES)
    schema.components = components
