"""What a pod of the chart would run, read from the rendered manifests and resolved the way
Kubernetes resolves it: each Deployment's container (port, probes, no command override, so the
image's ENTRYPOINT runs), its environment with Secret and ConfigMap references looked up and
$(VAR) references expanded, and the Services that name its port in the cluster's DNS.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

Doc = dict[str, Any]
# Secret (or ConfigMap) name -> key -> value.
Store = Mapping[str, Mapping[str, str]]
DEFAULT_PORTS = {"http": 80, "https": 443, "amqp": 5672, "amqps": 5671, "redis": 6379}
DEFAULT_PORTS |= {"rediss": 6379, "mongodb": 27017}
# scheme://[userinfo@]host[:port]: enough for the URLs (and the JSON of URLs) the chart renders.
URL = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<userinfo>[^@/?#\s\"]*@)?"
    r"(?P<host>[A-Za-z0-9.-]+)(?::(?P<port>\d+))?"
)


@dataclass(frozen=True)
class Probe:
    path: str
    port: int  # the container port the probe names


@dataclass(frozen=True)
class Pod:
    """The one container of a service's Deployment, as rendered."""

    service: str
    env: list[Doc]
    env_from: list[Doc]
    port: int
    probes: dict[str, Probe]  # "liveness", "readiness"


def _probe(probe: Doc, ports: Mapping[str, int]) -> Probe:
    assert "httpGet" in probe, probe  # the chart's probes are HTTP GETs
    get = probe["httpGet"]
    assert get.get("scheme", "HTTP") == "HTTP", get
    assert not get.get("httpHeaders"), get
    port = get["port"]
    return Probe(get["path"], ports[port] if isinstance(port, str) else int(port))


def pods(docs: list[Doc]) -> dict[str, Pod]:
    """Each Deployment's container by service name (app.kubernetes.io/name)."""
    found = {}
    for doc in docs:
        if doc["kind"] != "Deployment":
            continue
        (container,) = doc["spec"]["template"]["spec"]["containers"]
        # No command or args: the image's ENTRYPOINT runs, the service's pex entry point.
        assert "command" not in container, container["name"]
        assert "args" not in container, container["name"]
        ports = {p["name"]: int(p["containerPort"]) for p in container["ports"]}
        service = doc["metadata"]["labels"]["app.kubernetes.io/name"]
        found[service] = Pod(
            service=service,
            env=container.get("env", []),
            env_from=container.get("envFrom", []),
            port=ports["http"],
            probes={
                "liveness": _probe(container["livenessProbe"], ports),
                "readiness": _probe(container["readinessProbe"], ports),
            },
        )
    return found


def service_names(docs: list[Doc], pods: Mapping[str, Pod], namespace: str) -> dict[str, str]:
    """Each Service's `host:port` (short and qualified DNS names) -> the service whose pods its
    selector picks (by app.kubernetes.io/name); its targetPort must be their container port."""
    found = {}
    for doc in docs:
        if doc["kind"] != "Service":
            continue
        service = doc["spec"]["selector"]["app.kubernetes.io/name"]
        name = doc["metadata"]["name"]
        for port in doc["spec"]["ports"]:
            target = port["targetPort"]
            assert target in ("http", pods[service].port), f"{name}: targetPort {target}"
            for host in (name, f"{name}.{namespace}.svc", f"{name}.{namespace}.svc.cluster.local"):
                found[f"{host}:{port['port']}"] = service
    return found


def expand(value: str, defined: Mapping[str, str]) -> str:
    """Kubernetes' $(VAR) expansion: a variable defined earlier is replaced, an undefined one is
    left as written, and $$ is a literal $ (so $$(VAR) stays $(VAR))."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return defined.get(match.group(1), match.group(0))

    return re.sub(r"\$\$|\$\(([^)]*)\)", replace, value)


def resolve_env(pod: Pod, secrets: Store, config_maps: Store) -> dict[str, str]:
    """The container's environment as the kubelet builds it: envFrom first, then env in order
    (later entries win); only `value` fields are expanded. A reference to a Secret or key that
    does not exist fails here, as the pod would fail to start."""
    env: dict[str, str] = {}
    for source in pod.env_from:
        ref, store = (
            (source["secretRef"], secrets)
            if "secretRef" in source
            else (source["configMapRef"], config_maps)
        )
        env |= {source.get("prefix", "") + k: v for k, v in store[ref["name"]].items()}
    for entry in pod.env:
        if "value" in entry:
            env[entry["name"]] = expand(str(entry["value"]), env)
            continue
        value_from = entry["valueFrom"]
        if "secretKeyRef" in value_from:
            ref, store = value_from["secretKeyRef"], secrets
        elif "configMapKeyRef" in value_from:
            ref, store = value_from["configMapKeyRef"], config_maps
        else:
            raise AssertionError(f"{pod.service}: unsupported valueFrom {value_from}")
        env[entry["name"]] = store[ref["name"]][ref["key"]]
    return env


def config_maps(docs: list[Doc]) -> dict[str, dict[str, str]]:
    return {d["metadata"]["name"]: d.get("data", {}) for d in docs if d["kind"] == "ConfigMap"}


def rewrite_hosts(value: str, hosts: Mapping[str, str]) -> str:
    """Every URL in `value` whose `host:port` (the scheme's default port if none is written) is
    in `hosts` gets the mapped `host:port` instead; credentials, path and query stay."""

    def replace(match: re.Match[str]) -> str:
        scheme, host = match.group("scheme"), match.group("host")
        port = match.group("port") or str(DEFAULT_PORTS.get(scheme, ""))
        mapped = hosts.get(f"{host}:{port}")
        if mapped is None:
            return match.group(0)
        return f"{scheme}://{match.group('userinfo') or ''}{mapped}"

    return URL.sub(replace, value)


def url_hosts(env: Mapping[str, str]) -> set[str]:
    """The hosts of every URL in the environment's values."""
    return {m.group("host") for value in env.values() for m in URL.finditer(value)}


def image_env(dockerfile: Path) -> dict[str, str]:
    """The runtime stage's ENV as literal values. Values that refer to build arguments or the
    image's own PATH (PORT=${PORT}, PATH=/app/venv/bin:$PATH) are left out: the rendered env
    sets PORT, and the venv's place is taken by the test's interpreter and PYTHONPATH."""
    text = dockerfile.read_text().replace("\\\n", " ")
    runtime = text.rsplit("\nFROM ", 1)[1]
    env: dict[str, str] = {}
    for line in runtime.splitlines():
        if line.startswith("ENV "):
            for word in shlex.split(line[4:]):
                name, _, value = word.partition("=")
                if "$" not in value:
                    env[name] = value
    return env


def entrypoint(dockerfile: Path) -> list[str]:
    (line,) = (ln for ln in dockerfile.read_text().splitlines() if ln.startswith("ENTRYPOINT "))
    words: list[str] = json.loads(line.removeprefix("ENTRYPOINT "))  # the exec form
    return words


def host_port(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or DEFAULT_PORTS[parts.scheme]}"


def with_host(url: str, hostport: str) -> str:
    """`url` with its host and port replaced (credentials, path and query kept)."""
    parts = urlsplit(url)
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{hostport}" if userinfo else hostport
    return urlunsplit(parts._replace(netloc=netloc))
