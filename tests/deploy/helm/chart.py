"""The chart (deploy/helm/ticketing) loaded and rendered by Helm's own Go library, in-process.

helm-python-sdk binds Helm v4's SDK: `Chart.render` coalesces values, validates them against
values.schema.json and renders the templates exactly as `helm template` does. The subcharts
named in Chart.yaml are not vendored and cannot be fetched here (no network), so every render
is without them: the chart's own objects, including what wires the subcharts in when enabled.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import yaml

RELEASE = "ticketing"
NAMESPACE = "shop"

Doc = dict[str, Any]


def _root() -> Path:
    for parent in Path(__file__).resolve().parents:
        if (parent / "deploy/helm/ticketing/Chart.yaml").is_file():
            return parent
    raise RuntimeError("deploy/helm/ticketing is not in this sandbox (BUILD: deploy/helm:chart)")


ROOT = _root()
CHART_DIR = ROOT / "deploy/helm/ticketing"
EXAMPLES = sorted((ROOT / "deploy/helm/examples").glob("*.yaml"))
METADATA = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text())
DEFAULTS: dict[str, Any] = yaml.safe_load((CHART_DIR / "values.yaml").read_text())
SUBCHARTS = [dep["name"] for dep in METADATA["dependencies"]]


def _oldest_kubernetes() -> str:
    match = re.fullmatch(r">=\s*(\d+\.\d+\.\d+)(-0)?", METADATA["kubeVersion"])
    assert match, f"kubeVersion {METADATA['kubeVersion']!r} is not a lower bound"
    return match.group(1)


# The oldest Kubernetes the chart claims (Chart.yaml kubeVersion) and the newest with schemas.
KUBE_VERSIONS = (_oldest_kubernetes(), kubernetes_validate.latest_version())

OFFLINE_NOTE = (
    f"helm: Helm SDK {helm.helm_sdk_version()} in-process; subcharts "
    f"{', '.join(SUBCHARTS)} are not vendored and cannot be fetched offline: rendered without "
    "them, their wiring (env, NetworkPolicy peers, values) checked instead"
)


@functools.cache
def chart() -> helm.Chart:
    return helm.Chart.load(CHART_DIR)


def example(name: str) -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load((ROOT / "deploy/helm/examples" / name).read_text())
    return values


def overrides(**dotted: Any) -> dict[str, Any]:
    """A values file setting the given paths (`services__orders__port=80`, `__` for a dot)."""
    values: dict[str, Any] = {}
    for path, value in dotted.items():
        *parents, last = path.split("__")
        node = values
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = copy.deepcopy(value)
    return values


def refusal(values: dict[str, Any]) -> str:
    """Helm's message refusing `values` (over the chart's defaults); '' when it accepts them."""
    try:
        chart().validate_schema(chart().merge_values(values))
    except helm.HelmValuesError as e:
        return str(e)
    return ""


def render(values: dict[str, Any] | None = None) -> list[Doc]:
    """Every object the chart renders for `values` (over its defaults), as `helm template`."""
    manifests = chart().render(values or {}, name=RELEASE, namespace=NAMESPACE, is_install=True)
    return [
        doc
        for path, text in sorted(manifests.items())
        if not path.endswith("NOTES.txt")
        for doc in yaml.safe_load_all(text)
        if doc
    ]


def by_service(docs: list[Doc], kind: str) -> dict[str, Doc]:
    """The objects of one kind that belong to a service, by service name."""
    return {
        d["metadata"]["labels"]["app.kubernetes.io/name"]: d
        for d in docs
        if d["kind"] == kind and "app.kubernetes.io/name" in d["metadata"].get("labels", {})
    }


def named(docs: list[Doc], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def env_of(deployment: Doc) -> list[dict[str, Any]]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env: list[dict[str, Any]] = container["env"]
    return env


def services(values: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The services as the chart sees them (defaults coalesced with `values`)."""
    merged: dict[str, dict[str, Any]] = chart().merge_values(values or {})["services"]
    return merged
