"""Pytest fixtures over real servers. A conftest re-exports them: ``from ... import *``.

Every test gets its own names: MongoDB databases (prefix), event exchange and therefore
queues, and arq queue, so tests run in parallel under Pants without seeing each other.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Protocol, TypeVar
from uuid import uuid4

import httpx
import pytest
from beanie import Document
from faststream.rabbit import RabbitBroker
from litestar import Litestar
from pymongo import AsyncMongoClient

from ticketing.shared.identity import IdentityPort, Principal
from ticketing.shared.messaging import routes
from ticketing.shared.platform import Platform
from ticketing.testing.real_servers import Servers, real_servers
from ticketing.tickets.codes import CodeKeys

__all__ = ["isolated", "servers"]

T = TypeVar("T")
D = TypeVar("D", bound=Document)
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def servers(request: pytest.FixtureRequest) -> Iterator[Servers]:
    with real_servers() as found:
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(found.describe())
        yield found


@pytest.fixture
async def isolated(servers: Servers) -> AsyncIterator[dict[str, Any]]:
    """Settings fields (lower-case names) that give a test its own slice of every server.

    Pass them as keyword arguments to a settings class, or upper-cased as environment
    variables to a service process. Afterwards the test's databases, event queues and exchange
    are removed (its Redis keys are not: their names are the test's own).
    """
    tag = f"t{uuid4().hex[:10]}"
    yield isolation(servers, tag)
    await remove_isolation(servers, tag)


def isolation(servers: Servers, tag: str) -> dict[str, Any]:
    return {
        "ticketing_profile": "dev",  # embedded identity, permissions and MongoDB-wire server
        "mongodb_url": servers.mongodb_url,
        "rabbitmq_url": servers.rabbitmq_url,
        "redis_url": servers.redis_url,
        "mongodb_database_prefix": tag,
        "embedded_auth_database": f"{tag}_auth_engine",
        "event_exchange": tag,
        "expiration_queue": f"{tag}:expirations",
        "moderation_queue": f"{tag}:moderation",
        "sign_in_key_prefix": f"{tag}:signin",
        "smtp_host": "127.0.0.1",
        "smtp_port": servers.mail.port,
        # One key set for every process of the test, as a deployment's Secret is.
        "ticket_code_keys": CodeKeys.generate(tag),
    }


class ServerUrls(Protocol):
    @property
    def mongodb_url(self) -> str: ...

    @property
    def rabbitmq_url(self) -> str: ...


async def remove_isolation(servers: ServerUrls, tag: str) -> None:
    """Drop the databases, queues and exchange that ``isolation(servers, tag)`` named."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(servers.mongodb_url)
    for name in await client.list_database_names():
        if name.startswith(tag):
            await client.drop_database(name)
    await client.close()
    broker = RabbitBroker(servers.rabbitmq_url, logger=None)
    channel = await (await broker.connect()).channel()
    for route in routes(tag):
        for queue in (route.queue, f"{route.queue}.delay", f"{route.queue}.dead"):
            await channel.queue_delete(queue)
    await channel.exchange_delete(tag)
    await broker.stop()


def env_from(fields: dict[str, Any]) -> dict[str, str]:
    return {key.upper(): str(value) for key, value in fields.items()}


async def sign_up(identity: IdentityPort, email: str) -> tuple[Principal, dict[str, str]]:
    """A registered, signed-in user and the headers that carry their session."""
    session = (await identity.register(email, PASSWORD, sign_in=True)).session
    session = session or await identity.login(email, PASSWORD)  # Kratos opens none at sign-up
    return session.principal, {"Authorization": f"Bearer {session.token}"}


async def eventually(
    probe: Callable[[], Awaitable[T | None]], within: float = 10.0, interval: float = 0.1
) -> T:
    """Poll ``probe`` until it returns something truthy; events take a moment to travel."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await probe()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within}s (last: {result!r})")
        await asyncio.sleep(interval)


async def in_status(document: type[D], document_id: str, status: str) -> D | None:
    """The document with ``document_id`` if its status is ``status`` (None otherwise)."""
    return await document.find_one({"_id": document_id, "status": status})


@contextlib.asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """The app's platform started on the test's own event loop, and an HTTP client for the app.

    Litestar's AsyncTestClient runs the app on a portal loop in another thread, where the
    MongoDB client would be bound to a loop the test cannot use; and its lifespan's cancel
    scope cannot span pytest's setup and teardown tasks. The app's lifespan is exactly
    ``platform.start()`` / ``stop()``, so the test runs those itself.
    """
    platform: Platform = app.state.platform
    await platform.start()
    try:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    finally:
        await platform.stop()
