"""The chart's pods played by `podman kube play --network host`, behind the edge (#28).

The chart is rendered with the values for this machine (deploy/helm/examples/podman.yaml) and
this test's overrides: every port a free one, the stand-ins' addresses, the test's own event
exchange and Redis keys, and its own Secret names (podman secrets are shared by the machine).
The Secrets an operator would create are made as podman secrets, and only the Deployments are
played: podman has no Services, NetworkPolicies, Ingress, PodDisruptionBudgets or autoscalers.
Two changes are made to them: podman 4.3 refuses a container port on the host's network, so
the `ports` are dropped and the probes name their port by number; and there is no cluster DNS,
so a Service's name in an environment value (the web front end's API_ROUTES) becomes the host's
address, where host networking puts the Service's pods on the same port. The edge (the stack's
nginx, configured from the routing table the chart's Ingress is tested against) stands in for
the Ingress controller, in front of the played pods.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import yaml

from deploy.containers import podman
from deploy.helm.chart import NAMESPACE, Doc, chart, example
from deploy.kube_env import host_port, pods, rewrite_hosts, service_names
from deploy.production_shape import OryStandIns, Urls, cleanup
from ticketing.stack.edge import Edge
from ticketing.stack.edge_config import ROUTES
from ticketing.stack.servers import EmbeddedMongo, free_port, missing_servers, required_urls
from ticketing.stack.stripe_standin import STANDIN_KEY, StripeStandInProcess
from ticketing.tickets.codes import CodeKeys

VALUES_FILE = "podman.yaml"


@dataclass
class PlayedChart:
    release: str
    docs: list[Doc]  # what was played
    ports: dict[str, int]  # service -> its port on the host
    edge: Edge
    ory: OryStandIns
    stripe_url: str

    def url(self, service: str) -> str:
        """Every call goes through the edge, as through the Ingress."""
        return self.edge.url

    def container(self, service: str) -> str:
        """The container kube play made for the service's Deployment (its one replica)."""
        return f"{self.release}-{service}-pod-0-{service}"

    def probe(self, service: str, kind: str) -> httpx.Response:
        """The Deployment's probe as the kubelet makes it, on the pod's port."""
        (deployment,) = (d for d in self.docs if d["metadata"]["name"].endswith(f"-{service}"))
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        get = container[f"{kind}Probe"]["httpGet"]
        return httpx.get(f"http://127.0.0.1:{get['port']}{get['path']}", timeout=5)

    def logs(self) -> str:
        tails = [podman("logs", "--tail", "30", self.container(s), check=False) for s in self.ports]
        return "\n".join(
            f"--- {s}:\n{t.stdout}{t.stderr}" for s, t in zip(self.ports, tails, strict=True)
        )

    def wait_ready(self, within: float = 240.0) -> None:
        deadline = time.monotonic() + within
        waiting = list(self.ports)
        while waiting:
            waiting = [s for s in waiting if not self._ready(s)]
            if waiting and time.monotonic() > deadline:
                raise AssertionError(f"not ready within {within:.0f} s: {waiting}\n{self.logs()}")
            time.sleep(0.5)

    def _ready(self, service: str) -> bool:
        try:
            return self.probe(service, "readiness").status_code == 200
        except httpx.TransportError:
            return False


def machine_values(release: str, ports: dict[str, int], addresses: dict[str, str]) -> Doc:
    """The values file for this machine with the test's ports, addresses and names."""
    values = copy.deepcopy(example(VALUES_FILE))
    values["config"]["stripeApiBase"] = addresses["stripe"]
    values["config"]["eventExchange"] = release
    for url in ("kratosPublicUrl", "kratosAdminUrl"):
        values["ory"][url] = addresses["kratos"]
    for url in ("ketoReadUrl", "ketoWriteUrl"):
        values["ory"][url] = addresses["keto"]
    isolation = {
        "EXPIRATION_QUEUE": f"{release}:expirations",
        "MODERATION_QUEUE": f"{release}:moderation",
        "SIGN_IN_KEY_PREFIX": f"{release}:signin",
    }
    for service, port in ports.items():
        entry = values["services"].setdefault(service, {})
        entry["port"] = port
        if service != "web":
            entry["env"] = isolation
    defaults = chart().merge_values({})["secrets"]
    values["secrets"] = {
        name: {"name": f"{release}-{name.lower()}" if ref["name"] else "", "key": ref["key"]}
        for name, ref in defaults.items()
    }
    return values


def playable(docs: list[Doc]) -> list[Doc]:
    """The Deployments, as podman 4.3 plays them on the host's network (see the docstring)."""
    services = service_names(docs, pods(docs), NAMESPACE)
    hosts = {name: f"127.0.0.1:{name.rsplit(':', 1)[1]}" for name in services}
    played = []
    for doc in docs:
        if doc["kind"] != "Deployment":
            continue
        doc = copy.deepcopy(doc)
        for container in doc["spec"]["template"]["spec"]["containers"]:
            for entry in container["env"]:
                if "value" in entry:
                    entry["value"] = rewrite_hosts(str(entry["value"]), hosts)
            ports = {p["name"]: p["containerPort"] for p in container.pop("ports")}
            for probe in ("livenessProbe", "readinessProbe"):
                get = container[probe]["httpGet"]
                get["port"] = ports.get(get["port"], get["port"])
        played.append(doc)
    return played


def make_secrets(values: Doc, given: dict[str, str]) -> list[str]:
    """The Secrets the values name, as podman secrets (a JSON object of base64 values: what
    podman 4.3's secretKeyRef reads); their names."""
    store: dict[str, dict[str, str]] = {}
    for name, ref in values["secrets"].items():
        if ref["name"]:
            encoded = base64.b64encode(given[name].encode()).decode()
            store.setdefault(ref["name"], {})[ref["key"]] = encoded
    for secret, data in store.items():
        podman("secret", "rm", secret, check=False)
        podman("secret", "create", secret, "-", input=json.dumps(data))
    return list(store)


@contextlib.contextmanager
def played_chart(tmp: Path) -> Iterator[PlayedChart]:
    if missing := missing_servers(os.environ):
        raise RuntimeError("the played chart cannot start: " + "; ".join(missing))
    urls = required_urls(os.environ)
    release = f"ticketing-{uuid4().hex[:8]}"
    with contextlib.ExitStack() as stack:
        mongo = EmbeddedMongo().start(log_path=tmp / "secantusdb.log")
        stack.callback(mongo.stop)
        stripe = StripeStandInProcess().start(log_path=tmp / "stripe.log")
        stack.callback(stripe.stop)
        ory = OryStandIns().start()
        stack.callback(ory.stop)
        stack.callback(cleanup, Urls(mongo.url, urls["RabbitMQ"], urls["Redis"]), release)

        ports = {service: free_port() for service in chart().merge_values({})["services"]}
        addresses = {"stripe": stripe.url, "kratos": ory.kratos.url, "keto": ory.keto.url}
        values = machine_values(release, ports, addresses)
        given = {
            "mongodbUrl": f"mongodb://{host_port(mongo.url)}/?directConnection=true",
            "rabbitmqUrl": urls["RabbitMQ"],
            "redisUrl": urls["Redis"],
            "kratosWebhookSecret": uuid4().hex,
            "stripeApiKey": STANDIN_KEY,
            "ticketCodeKeys": CodeKeys.generate("played"),
            "webCsrfSecret": uuid4().hex + uuid4().hex,
        }
        for secret in make_secrets(values, given):
            stack.callback(podman, "secret", "rm", secret, check=False)
        manifests = chart().render(values, name=release, namespace=NAMESPACE, is_install=True)
        rendered = [
            doc
            for path, text in sorted(manifests.items())
            if not path.endswith("NOTES.txt")
            for doc in yaml.safe_load_all(text)
            if doc
        ]
        docs = playable(rendered)
        manifest = tmp / "played.yaml"
        manifest.write_text(yaml.safe_dump_all(docs))
        stack.callback(podman, "kube", "down", str(manifest), check=False)
        podman("kube", "play", "--network", "host", str(manifest))

        routed = {service: f"http://127.0.0.1:{ports[service]}" for service in ROUTES.values()}
        edge = Edge(routed, tmp / "edge").start()
        stack.callback(edge.stop)
        played = PlayedChart(release, docs, ports, edge, ory, stripe.url)
        played.wait_ready()
        yield played


def played_spec(played: PlayedChart, service: str) -> dict[str, Any]:
    """What podman made of the service's container: its inspect document."""
    (found,) = json.loads(podman("container", "inspect", played.container(service)).stdout)
    return dict(found)
