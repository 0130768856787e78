"""The Litestar app every service is: health and readiness, problem-details errors, OpenAPI at
``/schema``, AsyncAPI at ``/asyncapi.json``, Prometheus metrics at ``/metrics``, what every
request leaves behind (``observe.py``: its id, log line, metrics and span), and the signed-in
user as a dependency.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import asynccontextmanager
from typing import Any, Self, cast

import msgspec
import structlog
from litestar import Litestar, MediaType, Request, Response, get
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders, State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, ControllerRouterHandler, Guard, Message, Receive, Scope, Send

from ticketing.shared import asyncapi, metrics
from ticketing.shared.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    TooManyRequests,
    Unauthenticated,
)
from ticketing.shared.faults import is_transient
from ticketing.shared.guards import check_request
from ticketing.shared.identity import KRATOS_COOKIE, SESSION_COOKIE, Credentials, Principal
from ticketing.shared.observe import observed
from ticketing.shared.platform import Platform
from ticketing.shared.problems import StrictStructSchemaPlugin, document, problem

log = structlog.get_logger(__name__)


def _from_domain(exc: DomainError) -> ProblemDetailsException:
    extra = dict(exc.extra)
    if isinstance(exc, InvalidInput) and "field" in extra:  # the same shape as schema errors
        extra["errors"] = [{"field": extra.pop("field"), "message": exc.detail, "source": "body"}]
    result = problem(exc.status, exc.detail, exc.slug, **extra)
    result.title = exc.title
    if isinstance(exc, TooManyRequests):
        result.headers = {"Retry-After": str(exc.retry_after)}
    return result


def _from_http(exc: HTTPException) -> ProblemDetailsException:
    if isinstance(exc, ValidationException):
        errors = [
            {"field": e.get("key"), "message": e.get("message"), "source": e.get("source")}
            for e in exc.extra or []
            if isinstance(e, dict)
        ]
        return problem(400, "The request is not valid; see errors.", "validation", errors=errors)
    result = problem(exc.status_code, str(exc.detail))
    result.headers = exc.headers
    return result


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
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


def _allow_middleware(app: ASGIApp) -> ASGIApp:
    """``Allow`` on an OPTIONS answer names every method of the path: Litestar's own answer
    names those of only one of the handlers that share a path."""
    methods: dict[str, set[str]] = {}

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "OPTIONS":
            await app(scope, receive, send)
            return

        async def send_with_allow(message: Message) -> None:
            handler = scope.get("route_handler")
            if message["type"] == "http.response.start" and handler is not None:
                if not methods:
                    for route in scope["litestar_app"].routes:
                        if isinstance(route, HTTPRoute):
                            methods.setdefault(route.path, set()).update(route.methods)
                allowed = set().union(*(methods.get(path, ()) for path in handler.paths))
                MutableScopeHeaders.from_message(message)["Allow"] = ", ".join(sorted(allowed))
            await send(message)

        await app(scope, receive, send_with_allow)

    return middleware


class View(msgspec.Struct):
    """A response body read off a document: each field from the attribute of the same name."""

    @classmethod
    def of(cls, document: object) -> Self:
        return msgspec.convert(document, cls, from_attributes=True)


# --- the signed-in user ----------------------------------------------------------------------


def credentials(request: ASGIConnection[Any, Any, Any, Any]) -> Credentials:
    """A session token from ``Authorization: Bearer``, ``X-Session-Token`` or our cookie,
    and Kratos' browser cookie if present."""
    auth = request.headers.get("authorization", "")
    token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
    token = token or request.headers.get("x-session-token") or request.cookies.get(SESSION_COOKIE)
    return Credentials(token=token or None, kratos_cookie=request.cookies.get(KRATOS_COOKIE))


async def optional_user(
    request: Request[Any, Any, Any], platform: NamedDependency[Platform]
) -> Principal | None:
    if "principal" in request.state:  # a guard has asked already
        return cast(Principal, request.state.principal)
    return await platform.identity.authenticate(credentials(request))


async def current_user(
    request: Request[Any, Any, Any], platform: NamedDependency[Platform]
) -> Principal:
    principal = await optional_user(request, platform)
    if principal is None:
        raise Unauthenticated("Sign in first: send a session token or cookie.")
    return principal


def session_cookie(token: str, secure: bool, max_age: int | None = None) -> Cookie:
    """The session cookie (the API's and the web front end's): never readable by scripts,
    not sent on cross-site posts, HTTPS-only where ``secure``."""
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        httponly=True,
        samesite="lax",
        secure=secure,
        max_age=max_age,
        path="/",
    )


def ended_session_cookie() -> Cookie:
    """Tells the browser to drop the session cookie (signing out)."""
    return Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")


async def _principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    platform: Platform = connection.app.state.platform
    principal = await platform.identity.authenticate(credentials(connection))
    if principal is None:
        raise Unauthenticated("Sign in first: send a session token or cookie.")
    connection.state.principal = principal  # the `user` dependency takes it from here
    return principal


async def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A guard: only a signed-in user reaches the handler (401 for a stranger)."""
    if connection.scope.get("method") != "OPTIONS":  # what a path allows is no secret
        await _principal(connection)


def member_of(group: str) -> Guard:
    """A guard: only members of ``group`` in the permission model reach the handler (401 for a
    stranger, 403 for anyone else). Every handler of a controller that names it is covered."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if connection.scope.get("method") == "OPTIONS":  # what a path allows is no secret
            return
        principal = await _principal(connection)
        platform: Platform = connection.app.state.platform
        if not await platform.permissions.check("Group", group, "members", principal.id):
            raise Forbidden(f"only members of the {group} group may do this")

    return guard


# --- the app ---------------------------------------------------------------------------------


def liveness(service: str) -> HTTPRouteHandler:
    @get("/healthz", include_in_schema=False, sync_to_thread=False)
    def healthz() -> dict[str, str | int]:
        # Liveness only: a database outage must not get every pod restarted. The pid lets a
        # supervisor tell its own child from another process that took the port.
        return {"status": "ok", "service": service, "pid": os.getpid()}

    return healthz


def service_app(
    platform: Platform,
    route_handlers: Sequence[ControllerRouterHandler],
    *,
    description: str,
    dependencies: dict[str, Provide] | None = None,
) -> Litestar:
    @get("/readyz", include_in_schema=False)
    async def readyz() -> Response[dict[str, Any]]:
        failing = await platform.readiness()
        if failing:
            names = ", ".join(sorted(failing))
            raise problem(503, f"Not ready: {names} not answering.", "not-ready", failing=failing)
        return Response({"status": "ready", "service": platform.service})

    @get("/asyncapi.json", include_in_schema=False, media_type=MediaType.JSON, sync_to_thread=False)
    def asyncapi_json() -> dict[str, Any]:
        settings = platform.settings
        return asyncapi.document(platform.service, settings.event_exchange, settings.rabbitmq_url)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> Any:
        await platform.start()
        try:
            yield
        finally:
            await platform.stop()

    app = Litestar(
        route_handlers=[
            liveness(platform.service),
            readyz,
            asyncapi_json,
            metrics.endpoint(platform.metrics),
            *route_handlers,
        ],
        dependencies={
            "platform": Provide(lambda: platform, sync_to_thread=False, use_cache=True),
            "user": Provide(current_user),
            "maybe_user": Provide(optional_user),
            **(dependencies or {}),
        },
        plugins=[
            StrictStructSchemaPlugin(),
            ProblemDetailsPlugin(
                ProblemDetailsConfig(
                    exception_to_problem_detail_map={
                        HTTPException: _from_http,
                        DomainError: _from_domain,
                    }
                )
            ),
            *platform.telemetry.http_plugins(),
        ],
        exception_handlers={Exception: _internal_error},
        middleware=[observed(platform.metrics), _allow_middleware],
        before_request=check_request,
        lifespan=[lifespan],
        state=State({"platform": platform}),  # for tests and tools; handlers use the dependency
        openapi_config=OpenAPIConfig(
            title=f"Ticketing {platform.service}",
            version="1.0.0",
            description=description,
            path="/schema",
        ),
        debug=False,
    )
    document(app)
    return app
