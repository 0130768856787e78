"""The Litestar app every service is: health and readiness, problem-details errors, OpenAPI at
``/schema``, AsyncAPI at ``/asyncapi.json``, Prometheus metrics at ``/metrics``, what every
request leaves behind (``observe.py``: its id, log line, metrics and span), and the
dependencies handlers take: ``platform``, ``settings``, ``user`` and ``maybe_user``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from litestar import Litestar, MediaType, Response, get
from litestar.datastructures import MutableScopeHeaders, State
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, ControllerRouterHandler, Message, Receive, Scope, Send

from ticketing.shared import asyncapi, idempotency, metrics, money
from ticketing.shared.guards import maybe_user, user
from ticketing.shared.observe import observed
from ticketing.shared.openapi import document
from ticketing.shared.platform import Platform
from ticketing.shared.problems import (
    StrictStructSchemaPlugin,
    internal_error,
    problem,
    problem_details,
)
from ticketing.shared.requests import check_request


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
    settings = platform.settings

    @get("/readyz", include_in_schema=False)
    async def readyz() -> Response[dict[str, Any]]:
        failing = await platform.readiness()
        if failing:
            names = ", ".join(sorted(failing))
            raise problem(503, f"Not ready: {names} not answering.", "not-ready", failing=failing)
        return Response({"status": "ready", "service": platform.service})

    @get("/asyncapi.json", include_in_schema=False, media_type=MediaType.JSON, sync_to_thread=False)
    def asyncapi_json() -> dict[str, Any]:
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
            "settings": Provide(lambda: settings, sync_to_thread=False, use_cache=True),
            "user": Provide(user),
            "maybe_user": Provide(maybe_user),
            **(dependencies or {}),
        },
        plugins=[
            StrictStructSchemaPlugin(),
            problem_details(),
            *platform.telemetry.http_plugins(),
        ],
        exception_handlers={Exception: internal_error},
        # Money as people send it, never through a binary float (shared/money.py).
        request_class=money.ExactRequest,
        type_decoders=money.TYPE_DECODERS,
        middleware=[observed(platform.metrics), _allow_middleware, idempotency.middleware],
        before_request=check_request,
        lifespan=[lifespan],
        # For guards, tests and tools; handlers take the dependencies.
        state=State({"platform": platform, "settings": settings}),
        openapi_config=OpenAPIConfig(
            title=f"Ticketing {platform.service}",
            version="1.0.0",
            description=description,
            path="/schema",
        ),
        debug=False,
    )
    document(app)
    if idempotency.used_by(app):
        platform.on_start(partial(idempotency.init, platform))
    return app
