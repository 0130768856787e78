"""Every service as its own process over real servers, for the stories that cross services."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest

from ticketing.stack.processes import SERVICES, Services
from ticketing.testing.fixtures import env_from, isolation, remove_isolation
from ticketing.testing.servers import Servers
from ticketing.testing.stripe_standin import STANDIN_KEY, StripeStandInProcess

# Short enough for the expiry story to run in seconds, long enough to pay in time.
EXPIRATION_SECONDS = 6


@pytest.fixture(scope="module")
def stripe_url() -> Iterator[str]:
    """The Stripe stand-in, as its own process; it accepts the key ``STANDIN_KEY``."""
    standin = StripeStandInProcess().start()
    try:
        yield standin.url
    finally:
        standin.stop()


@pytest.fixture(scope="module")
def services(
    servers: Servers, stripe_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """Base URL of each running service (started the way the one-command stack starts them)."""
    tag = f"e{uuid4().hex[:10]}"
    env = {
        **env_from(isolation(servers, tag)),
        "ORDER_EXPIRATION_SECONDS": str(EXPIRATION_SECONDS),
        "LOG_LEVEL": "INFO",
        "STRIPE_API_KEY": STANDIN_KEY,
        "STRIPE_API_BASE": stripe_url,
    }
    running = Services(tmp_path_factory.mktemp("logs"))  # on free ports
    STARTED.append(running)
    try:
        running.start(env)
        running.wait_ready()
        yield running.urls()
    finally:
        running.stop()
        STARTED.remove(running)
        asyncio.run(remove_isolation(servers, tag))


STARTED: list[Services] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failing story shows the end of every service's log beside it."""
    report = yield
    if report.failed and STARTED:
        for member in STARTED[-1].members:
            report.sections.append((f"{member.name} log", member.log_tail(40)))
    return report


@pytest.fixture
def expiration_seconds() -> int:
    return EXPIRATION_SECONDS


def pytest_report_header() -> str:
    return f"e2e: {', '.join(SERVICES)} each as its own process"
