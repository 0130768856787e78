"""Production shape (#13): the chart rendered with its default values, each Deployment's
container run as a process with exactly the environment Kubernetes would give it (Secrets and
$(VAR) resolved, in-cluster names mapped to loopback: see production_shape.py), in the
production profile. Every probe answers as the chart defines it, and the user story passes.

Real: MongoDB-wire (SecantusDB), RabbitMQ, Redis, the services. Stand-ins: Ory Kratos and Keto
(their REST wire format), Stripe (its wire format, its own process); no content classifier
(moderation screens with its word list, as with the default values).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from deploy.cluster_story import story
from deploy.egress import blocked, remote_ports
from deploy.helm.chart import by_service, render, services
from deploy.kube_env import Pod, entrypoint, expand, pods, resolve_env, rewrite_hosts, url_hosts
from deploy.production_shape import DOCKERFILE, LoopbackCluster, loopback_cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackCluster]:
    with loopback_cluster(tmp_path_factory.mktemp("prodshape")) as running:
        yield running


# --- how Kubernetes builds the environment (kube_env), on small inputs --------------------------


def test_expansion_is_kubernetes() -> None:
    defined = {"PASSWORD": "s3cret"}
    assert expand("amqp://u:$(PASSWORD)@h/", defined) == "amqp://u:s3cret@h/"
    assert expand("$(MISSING)/$$(PASSWORD)/$$", defined) == "$(MISSING)/$(PASSWORD)/$"


def test_env_resolves_secrets_and_only_earlier_variables() -> None:
    pod = Pod(
        "x",
        env=[
            {"name": "URL", "value": "redis://:$(PASSWORD)@r:6379/0"},
            {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
            {"name": "AGAIN", "value": "$(PASSWORD)"},
        ],
        env_from=[],
        port=1,
        probes={},
    )
    env = resolve_env(pod, {"s": {"k": "pw"}}, {})
    assert env == {"URL": "redis://:$(PASSWORD)@r:6379/0", "PASSWORD": "pw", "AGAIN": "pw"}
    with pytest.raises(KeyError):
        resolve_env(pod, {"s": {}}, {})  # the kubelet would refuse to start the pod


def test_hosts_are_rewritten_with_credentials_and_default_ports_kept() -> None:
    hosts = {"rabbit.db.svc:5672": "127.0.0.1:1", "kratos.ory:80": "127.0.0.1:2"}
    assert rewrite_hosts("amqp://u:p@rabbit.db.svc:5672/v", hosts) == "amqp://u:p@127.0.0.1:1/v"
    assert rewrite_hosts('{"/a": "http://kratos.ory"}', hosts) == '{"/a": "http://127.0.0.1:2"}'
    assert rewrite_hosts("http://kratos.ory:4433", hosts) == "http://kratos.ory:4433"


# --- the chart, run ------------------------------------------------------------------------------


def test_every_service_runs_its_image_entry_point_in_production() -> None:
    # The image runs its pex's entry point (ticketing.<service>.app:run); no pod overrides it.
    assert entrypoint(DOCKERFILE) == ["/app/venv/pex"]
    rendered = pods(render())  # the defaults alone: no command or args (asserted in pods())
    assert sorted(rendered) == sorted(services())
    for pod in rendered.values():
        assert {"name": "TICKETING_PROFILE", "value": "production"} in pod.env, pod.service


def test_every_probe_answers_as_the_chart_defines(cluster: LoopbackCluster) -> None:
    assert sorted(cluster.pods) == sorted(services())
    for member in cluster.pods.values():
        for kind in ("liveness", "readiness"):
            response = member.probe(kind)
            assert response.status_code == 200, (member.pod.service, kind, response.text)
        assert member.process is not None
        assert member.probe("liveness").json()["pid"] == member.process.pid  # ours answers


def test_every_process_got_the_rendered_environment_on_loopback(cluster: LoopbackCluster) -> None:
    for service, member in cluster.pods.items():
        assert member.env["TICKETING_PROFILE"] == "production"
        assert member.env["HOST"] == "0.0.0.0"  # as rendered
        assert url_hosts(member.env) <= {"127.0.0.1"}, (service, url_hosts(member.env))
    # The web's API_ROUTES: each routed API prefix to that service's process.
    routed = {n: s["ingressPath"] for n, s in services().items() if s["ingressPath"] != "/"}
    expected = {path: cluster.url(name) for name, path in routed.items() if path}
    assert json.loads(cluster.pods["web"].env["API_ROUTES"]) == expected
    assert cluster.pods["payments"].env["STRIPE_API_KEY"].startswith("sk_")


def test_the_user_story_in_production_shape(cluster: LoopbackCluster) -> None:
    try:
        story(cluster)
    except AssertionError as e:
        e.add_note(cluster.logs())
        raise
    for member in cluster.pods.values():  # still live and ready after the story
        assert member.probe("liveness").status_code == 200, member.pod.service
        assert member.probe("readiness").status_code == 200, member.pod.service


def test_every_connection_is_one_the_network_policy_allows(cluster: LoopbackCluster) -> None:
    """After the story (module order), each process's open connections against its rendered
    NetworkPolicy: what a CNI would block fails here, though loopback lets it through."""
    policies = by_service(cluster.docs, "NetworkPolicy")
    seen = 0
    for service, member in cluster.pods.items():
        assert member.process is not None
        outgoing = [c for c in remote_ports(member.process.pid) if c[0] != member.port]
        seen += len(outgoing)
        problems = blocked(member.process.pid, member.port, cluster.egress_names, policies[service])
        assert problems == [], f"{service} connects to what its NetworkPolicy blocks: {problems}"
    assert seen > 0  # the services do hold connections (to MongoDB, RabbitMQ, ...)
