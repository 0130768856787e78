"""Kratos and Keto for the contract suites: real containers where a Docker engine answers,
else the stand-ins that speak their REST wire format. Test ids say which ran."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ticketing.testing.keto_standin import KetoStandIn
from ticketing.testing.kratos_standin import KratosStandIn
from ticketing.testing.real_servers import docker_answers

KIND = "container" if docker_answers() else "standin"
# The stand-ins want this key as Ory Network wants a project's API key, so the suites prove
# the adapters send it (a self-hosted Ory in a container takes no key and ignores it).
API_KEY = "ory_pat_contract_suite"


@dataclass(frozen=True)
class Image:
    """An Ory server's container, configured from the files in ``config``."""

    name: str
    config: Path
    image: str
    command: str
    ready: str  # the log line that says it serves
    ports: tuple[int, int]  # (public or read, admin or write)
    env: dict[str, str] = field(default_factory=dict)


KRATOS = Image(
    "kratos",
    Path("deploy/helm/ticketing/files/ory/kratos"),  # kept only in the chart
    "oryd/kratos:v1.3.1",
    "serve --config /etc/config/kratos/kratos.yml --dev",
    "Starting the public httpd",
    (4433, 4434),
    {"SELFSERVICE_FLOWS_REGISTRATION_AFTER_PASSWORD_HOOKS": "[]"},
)
KETO = Image(
    "keto",
    Path("deploy/helm/ticketing/files/ory/keto"),  # kept only in the chart
    "oryd/keto:v0.14.0",
    "serve --config /etc/config/keto/keto.yml",
    "Starting the write-api",
    (4466, 4467),
)


@contextlib.contextmanager
def _container(spec: Image) -> Iterator[tuple[str, str]]:  # pragma: no cover - needs Docker
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs

    config = str(spec.config.resolve())
    container = (
        DockerContainer(spec.image)
        .with_volume_mapping(config, f"/etc/config/{spec.name}", "ro")
        .with_env("DSN", "memory")
        .with_command(spec.command)
        .with_exposed_ports(*spec.ports)
    )
    for name, value in spec.env.items():
        container = container.with_env(name, value)
    with container:
        wait_for_logs(container, spec.ready, timeout=60)
        host = container.get_container_host_ip()
        yield (
            f"http://{host}:{container.get_exposed_port(spec.ports[0])}",
            f"http://{host}:{container.get_exposed_port(spec.ports[1])}",
        )


@contextlib.asynccontextmanager
async def _server(spec: Image, standin: Callable[..., Any]) -> AsyncIterator[tuple[str, str]]:
    if KIND == "container":
        with _container(spec) as urls:
            yield urls
        return
    running = await standin(api_key=API_KEY).start()
    try:
        yield running.url, running.url
    finally:
        await running.stop()


def kratos() -> contextlib.AbstractAsyncContextManager[tuple[str, str]]:
    """(public URL, admin URL) of a Kratos."""
    return _server(KRATOS, KratosStandIn)


def keto() -> contextlib.AbstractAsyncContextManager[tuple[str, str]]:
    """(read URL, write URL) of a Keto with the Ticketing namespaces."""
    return _server(KETO, KetoStandIn)
