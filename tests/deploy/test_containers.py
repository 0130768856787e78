"""Every service image run as a container (#28): the chart's default install as in
test_production_shape.py (the rendered environment, Secrets resolved, in-cluster names mapped to
loopback), but each pod is its image run by podman with the chart's securityContext and host
networking (containers.py). The images must have been built: .ci/run builds them
(deploy/docker/local/with-podman ./pants package deploy/docker::); a missing one fails here
with that command.

Real: the images, MongoDB-wire (SecantusDB), RabbitMQ, Redis. Stand-ins: Ory Kratos and Keto,
Stripe (as in test_production_shape.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deploy.cluster_story import story
from deploy.containers import (
    BASE_IMAGE,
    BUILD_COMMAND,
    BUILD_TOOLS,
    DEFAULT_GRACE_SECONDS,
    PodContainer,
    inspect,
    inspect_image,
    missing_images,
    on_path,
    recipe_hash,
)
from deploy.helm.chart import by_service, render, services
from deploy.production_shape import LoopbackCluster, loopback_cluster

SERVICES = sorted(services())


@pytest.fixture(scope="module")
def images() -> list[str]:
    if missing := missing_images(SERVICES):
        pytest.fail(f"no image for {', '.join(missing)}: build them with `{BUILD_COMMAND}`")
    return SERVICES


@pytest.fixture(scope="module")
def cluster(
    images: list[str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LoopbackCluster]:
    with loopback_cluster(tmp_path_factory.mktemp("containers"), PodContainer) as running:
        yield running


def containers(cluster: LoopbackCluster) -> dict[str, PodContainer]:
    found = {s: m for s, m in cluster.pods.items() if isinstance(m, PodContainer)}
    assert sorted(found) == SERVICES
    return found


def test_the_images_start_from_the_base_image_of_the_recipe_here(images: list[str]) -> None:
    """Where Docker Hub cannot be reached, the Dockerfile's FROM is the base image made by
    deploy/docker/local/base-image.sh, from the recipe as it is now (its label)."""
    base = inspect(BASE_IMAGE)
    assert base["Labels"]["org.ticketing.base-recipe"] == recipe_hash()
    base_layers = base["RootFS"]["Layers"]
    for service in images:
        layers = inspect_image(service)["RootFS"]["Layers"]
        assert layers[: len(base_layers)] == base_layers, service


def test_every_image_is_lean_with_no_build_tool(images: list[str]) -> None:
    sizes = {}
    for service in images:
        config = inspect_image(service)["Config"]
        assert config["User"] == "10001:10001", service  # non-root, numeric (runAsNonRoot)
        assert config["Entrypoint"] == ["/app/venv/pex"], service
        assert on_path(service, BUILD_TOOLS) == [], service
        assert on_path(service, ["python3.11"]) == ["/app/venv/bin/python3.11"]  # the look works
        sizes[service] = inspect_image(service)["Size"]
    print("image sizes:", ", ".join(f"{s} {n / 1e6:.0f} MB" for s, n in sizes.items()))


def test_every_container_runs_unprivileged_on_a_read_only_root(cluster: LoopbackCluster) -> None:
    for service, member in containers(cluster).items():
        status = dict(
            line.split(":", 1) for line in member.exec("cat", "/proc/1/status").stdout.splitlines()
        )
        assert status["Uid"].split() == ["10001"] * 4, (service, status["Uid"])
        assert int(status["CapEff"], 16) == 0, service
        assert int(status["CapPrm"], 16) == 0, service
        assert status["NoNewPrivs"].strip() == "1", service
        refused = member.exec("touch", "/app/venv/written")
        assert "Read-only file system" in refused.stderr, (service, refused)
        assert member.exec("touch", "/tmp/scratch").returncode == 0, service  # the emptyDir


def test_every_probe_answers_against_the_real_servers(cluster: LoopbackCluster) -> None:
    for member in containers(cluster).values():
        for kind in ("liveness", "readiness"):
            response = member.probe(kind)
            assert response.status_code == 200, (member.pod.service, kind, response.text)
        assert member.probe("liveness").json()["pid"] == 1  # the container's own process


def test_the_user_story_against_the_containers(cluster: LoopbackCluster) -> None:
    try:
        story(cluster)
    except AssertionError as e:
        e.add_note(cluster.logs())
        raise
    for member in cluster.pods.values():  # still live and ready after the story
        assert member.probe("liveness").status_code == 200, member.pod.service
        assert member.probe("readiness").status_code == 200, member.pod.service


def test_every_container_stops_cleanly_on_sigterm_within_the_grace_period(
    cluster: LoopbackCluster,
) -> None:
    """Last in the module: SIGTERM as the kubelet sends it; each exits 0 by itself, before the
    grace period would have it killed (exit status 137)."""
    deployments = by_service(render(), "Deployment")
    for service, member in containers(cluster).items():
        spec = deployments[service]["spec"]["template"]["spec"]
        grace = int(spec.get("terminationGracePeriodSeconds", DEFAULT_GRACE_SECONDS))
        status = member.terminate(grace)
        assert status == 0, f"{service} exited with {status}:\n{member.log_tail()}"
