"""The chart's observability: OTEL settings from values (empty = off), pods annotated for
Prometheus, an optional ServiceMonitor, and NetworkPolicies that let scrapes and spans through."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest

from deploy.helm.chart import (
    KUBE_VERSIONS,
    NAMESPACE,
    RELEASE,
    by_service,
    env_of,
    named,
    overrides,
    refusal,
    render,
    services,
)

SERVICES = sorted(services())
TRACING = overrides(telemetry__otlpEndpoint="http://otel-collector.monitoring:4318")
MONITORING = {"kubernetes.io/metadata.name": "monitoring"}


def _env(deployment: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value") for e in env_of(deployment)}


def test_without_an_endpoint_no_service_traces() -> None:
    for name, deployment in by_service(render(), "Deployment").items():
        assert not [n for n in _env(deployment) if n.startswith("OTEL_")], name


def test_an_endpoint_configures_every_service_through_the_standard_variables() -> None:
    deployments = by_service(render(TRACING), "Deployment")
    assert sorted(deployments) == SERVICES
    for name, deployment in deployments.items():
        env = _env(deployment)
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector.monitoring:4318", name
        assert env["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf"
        assert env["OTEL_TRACES_SAMPLER"] == "parentbased_traceidratio"
        assert env["OTEL_TRACES_SAMPLER_ARG"] == "1.0"


def test_only_what_the_services_can_export_is_accepted() -> None:
    assert "otlpProtocol" in refusal(overrides(telemetry__otlpProtocol="grpc"))
    assert "samplerArg" in refusal(overrides(telemetry__samplerArg="2"))
    assert "otlpEndpoint" in refusal(overrides(telemetry__otlpEndpoint="collector:4318"))


def test_every_pod_is_annotated_for_prometheus_on_its_own_port() -> None:
    ports = {name: svc["port"] for name, svc in services().items()}
    for name, deployment in by_service(render(), "Deployment").items():
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true", name
        assert annotations["prometheus.io/path"] == "/metrics"
        assert annotations["prometheus.io/port"] == str(ports[name])
    quiet = overrides(telemetry__scrapeAnnotations=False)
    for deployment in by_service(render(quiet), "Deployment").values():
        assert "annotations" not in deployment["spec"]["template"]["metadata"]


def test_the_service_monitor_is_off_by_default_and_scrapes_every_service_when_on() -> None:
    assert not [d for d in render() if d["kind"] == "ServiceMonitor"]
    values = overrides(
        telemetry__serviceMonitor={"enabled": True, "interval": "15s", "labels": {"release": "kps"}}
    )
    docs = render(values)
    (monitor,) = named(docs, "ServiceMonitor").values()
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "kps"
    spec = monitor["spec"]
    assert spec["namespaceSelector"] == {"matchNames": [NAMESPACE]}
    assert spec["endpoints"] == [{"port": "http", "path": "/metrics", "interval": "15s"}]
    # It selects exactly the release's Services, each with its port named as the monitor says.
    selector = spec["selector"]["matchLabels"]
    selected = [
        s
        for s in docs
        if s["kind"] == "Service" and selector.items() <= s["metadata"]["labels"].items()
    ]
    assert sorted(s["metadata"]["labels"]["app.kubernetes.io/name"] for s in selected) == SERVICES
    assert all(s["spec"]["ports"][0]["name"] == "http" for s in selected)
    assert selector["app.kubernetes.io/instance"] == RELEASE


@pytest.mark.parametrize("kube", KUBE_VERSIONS)
def test_with_everything_on_every_object_is_valid_for_kubernetes(kube: str) -> None:
    """Kubernetes' own schemas know no ServiceMonitor (a CRD of the Prometheus Operator): it
    is checked by the test above; everything else is validated strictly."""
    values = {**TRACING, "telemetry": {**TRACING["telemetry"], "serviceMonitor": {"enabled": True}}}
    for doc in render(values):
        if doc["kind"] == "ServiceMonitor":
            with pytest.raises(kubernetes_validate.utils.SchemaNotFoundError):
                kubernetes_validate.validate(doc, kube, strict=True)
            continue
        kubernetes_validate.validate(doc, kube, strict=True)


def test_network_policies_let_prometheus_scrape_and_spans_out() -> None:
    ports = {name: svc["port"] for name, svc in services().items()}
    policies = by_service(render(TRACING), "NetworkPolicy")
    for name, policy in policies.items():
        scrape = {
            "from": [{"namespaceSelector": {"matchLabels": MONITORING}}],
            "ports": [{"port": ports[name], "protocol": "TCP"}],
        }
        assert scrape in policy["spec"]["ingress"], name
        spans = {
            "to": [{"namespaceSelector": {"matchLabels": MONITORING}}],
            "ports": [{"port": 4318, "protocol": "TCP"}],
        }
        assert spans in policy["spec"]["egress"], name
    for name, policy in by_service(render(), "NetworkPolicy").items():
        egress = policy["spec"]["egress"]
        assert not [r for r in egress if any(p["port"] == 4318 for p in r.get("ports", []))], name
