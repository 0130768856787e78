"""Every service as its own process over real servers, for the stories that cross services."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from uuid import uuid4

import pytest

from ticketing.stack.processes import SERVICES, Services
from ticketing.stack.servers import free_port
from ticketing.testing.fixtures import env_from, isolation, remove_isolation
from ticketing.testing.servers import Servers

# Short enough for the expiry story to run in seconds, long enough to pay in time.
EXPIRATION_SECONDS = 6


@pytest.fixture(scope="module")
def services(
    servers: Servers, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """Base URL of each running service (started the way the one-command stack starts them)."""
    tag = f"e{uuid4().hex[:10]}"
    env = {
        **env_from(isolation(servers, tag)),
        "ORDER_EXPIRATION_SECONDS": str(EXPIRATION_SECONDS),
        "LOG_LEVEL": "WARNING",
    }
    running = Services(tmp_path_factory.mktemp("logs"), {s: free_port() for s in SERVICES})
    try:
        running.start(env)
        running.wait_ready()
        yield running.urls()
    finally:
        running.stop()
        asyncio.run(remove_isolation(servers, tag))


@pytest.fixture
def expiration_seconds() -> int:
    return EXPIRATION_SECONDS


def pytest_report_header() -> str:
    return f"e2e: {', '.join(SERVICES)} each as its own process"
