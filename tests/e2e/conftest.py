"""Every service as its own process over real servers, for the stories that cross services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ticketing.stack.processes import SERVICES, Services
from ticketing.testing.platform import RunningPlatform, platform_processes
from ticketing.testing.real_servers import Servers

# Short enough for the expiry story to run in seconds, long enough to pay in time.
EXPIRATION_SECONDS = 6


@pytest.fixture(scope="module")
def platform(
    servers: Servers, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningPlatform]:
    """Every service (started the way the one-command stack starts them) and the Stripe
    stand-in they charge."""
    env = {"ORDER_EXPIRATION_SECONDS": str(EXPIRATION_SECONDS), "LOG_LEVEL": "INFO"}
    with platform_processes(servers, tmp_path_factory.mktemp("logs"), **env) as running:
        STARTED.append(running.services)
        try:
            yield running
        finally:
            STARTED.remove(running.services)


@pytest.fixture(scope="module")
def services(platform: RunningPlatform) -> dict[str, str]:
    """Base URL of each running service."""
    return platform.urls()


@pytest.fixture(scope="module")
def stripe_url(platform: RunningPlatform) -> str:
    """The Stripe stand-in the platform's payments charge (key ``STANDIN_KEY``)."""
    return platform.env["STRIPE_API_BASE"]


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
