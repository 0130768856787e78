"""The chart's values and schema, checked by Helm itself: lint, schema refusals, the profile.

Helm validates the coalesced values against values.schema.json before it renders anything, so
a refusal here is what `helm install` prints.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import helm_python as helm
import jsonschema
import pytest
import yaml

from deploy.helm.chart import (
    CHART_DIR,
    DEFAULTS,
    EXAMPLES,
    KUBE_VERSIONS,
    SUBCHARTS,
    example,
    overrides,
    refusal,
)

PORTS = {
    "auth": 8001,
    "tickets": 8002,
    "orders": 8003,
    "payments": 8004,
    "expiration": 8005,
    "moderation": 8006,
    "web": 8007,
}
PREFIXES = {
    "auth": "/api/users",
    "tickets": "/api/tickets",
    "orders": "/api/orders",
    "payments": "/api/payments",
    "moderation": "/api/moderations",
    "web": "/",
}
MISSING_SUBCHARTS = f"chart directory is missing these dependencies: {','.join(SUBCHARTS)}"
FILES = [None, *(p.name for p in EXAMPLES)]


def _values(name: str | None) -> dict[str, Any]:
    return example(name) if name else {}


def test_the_schema_is_valid_draft7() -> None:
    jsonschema.Draft7Validator.check_schema(
        json.loads((CHART_DIR / "values.schema.json").read_text())
    )


def test_the_schema_requires_every_service() -> None:
    # Checked on the schema itself: Helm accepted services.web: null over the defaults.
    schema = json.loads((CHART_DIR / "values.schema.json").read_text())
    values = copy.deepcopy(DEFAULTS)
    del values["services"]["web"]
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(values)]
    assert errors == ["'web' is a required property"]
    assert not list(jsonschema.Draft7Validator(schema).iter_errors(DEFAULTS))


def test_there_are_example_values() -> None:
    assert {p.name for p in EXAMPLES} >= {"production.yaml", "in-cluster.yaml", "dev.yaml"}


@pytest.mark.parametrize("kube", KUBE_VERSIONS)
@pytest.mark.parametrize("name", FILES, ids=lambda n: n or "values.yaml")
def test_helm_lint_strict_finds_nothing_but_the_offline_subcharts(
    name: str | None, kube: str
) -> None:
    report = helm.lint(
        CHART_DIR, _values(name), strict=True, namespace="shop", kube_version=f"v{kube}"
    )
    findings = [m["error"] for m in report["messages"] if m["severity"] >= 2]
    # Only the subcharts Chart.yaml declares are missing (not fetchable offline).
    assert findings == [MISSING_SUBCHARTS], findings


def test_helm_lint_reports_a_broken_template(tmp_path: Path) -> None:
    broken = tmp_path / "ticketing"
    broken.mkdir()
    for path in CHART_DIR.rglob("*"):
        if path.is_file():
            target = broken / path.relative_to(CHART_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    (broken / "templates/broken.yaml").write_text("{{ .Values.nothing.here }}\n")
    report = helm.lint(broken, strict=True)
    assert any("nil pointer" in m["error"] for m in report["messages"] if m["severity"] == 3)


@pytest.mark.parametrize("name", FILES, ids=lambda n: n or "values.yaml")
def test_helm_accepts_the_default_and_example_values(name: str | None) -> None:
    assert refusal(_values(name)) == ""


@pytest.mark.parametrize(
    ("values", "message"),
    [
        # A literal secret where a Secret reference belongs.
        (overrides(secrets__mongodbUrl="mongodb://root:hunter2@db/"), "want object"),
        (overrides(secrets__stripeApiKey__name="sk_live_51H8xyzABC"), "does not match pattern"),
        (overrides(secrets__stripeApiKey__value="sk_live_51H8xyz"), "'value' not allowed"),
        (overrides(config__extraEnv={"STRIPE_API_KEY": "sk_live_x"}), "'not' failed"),
        (overrides(serviceDefaults__env={"DB_PASSWORD": "hunter2"}), "'not' failed"),
        (overrides(config__extraEnv={"TICKETING_PROFILE": "dev"}), "'not' failed"),
        (overrides(config__extraEnv={"API_ROUTES": "{}"}), "'not' failed"),
        (overrides(serviceDefaults__env={"CSRF_SECRET": "x"}), "'not' failed"),
        (overrides(config__stripePublishableKey="sk_live_51H8xyz"), "does not match pattern"),
        (overrides(ory__kratosAdminUrl="https://admin:pw@kratos"), "does not match pattern"),
        # Bad ports and other plain mistakes.
        (overrides(services__orders__port=80), "minimum: got 80, want 1,024"),
        (overrides(services__orders__port="8003"), "got string, want integer"),
        (overrides(services__orders__ingressPath="api/orders"), "does not match pattern"),
        (overrides(services__orders__egress=["postgres"]), "value must be one of"),
        (overrides(services__web__egress=["apis"]), "value must be one of"),
        (overrides(services__billing={"enabled": True}), "'billing' not allowed"),
        (overrides(config__logLevel="LOUD"), "value must be one of"),
        (overrides(serviceDefaults__resources__limits__memory="lots"), "does not match"),
        (overrides(image__pullPolicy="Sometimes"), "value must be one of"),
        # Hardening that values cannot switch off.
        (overrides(podSecurityContext__runAsNonRoot=False), "value must be true"),
        (overrides(securityContext__readOnlyRootFilesystem=False), "value must be true"),
        (overrides(securityContext__allowPrivilegeEscalation=True), "value must be false"),
        (overrides(securityContext__capabilities={"drop": ["NET_RAW"]}), "value must be 'ALL'"),
        (overrides(podSecurityContext__seccompProfile={"type": "Unconfined"}), "must be one of"),
        (overrides(serviceDefaults__disruptionBudget__maxUnavailable=0), "minimum: got 0"),
        # The edge and TLS.
        (overrides(edge__bodySize="1 GB"), "does not match pattern"),
        (overrides(edge__authRatePerSecond=0), "minimum: got 0"),
        (overrides(edge__corsAllowOrigins=["*"]), "does not match pattern"),
        (overrides(ingress__tls={"enabled": True, "secretName": ""}), "minLength: got 0"),
    ],
    ids=lambda v: json.dumps(v) if isinstance(v, dict) else v,
)
def test_helm_refuses_bad_values_with_a_message(values: dict[str, Any], message: str) -> None:
    found = refusal(values)
    assert found, f"{values} was accepted"
    assert message in found, found


# --- the production profile -------------------------------------------------------------------


def test_production_is_the_default_profile() -> None:
    assert DEFAULTS["profile"] == "production"
    assert DEFAULTS["ory"]["enabled"] is True


def test_production_refuses_the_embedded_engine_unless_the_profile_is_dev() -> None:
    found = refusal(overrides(ory__enabled=False))
    assert "at '/ory/enabled': value must be true" in found, found
    assert refusal(overrides(ory__enabled=False, profile="dev")) == ""


@pytest.mark.parametrize("secret", ["stripeApiKey", "kratosWebhookSecret", "webCsrfSecret"])
def test_production_requires_the_secrets_the_services_need(secret: str) -> None:
    values = overrides(**{f"secrets__{secret}": {"name": "", "key": "k"}})
    assert f"at '/secrets/{secret}/name': minLength: got 0, want 1" in refusal(values)
    assert refusal({**values, "profile": "dev"}) == ""


@pytest.mark.parametrize(
    ("url", "server"),
    [("kratosPublicUrl", "kratos"), ("kratosAdminUrl", "kratos"), ("ketoWriteUrl", "keto")],
)
def test_ory_needs_its_urls_or_the_in_chart_server(url: str, server: str) -> None:
    values = overrides(**{f"ory__{url}": ""})
    assert f"at '/ory/{url}': minLength: got 0, want 1" in refusal(values)
    assert refusal({**values, server: {"enabled": True}}) == ""


def test_the_dev_example_is_what_only_the_dev_profile_allows() -> None:
    dev = example("dev.yaml")
    assert dev["profile"] == "dev"
    assert dev["ory"]["enabled"] is False
    assert "value must be true" in refusal({**dev, "profile": "production"})


# --- literal secrets, template references, routing --------------------------------------------

LITERAL_SECRET = re.compile(
    r"(://[^/\s:@]+:[^/\s@]+@)"  # credentials in a URL
    r"|(\bsk_(live|test)_[A-Za-z0-9]+)"  # Stripe keys
    r"|((password|secret|token|apikey|api_key)\s*:\s*['\"]?[^'\"\s{}]+)",  # key: literal
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", [CHART_DIR / "values.yaml", *EXAMPLES], ids=lambda p: p.name)
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
    for template in (CHART_DIR / "templates").glob("*"):
        used |= set(
            re.findall(r"\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)", template.read_text())
        )
    assert used, "no .Values references found: the check is broken"
    assert sorted(p for p in used if not _lookup(DEFAULTS, p)) == []


def test_every_service_is_configured_with_its_port_and_prefix() -> None:
    assert {name: svc["port"] for name, svc in DEFAULTS["services"].items()} == PORTS
    routed = {n: s["ingressPath"] for n, s in DEFAULTS["services"].items() if s["ingressPath"]}
    assert routed == PREFIXES


def test_the_chart_yaml_declares_the_offline_subcharts() -> None:
    chart_yaml = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text())
    assert {d["name"]: d["condition"] for d in chart_yaml["dependencies"]} == {
        name: f"{name}.enabled" for name in SUBCHARTS
    }
    assert not (CHART_DIR / "charts").exists(), "vendored subcharts: render them for real"
