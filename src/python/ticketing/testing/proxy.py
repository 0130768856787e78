"""A TCP proxy a test can cut and restore, to take a real server "down" without touching it."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

from ticketing.stack.servers import free_port


class Outage:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.StreamWriter] = set()

    @classmethod
    async def in_front_of(cls, url: str) -> tuple[Outage, str]:
        """A running proxy to the server at ``url``, and the same URL through the proxy."""
        parts = urlsplit(url)
        port = parts.port or {"amqp": 5672, "redis": 6379}[parts.scheme]
        outage = cls(parts.hostname or "127.0.0.1", port)
        await outage.restore()
        credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        proxied = parts._replace(netloc=f"{credentials}127.0.0.1:{outage.port}")
        return outage, proxied.geturl()

    async def restore(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def cut(self) -> None:
        """Refuse new connections and drop open ones, as a crashed broker would."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._pipes):
            writer.transport.abort()
        self._pipes.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._pipes.update((writer, up_writer))
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer))

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()
        self._pipes.discard(writer)
