"""The services as their own processes behind the real nginx edge, configured from the routing
table as stack:up configures it; edges with tight limits for the tests of those limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ticketing.stack.edge import Edge
from ticketing.stack.edge_config import EdgeSettings
from ticketing.stack.processes import Services
from ticketing.testing.platform import platform_processes
from ticketing.testing.real_servers import Servers


@pytest.fixture(scope="module")
def services(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    with platform_processes(servers, tmp_path_factory.mktemp("logs")) as running:
        yield running.services


def start_edge(
    upstreams: dict[str, str], run_dir: Path, routes: dict[str, str] | None = None, **limits: object
) -> Edge:
    settings = EdgeSettings(**limits)  # type: ignore[arg-type]
    edge = Edge(upstreams, run_dir, settings=settings)
    if routes is not None:
        edge.routes = routes
    return edge.start()


@pytest.fixture
def make_edge(tmp_path: Path) -> Iterator[Callable[..., Edge]]:
    """Start an edge for one test (upstreams, routes, limits); stopped after the test."""
    started: list[Edge] = []

    def make(upstreams: dict[str, str], routes: dict[str, str], **limits: object) -> Edge:
        started.append(start_edge(upstreams, tmp_path / str(len(started)), routes, **limits))
        return started[-1]

    yield make
    for running in started:
        running.stop()


@pytest.fixture(scope="module")
def edge(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The edge as stack:up runs it, with sign-in limits high enough for many test users."""
    running = start_edge(
        services.urls(), tmp_path_factory.mktemp("edge"), auth_rate_per_second=1000
    )
    yield running.url
    running.stop()


@pytest.fixture(scope="module")
def strict_edge(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same routes with tiny limits, and one browser origin allowed."""
    running = start_edge(
        services.urls(),
        tmp_path_factory.mktemp("strict-edge"),
        body_size="1k",
        auth_rate_per_second=1,
        auth_burst=2,
        cors_allow_origins="https://shop.example",
    )
    yield running.url
    running.stop()
