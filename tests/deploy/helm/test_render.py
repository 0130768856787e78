"""The chart rendered by Helm with its default values and every example: Kubernetes' own
schemas for the oldest and newest supported versions, and the hardening of every pod."""

from __future__ import annotations

import json
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
# The web front end owns no data: it gets no server URLs, only the API's.
DATA_SERVICES = [s for s in SERVICES if s != "web"]
SERVER_VARIABLES = {
    "MONGODB_URL",
    "RABBITMQ_URL",
    "REDIS_URL",
    "KRATOS_PUBLIC_URL",
    "KRATOS_ADMIN_URL",
    "KETO_READ_URL",
    "KETO_WRITE_URL",
}
# The web's API_ROUTES with the default values: each routed API prefix -> its Service.
API_ROUTES = {
    "/api/users": f"http://{RELEASE}-auth:8001",
    "/api/tickets": f"http://{RELEASE}-tickets:8002",
    "/api/orders": f"http://{RELEASE}-orders:8003",
    "/api/payments": f"http://{RELEASE}-payments:8004",
    "/api/moderations": f"http://{RELEASE}-moderation:8006",
}


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
    for service in DATA_SERVICES:
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


def test_ory_network_api_keys_come_from_secrets_when_named() -> None:
    keys = ("ORY_KRATOS_API_KEY", "ORY_KETO_API_KEY")
    assert not set(keys) & set(_env(render(), "orders"))  # self-hosted Ory takes none
    named = {
        "secrets": {
            "oryKratosApiKey": {"name": "ory-kratos", "key": "api-key"},
            "oryKetoApiKey": {"name": "ory-keto", "key": "api-key"},
        }
    }
    docs = render(named)
    for service in DATA_SERVICES:
        env = _env(docs, service)
        for variable, secret in zip(keys, ("ory-kratos", "ory-keto"), strict=True):
            assert "value" not in env[variable]
            ref = env[variable]["valueFrom"]["secretKeyRef"]
            assert ref == {"name": secret, "key": "api-key"}, (service, variable)


# --- the web front end ----------------------------------------------------------------------


def test_the_web_gets_the_api_routes_and_its_csrf_secret() -> None:
    env = _env(render(), "web")
    assert set(env) == {
        "TICKETING_PROFILE",
        "HOST",
        "PORT",
        "LOG_LEVEL",
        "API_ROUTES",
        "CSRF_SECRET",
    }
    assert env["PORT"]["value"] == "8007"
    assert env["TICKETING_PROFILE"]["value"] == "production"
    assert json.loads(env["API_ROUTES"]["value"]) == API_ROUTES
    assert env["CSRF_SECRET"] == {
        "name": "CSRF_SECRET",
        "valueFrom": {"secretKeyRef": {"name": "ticketing-web-csrf", "key": "secret"}},
    }


def test_the_api_routes_follow_the_services_values() -> None:
    values = {
        "services": {
            "moderation": {"enabled": False},
            "tickets": {"port": 9002},
            "expiration": {"ingressPath": "/apiary"},  # routed, but not under /api
        }
    }
    routes = json.loads(_env(render(values), "web")["API_ROUTES"]["value"])
    assert routes == {
        **{p: u for p, u in API_ROUTES.items() if p != "/api/moderations"},
        "/api/tickets": f"http://{RELEASE}-tickets:9002",
    }


def test_the_web_gets_stripe_settings_only_when_set() -> None:
    config = {"stripePublishableKey": "pk_test_abc", "stripeApiBase": "http://stripe-mock:12111"}
    env = _env(render({"config": config}), "web")
    assert env["STRIPE_PUBLISHABLE_KEY"]["value"] == "pk_test_abc"
    assert env["STRIPE_API_BASE"]["value"] == "http://stripe-mock:12111"
    assert "STRIPE_PUBLISHABLE_KEY" not in _env(render({"config": config}), "payments")


@pytest.mark.parametrize("name", FILES, ids=lambda n: n or "values.yaml")
def test_the_web_gets_no_server_urls_or_passwords(name: str | None) -> None:
    env = _env(_render(name), "web")
    assert "API_ROUTES" in env
    assert not SERVER_VARIABLES & set(env)
    assert not [v for v in env if v.endswith("_PASSWORD")]


def test_the_dev_profile_may_leave_out_the_csrf_secret() -> None:
    env = _env(_render("dev.yaml"), "web")
    assert env["TICKETING_PROFILE"]["value"] == "dev"
    assert "CSRF_SECRET" not in env


def test_the_web_is_a_probed_service_with_a_pdb() -> None:
    docs = render()
    deployment = by_service(docs, "Deployment")["web"]
    selector = {"app.kubernetes.io/name": "web", "app.kubernetes.io/instance": RELEASE}
    assert deployment["metadata"]["labels"]["app.kubernetes.io/component"] == "frontend"
    assert deployment["spec"]["selector"]["matchLabels"] == selector
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"].startswith("ticketing/web:")
    assert container["ports"] == [{"name": "http", "containerPort": 8007, "protocol": "TCP"}]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    pdb = by_service(docs, "PodDisruptionBudget")["web"]
    assert pdb["spec"] == {"maxUnavailable": 1, "selector": {"matchLabels": selector}}
    service = by_service(docs, "Service")["web"]
    assert service["metadata"]["name"] == f"{RELEASE}-web"
    assert service["spec"]["selector"] == selector
    assert service["spec"]["ports"] == [
        {"name": "http", "port": 8007, "targetPort": "http", "protocol": "TCP"}
    ]


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
    for service in DATA_SERVICES:
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
