"""The chart's pods played (#28): the chart rendered with the values for this machine
(deploy/helm/examples/podman.yaml), its Deployments run by `podman kube play --network host`
from the images Pants built, the edge in front as the Ingress controller would be, and the user
story through the edge (played_chart.py says what is and is not played).

Real: the images, podman's pods with the Deployments' securityContext and limits, nginx,
MongoDB-wire (SecantusDB), RabbitMQ, Redis. Stand-ins: Ory Kratos and Keto, Stripe.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deploy.cluster_story import story
from deploy.containers import BUILD_COMMAND, missing_images
from deploy.helm.chart import example, services
from deploy.played_chart import VALUES_FILE, PlayedChart, played_chart, played_spec

SERVICES = sorted(services())
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlayedChart]:
    if missing := missing_images(SERVICES):
        pytest.fail(f"no image for {', '.join(missing)}: build them with `{BUILD_COMMAND}`")
    with played_chart(tmp_path_factory.mktemp("played")) as running:
        yield running


def test_the_values_for_this_machine_are_the_production_profile() -> None:
    values = example(VALUES_FILE)
    assert "profile" not in values  # the default: production
    assert values["image"]["pullPolicy"] == "Never"
    assert sorted(values["services"]) == SERVICES


def test_every_deployment_is_played_as_its_pod_spec_says(played: PlayedChart) -> None:
    assert sorted(played.ports) == SERVICES
    for doc in played.docs:
        service = doc["metadata"]["labels"]["app.kubernetes.io/name"]
        pod = doc["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        found = played_spec(played, service)
        assert found["State"]["Status"] == "running", service
        assert found["ImageName"].endswith(f"ticketing/{service}:latest"), service
        assert found["Config"]["User"].split(":")[0] == str(pod["securityContext"]["runAsUser"])
        assert found["HostConfig"]["ReadonlyRootfs"] is True, service
        assert found["HostConfig"]["CapDrop"], service
        limit = container["resources"]["limits"]["memory"]
        assert limit.endswith("Mi"), limit
        assert found["HostConfig"]["Memory"] == int(limit.removesuffix("Mi")) * MiB, service
        for kind in ("liveness", "readiness"):
            response = played.probe(service, kind)
            assert response.status_code == 200, (service, kind, response.text)


def test_the_user_story_through_the_edge(played: PlayedChart) -> None:
    try:
        story(played)
    except AssertionError as e:
        e.add_note(played.logs())
        raise
    for service in SERVICES:  # still live and ready after the story
        assert played.probe(service, "liveness").status_code == 200, service
        assert played.probe(service, "readiness").status_code == 200, service
