"""Kratos and Keto for the contract suites: real containers where a Docker engine answers,
else the stand-ins that speak their REST wire format. Test ids say which ran."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from ticketing.testing.keto_standin import KetoStandIn
from ticketing.testing.kratos_standin import KratosStandIn
from ticketing.testing.real_servers import docker_answers

ORY_CONFIG = Path("deploy/ory")
KIND = "container" if docker_answers() else "standin"


@contextlib.asynccontextmanager
async def kratos() -> AsyncIterator[tuple[str, str]]:
    """(public URL, admin URL) of a Kratos."""
    if KIND == "container":  # pragma: no cover - exercised only where Docker runs
        from testcontainers.core.container import DockerContainer
        from testcontainers.core.waiting_utils import wait_for_logs

        config = str((ORY_CONFIG / "kratos").resolve())
        container = (
            DockerContainer("oryd/kratos:v1.3.1")
            .with_volume_mapping(config, "/etc/config/kratos", "ro")
            .with_env("DSN", "memory")
            .with_env("SELFSERVICE_FLOWS_REGISTRATION_AFTER_PASSWORD_HOOKS", "[]")
            .with_command("serve --config /etc/config/kratos/kratos.yml --dev")
            .with_exposed_ports(4433, 4434)
        )
        with container:
            wait_for_logs(container, "Starting the public httpd", timeout=60)
            host = container.get_container_host_ip()
            yield (
                f"http://{host}:{container.get_exposed_port(4433)}",
                f"http://{host}:{container.get_exposed_port(4434)}",
            )
        return
    standin = await KratosStandIn().start()
    try:
        yield standin.url, standin.url
    finally:
        await standin.stop()


@contextlib.asynccontextmanager
async def keto() -> AsyncIterator[tuple[str, str]]:
    """(read URL, write URL) of a Keto with the Ticketing namespaces."""
    if KIND == "container":  # pragma: no cover - exercised only where Docker runs
        from testcontainers.core.container import DockerContainer
        from testcontainers.core.waiting_utils import wait_for_logs

        config = str((ORY_CONFIG / "keto").resolve())
        container = (
            DockerContainer("oryd/keto:v0.14.0")
            .with_volume_mapping(config, "/etc/config/keto", "ro")
            .with_env("DSN", "memory")
            .with_command("serve --config /etc/config/keto/keto.yml")
            .with_exposed_ports(4466, 4467)
        )
        with container:
            wait_for_logs(container, "Starting the write-api", timeout=60)
            host = container.get_container_host_ip()
            yield (
                f"http://{host}:{container.get_exposed_port(4466)}",
                f"http://{host}:{container.get_exposed_port(4467)}",
            )
        return
    standin = await KetoStandIn().start()
    try:
        yield standin.url, standin.url
    finally:
        await standin.stop()
