"""An ASGI app served over real HTTP inside the test's own event loop."""

from __future__ import annotations

import asyncio
from typing import Any, Self

import uvicorn

from ticketing.stack.servers import free_port, wait_until_answers


class BackgroundServer:
    """An ASGI app served by uvicorn on a free local port, inside this process's event loop
    (for stand-ins of third parties, which must be real HTTP servers)."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        await asyncio.to_thread(wait_until_answers, self.url, 10.0)

    async def stop(self) -> None:
        if self._task is not None:
            self._server.should_exit = True
            await self._task


class StandIn:
    """Base of the third parties' stand-ins: each serves its app over real HTTP through
    ``self._server`` (set in its ``__init__``) and is started and stopped alike."""

    _server: BackgroundServer

    @property
    def url(self) -> str:
        return self._server.url

    async def start(self) -> Self:
        await self._server.start()
        return self

    async def stop(self) -> None:
        await self._server.stop()
