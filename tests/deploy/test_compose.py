"""deploy/docker/compose.yaml starts what the services need, where the defaults look for it.
(No Docker engine here to run it: this checks its content.)"""

from pathlib import Path

import yaml

from ticketing.stack.servers import DEFAULT_RABBITMQ_URL, DEFAULT_REDIS_URL

COMPOSE = Path("deploy/docker/compose.yaml")


def test_the_servers_are_on_the_ports_the_services_default_to() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert "27017:27017" in services["mongodb"]["ports"]
    assert "--replSet" in services["mongodb"]["command"]  # transactions need a replica set
    assert (
        f"{DEFAULT_RABBITMQ_URL.rsplit(':', 1)[1].strip('/')}:5672" in services["rabbitmq"]["ports"]
    )
    assert f"{DEFAULT_REDIS_URL.rsplit(':', 1)[1].split('/')[0]}:6379" in services["redis"]["ports"]


def test_ory_runs_only_in_its_profile_with_the_repositorys_configuration() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    ory = {name: s for name, s in services.items() if "ory" in s.get("profiles", [])}
    assert set(ory) == {"kratos", "kratos-migrate", "keto", "keto-migrate"}
    for service in ory.values():
        for volume in service["volumes"]:
            source = volume.split(":")[0]
            if source.startswith(".."):
                assert (COMPOSE.parent / source).resolve().is_dir(), volume
