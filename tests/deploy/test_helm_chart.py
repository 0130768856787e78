"""The Helm chart (deploy/helm/ticketing) and the Dockerfiles it runs.

Runs everywhere: values files against values.schema.json, bad values rejected with a message,
no literal secrets, templates only reading values that exist, ports and users agreeing between
the Dockerfiles and the chart, the Ory copy matching deploy/ory/. Rendering with `helm template`
runs only where a `helm` binary exists (none on the development machines); otherwise it is
skipped with the reason printed under `pytest -rs`.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

SERVICES = {
    "auth": 8001,
    "tickets": 8002,
    "orders": 8003,
    "payments": 8004,
    "expiration": 8005,
    "moderation": 8006,
}
PREFIXES = {
    "auth": "/api/users",
    "tickets": "/api/tickets",
    "orders": "/api/orders",
    "payments": "/api/payments",
    "moderation": "/api/moderations",
}


def _root() -> Path:
    for parent in Path(__file__).resolve().parents:
        if (parent / "deploy/helm/ticketing/Chart.yaml").is_file():
            return parent
    raise RuntimeError("deploy/helm/ticketing is not in this sandbox (BUILD: deploy/helm:chart)")


ROOT = _root()
CHART = ROOT / "deploy/helm/ticketing"
EXAMPLES = sorted((ROOT / "deploy/helm/examples").glob("*.yaml"))
SCHEMA = json.loads((CHART / "values.schema.json").read_text())
VALUES = yaml.safe_load((CHART / "values.yaml").read_text())


def merged(base: Any, override: Any) -> Any:
    """Helm's coalescing of a values file over the chart's values (maps merge, others replace)."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = merged(base.get(key), value) if key in base else value
        return out
    return copy.deepcopy(override)


def errors(values: Any) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA)
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(values)
    ]


def with_(path: str, value: Any) -> dict[str, Any]:
    """The default values with one dotted path set."""
    values = copy.deepcopy(VALUES)
    *parents, last = path.split(".")
    node = values
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return values


# --- values and schema ----------------------------------------------------------------------


def test_the_schema_is_valid_draft7() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", [None, *EXAMPLES], ids=lambda p: p.name if p else "values.yaml")
def test_values_files_validate(path: Path | None) -> None:
    values = VALUES if path is None else merged(VALUES, yaml.safe_load(path.read_text()))
    assert errors(values) == []


def test_there_are_example_values() -> None:
    assert {p.name for p in EXAMPLES} >= {"production.yaml", "in-cluster.yaml"}


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        # A literal secret where a Secret reference belongs.
        ("secrets.mongodbUrl", "mongodb://root:hunter2@db:27017/", "is not of type 'object'"),
        ("secrets.mongodbUrl.name", "mongodb://root:hunter2@db:27017/", "does not match"),
        ("secrets.stripeApiKey.name", "sk_live_51H8xyzABC", "does not match"),
        ("secrets.stripeApiKey.value", "sk_live_51H8xyzABC", "Additional properties"),
        ("config.extraEnv", {"STRIPE_API_KEY": "sk_live_x"}, "should not be valid"),
        ("serviceDefaults.env", {"DB_PASSWORD": "hunter2"}, "should not be valid"),
        ("ory.kratosAdminUrl", "https://admin:pw@kratos", "does not match"),
        # Bad ports and other plain mistakes.
        ("services.orders.port", 80, "less than the minimum of 1024"),
        ("services.orders.port", 70000, "greater than the maximum of 65535"),
        ("services.orders.port", "8003", "is not of type 'integer'"),
        ("services.orders.ingressPath", "api/orders", "does not match"),
        ("services.billing", {"enabled": True, "port": 8010, "ingressPath": ""}, "Additional"),
        ("config.logLevel", "LOUD", "is not one of"),
        ("podSecurityContext.runAsNonRoot", False, "True was expected"),
        ("securityContext.readOnlyRootFilesystem", False, "True was expected"),
        ("serviceDefaults.resources.limits.memory", "lots", "does not match"),
        ("image.pullPolicy", "Sometimes", "is not one of"),
    ],
)
def test_bad_values_are_rejected_with_a_message(path: str, value: Any, message: str) -> None:
    found = errors(with_(path, value))
    assert found, f"{path}={value!r} was accepted"
    assert any(message in e for e in found), found


LITERAL_SECRET = re.compile(
    r"(://[^/\s:@]+:[^/\s@]+@)"  # credentials in a URL
    r"|(\bsk_(live|test)_[A-Za-z0-9]+)"  # Stripe keys
    r"|((password|secret|token|apikey|api_key)\s*:\s*['\"]?[^'\"\s{}]+)",  # key: literal
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "path",
    [CHART / "values.yaml", *EXAMPLES],
    ids=lambda p: p.name,
)
def test_no_literal_secrets_in_values(path: Path) -> None:
    hits = [
        line.strip()
        for line in path.read_text().splitlines()
        if LITERAL_SECRET.search(line.split("#", 1)[0])
    ]
    assert hits == []


def test_the_secret_detector_works() -> None:
    assert LITERAL_SECRET.search("url: mongodb://root:pw@host/")
    assert LITERAL_SECRET.search("password: hunter2")
    assert not LITERAL_SECRET.search("kratosWebhookSecret: {name: ticketing-kratos-webhook}")


def _lookup(values: Any, dotted: str) -> bool:
    node = values
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


def test_templates_read_only_values_that_exist() -> None:
    used: set[str] = set()
    for template in (CHART / "templates").glob("*"):
        used |= set(
            re.findall(r"\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)", template.read_text())
        )
    assert used, "no .Values references found: the check is broken"
    missing = sorted(p for p in used if not _lookup(VALUES, p))
    assert missing == []


def test_every_service_is_configured_with_its_port_and_prefix() -> None:
    assert {name: svc["port"] for name, svc in VALUES["services"].items()} == SERVICES
    routed = {n: s["ingressPath"] for n, s in VALUES["services"].items() if s["ingressPath"]}
    assert routed == PREFIXES


# --- Dockerfiles ------------------------------------------------------------------------------


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_dockerfile_matches_the_chart(service: str) -> None:
    dockerfile = (ROOT / f"deploy/docker/{service}/Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", dockerfile, re.MULTILINE)
    assert [stage for _, stage in stages] == ["builder", "runtime"]
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", dockerfile, re.MULTILINE)
    # The literal path Pants infers the pex_binary dependency from.
    assert f"COPY src.python.ticketing.{service}/{service}.pex " in dockerfile
    assert re.search(r"^USER 10001:10001$", dockerfile, re.MULTILINE)
    assert re.search(rf"^EXPOSE {SERVICES[service]}$", dockerfile, re.MULTILINE)
    assert f"PORT={SERVICES[service]}" in dockerfile
    assert "HOST=0.0.0.0" in dockerfile
    assert VALUES["podSecurityContext"]["runAsUser"] == 10001


# --- the Ory configuration copy ---------------------------------------------------------------


def test_the_charts_ory_copy_matches_deploy_ory() -> None:
    source = ROOT / "deploy/ory"
    copy_dir = CHART / "files/ory"
    copied = {
        p.relative_to(copy_dir).as_posix(): p.read_bytes()
        for p in copy_dir.rglob("*")
        if p.is_file() and p.name != "README.md"
    }
    if not source.is_dir():
        assert copied == {}, "the chart has Ory files that deploy/ory/ does not"
        pytest.skip("deploy/ory/ is not in this checkout/sandbox yet: nothing to compare")
    original = {
        p.relative_to(source).as_posix(): p.read_bytes()
        for p in source.rglob("*")
        if p.is_file() and p.name != "BUILD"
    }
    assert copied == original, "run deploy/helm/sync-ory-config.sh"


# --- helm template ----------------------------------------------------------------------------


def _helm() -> str:
    helm = shutil.which("helm")
    if helm is None:
        pytest.skip(
            "no `helm` binary on this machine: the chart was checked against its schema and "
            "values only; install helm 3 to render it"
        )
    return helm


def _render(helm: str, tmp_path: Path, *args: str) -> list[dict[str, Any]]:
    chart = tmp_path / "ticketing"
    shutil.copytree(CHART, chart)
    deps = subprocess.run(
        [helm, "dependency", "build", str(chart)], capture_output=True, text=True, check=False
    )
    if deps.returncode != 0:
        pytest.skip(f"`helm dependency build` failed (no network?): {deps.stderr.strip()[-300:]}")
    out = subprocess.run(
        [helm, "template", "ticketing", str(chart), "--namespace", "shop", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def _ours(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {
        d["metadata"]["labels"]["app.kubernetes.io/name"]: d
        for d in docs
        if d["kind"] == kind
        and d["metadata"].get("labels", {}).get("app.kubernetes.io/part-of") == "ticketing"
    }


def test_helm_template_renders_the_platform(tmp_path: Path) -> None:
    docs = _render(_helm(), tmp_path)
    deployments = _ours(docs, "Deployment")
    assert set(deployments) == set(SERVICES)
    assert set(_ours(docs, "Service")) == set(SERVICES)
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        (container,) = pod["containers"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["ports"][0]["containerPort"] == SERVICES[name]
        assert {"requests", "limits"} <= set(container["resources"])
        env = {e["name"]: e for e in container["env"]}
        assert env["HOST"]["value"] == "0.0.0.0"
        for secret in ("MONGODB_URL", "RABBITMQ_URL", "REDIS_URL"):
            assert "value" not in env[secret]
            assert "secretKeyRef" in env[secret]["valueFrom"]
    (ingress,) = (d for d in docs if d["kind"] == "Ingress")
    paths = {
        p["path"]: p["backend"]["service"]["name"]
        for p in ingress["spec"]["rules"][0]["http"]["paths"]
    }
    assert paths == {prefix: f"ticketing-{svc}" for svc, prefix in PREFIXES.items()}
    assert not [d for d in docs if d["kind"] == "HorizontalPodAutoscaler"]


def test_helm_template_with_autoscaling_and_a_bad_value(tmp_path: Path) -> None:
    helm = _helm()
    docs = _render(helm, tmp_path, "--set", "services.orders.autoscaling.enabled=true")
    assert set(_ours(docs, "HorizontalPodAutoscaler")) == {"orders"}
    bad = subprocess.run(
        [helm, "template", "t", str(tmp_path / "ticketing"), "--set", "services.orders.port=80"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode != 0
    assert "port" in bad.stderr
