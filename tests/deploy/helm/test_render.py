"""The chart rendered by Helm with its default values and every example: Kubernetes' own
schemas for the oldest and newest supported versions, and the hardening of every pod."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest

from deploy.helm.chart import (
    EXAMPLES,
    KUBE_VERSIONS,
    NAMESPACE,
    RELEASE,
    Doc,
    by_service,
    chart,
    env_of,
    example,
    named,
    render,
    services,
)

FILES = [None, *(p.name for p in EXAMPLES)]
SERVICES = sorted(services())


def _render(name: str | None) -> list[Doc]:
    return render(example(name) if name else None)


@pytest.mark.parametrize("kube", KUBE_VERSIONS)
@pytest.mark.parametrize("name", FILES, ids=lambda n: n or "values.yaml")
def test_every_object_is_valid_for_kubernetes(name: str | None, kube: str) -> None:
    docs = _render(name)
    assert len(docs) > 20
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, kube, strict=True)
        except kubernetes_validate.ValidationError as e:
            pytest.fail(f"{doc['kind']}/{doc['metadata']['name']} on {kube}: {e.message}")


def test_kubernetes_validation_catches_a_bad_object() -> None:
    (deployment, *_) = by_service(render(), "Deployment").values()
    deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = 3
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBE_VERSIONS[0], strict=True)
    deployment["spec"]["replicaz"] = 1
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBE_VERSIONS[-1], strict=True)


@pytest.mark.parametrize("name", FILES, ids=lambda n: n or "values.yaml")
def test_every_service_gets_a_deployment_service_and_pdb(name: str | None) -> None:
    docs = _render(name)
    for kind in ("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy"):
        assert sorted(by_service(docs, kind)) == SERVICES, kind


def test_pods_are_hardened() -> None:
    for name, deployment in by_service(render(), "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"] == {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "runAsGroup": 10001,
            "fsGroup": 10001,
            "seccompProfile": {"type": "RuntimeDefault"},
        }, name
        assert pod["automountServiceAccountToken"] is False
        (container,) = pod["containers"]
        assert container["securityContext"] == {
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
        }, name
        # The read-only root file system leaves /tmp writable through an emptyDir.
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
        assert {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}} in pod["volumes"]
        resources = container["resources"]
        assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory"}


def test_probes_and_ports() -> None:
    for name, deployment in by_service(render(), "Deployment").items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert container["ports"] == [
            {"name": "http", "containerPort": services()[name]["port"], "protocol": "TCP"}
        ]


def test_pods_spread_over_zones_and_nodes() -> None:
    for name, deployment in by_service(render(), "Deployment").items():
        selector = deployment["spec"]["selector"]["matchLabels"]
        constraints = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert [c["topologyKey"] for c in constraints] == [
            "topology.kubernetes.io/zone",
            "kubernetes.io/hostname",
        ]
        for c in constraints:
            assert c["labelSelector"] == {"matchLabels": selector}, name
            assert (c["maxSkew"], c["whenUnsatisfiable"]) == (1, "ScheduleAnyway")


def test_each_pdb_covers_its_deployments_pods() -> None:
    docs = render({"services": {"orders": {"replicas": 3}}})
    deployments = by_service(docs, "Deployment")
    assert deployments["orders"]["spec"]["replicas"] == 3
    for name, pdb in by_service(docs, "PodDisruptionBudget").items():
        selector = deployments[name]["spec"]["selector"]["matchLabels"]
        assert pdb["spec"] == {"maxUnavailable": 1, "selector": {"matchLabels": selector}}
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= pod_labels.items()


def _env(docs: list[Doc], service: str) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in env_of(by_service(docs, "Deployment")[service])}


@pytest.mark.parametrize(("name", "profile"), [(None, "production"), ("dev.yaml", "dev")])
def test_the_services_run_in_the_profile_of_the_values(name: str | None, profile: str) -> None:
    docs = _render(name)
    for service in SERVICES:
        assert _env(docs, service)["TICKETING_PROFILE"]["value"] == profile


def test_production_wires_ory_and_the_secrets() -> None:
    docs = render()
    for service in SERVICES:
        env = _env(docs, service)
        for variable in (
            "KRATOS_PUBLIC_URL",
            "KRATOS_ADMIN_URL",
            "KETO_READ_URL",
            "KETO_WRITE_URL",
        ):
            assert env[variable]["value"].startswith("http"), (service, variable)
        for variable in ("MONGODB_URL", "RABBITMQ_URL", "REDIS_URL"):
            assert "value" not in env[variable]
            assert (
                env[variable]["valueFrom"]["secretKeyRef"]["name"]
                == f"ticketing-{variable.split('_')[0].lower()}"
            )
    stripe = _env(docs, "payments")["STRIPE_API_KEY"]["valueFrom"]["secretKeyRef"]
    assert stripe == {"name": "ticketing-stripe", "key": "api-key"}
    hook = _env(docs, "auth")["KRATOS_WEBHOOK_SECRET"]["valueFrom"]["secretKeyRef"]
    assert hook == {"name": "ticketing-kratos-webhook", "key": "secret"}


def test_no_hpa_unless_asked() -> None:
    assert named(render(), "HorizontalPodAutoscaler") == {}
    docs = render({"services": {"orders": {"autoscaling": {"enabled": True}}}})
    assert sorted(by_service(docs, "HorizontalPodAutoscaler")) == ["orders"]
    assert "replicas" not in by_service(docs, "Deployment")["orders"]["spec"]


# --- the subcharts, wired in without being rendered ----------------------------------------


def test_in_cluster_servers_are_wired_through_their_generated_passwords() -> None:
    values = example("in-cluster.yaml")
    docs = render(values)
    svc = f"{NAMESPACE}.svc"
    wiring = {
        "MONGODB": (
            f"{RELEASE}-mongodb",
            "mongodb-root-password",
            f"@{RELEASE}-mongodb-headless.{svc}:27017/?replicaSet=rs0",
        ),
        "RABBITMQ": (
            f"{RELEASE}-rabbitmq",
            "rabbitmq-password",
            f"@{RELEASE}-rabbitmq.{svc}:5672/",
        ),
        "REDIS": (f"{RELEASE}-redis", "redis-password", f"@{RELEASE}-redis-master.{svc}:6379/0"),
    }
    for service in SERVICES:
        env = env_of(by_service(docs, "Deployment")[service])
        names = [e["name"] for e in env]
        by_name = {e["name"]: e for e in env}
        for server, (secret, key, address) in wiring.items():
            password, url = f"{server}_PASSWORD", f"{server}_URL"
            # $(VAR) expands only variables defined earlier in the list.
            assert names.index(password) < names.index(url)
            assert by_name[password]["valueFrom"]["secretKeyRef"] == {"name": secret, "key": key}
            assert f":$({password}){address}" in by_name[url]["value"]
        assert by_name["KRATOS_PUBLIC_URL"]["value"] == f"http://{RELEASE}-kratos-public.{svc}"
        assert by_name["KETO_WRITE_URL"]["value"] == f"http://{RELEASE}-keto-write.{svc}"


def test_in_cluster_values_match_the_wiring() -> None:
    values = example("in-cluster.yaml")
    assert all(
        values[name]["enabled"] for name in ("mongodb", "rabbitmq", "redis", "kratos", "keto")
    )
    # The URL above names replica set rs0 and user root: the Bitnami values that produce them.
    merged = chart().merge_values(values)
    assert merged["mongodb"]["architecture"] == "replicaset"
    assert merged["mongodb"]["auth"]["rootUser"] == "root"
    configmaps = named(render(values), "ConfigMap")
    assert {f"{RELEASE}-ory-kratos", f"{RELEASE}-ory-keto"} <= set(configmaps)
    mounted = {v["configMap"]["name"] for v in values["kratos"]["deployment"]["extraVolumes"]}
    assert mounted == {f"{RELEASE}-ory-kratos"}
