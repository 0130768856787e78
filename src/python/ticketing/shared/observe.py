"""What every request leaves behind, in one middleware that wraps and times it once: an id
(kept from ``X-Request-ID`` when it is a short token, as the edge does; anything else, control
characters included, is replaced, never echoed) in the response header and in every log line
of the request; one log line; its count and latency by route template; and its server span
named after that template (the span starts before routing, with the raw path). Probes and
scrapes (``metrics.UNOBSERVED``) get an id but are neither logged, counted nor traced.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from uuid import uuid4

import structlog
from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from opentelemetry import trace

from ticketing.shared.metrics import UNOBSERVED, Metrics

log = structlog.get_logger(__name__)
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")


def request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            return value.decode() if _REQUEST_ID.fullmatch(value) else uuid4().hex
    return uuid4().hex


def observed(metrics: Metrics) -> Callable[[ASGIApp], ASGIApp]:
    """The middleware, counting into ``metrics``; it goes first in a service's list."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            rid = request_id(scope)
            structlog.contextvars.bind_contextvars(request_id=rid)
            route, method = scope.get("path_template", ""), str(scope.get("method", ""))
            watched = route not in UNOBSERVED
            span = trace.get_current_span()
            if watched and span.is_recording():
                span.update_name(f"{method} {route}")
                span.set_attribute("http.route", route)
            status = 500
            started = time.perf_counter()

            async def send_observed(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = rid
                await send(message)

            try:
                await app(scope, receive, send_observed)
            finally:
                if watched:
                    elapsed = time.perf_counter() - started
                    metrics.requests.labels(method, route, str(status)).inc()
                    metrics.latency.labels(method, route).observe(elapsed)
                    log.info(
                        "request",
                        method=method,
                        path=scope["path"],
                        status=status,
                        ms=round(elapsed * 1000, 1),
                    )
                structlog.contextvars.unbind_contextvars("request_id")

        return middleware

    return wrap
