"""Start-up of every service process: settings (or a clear configuration error), logs, server."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import uvicorn
from litestar import Litestar

from ticketing.shared import logs
from ticketing.shared.settings import ProcessSettings, load

S = TypeVar("S", bound=ProcessSettings)


def serve(create_app: Callable[[S], Litestar], settings_type: type[S], service: str) -> None:
    settings = load(settings_type)  # exits with a message naming each bad variable
    logs.configure(service, settings.log_level)
    uvicorn.run(
        create_app(settings),
        # Named, not "auto": a missing one stops start-up instead of silently falling back
        # to asyncio's loop and the pure-Python h11 parser (bench:edge measures the gap).
        loop="uvloop",
        http="httptools",
        host=settings.host,
        port=settings.port,
        log_config=None,  # our JSON logs, not uvicorn's text ones
        access_log=False,  # the request-id middleware logs each request
        timeout_graceful_shutdown=10,
        server_header=False,
        # The client address comes from X-Forwarded-For only when the edge sent it.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
