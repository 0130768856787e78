"""The chart's default install, run on loopback: every Deployment's container as a process
started with the environment Kubernetes would give it (tests/deploy/kube_env.py).

The cluster's names are mapped onto loopback servers by rewriting `host:port` in the resolved
URLs (kube_env.rewrite_hosts); nothing else in the rendered environment changes, except:

- MongoDB, the Secret's mongodb.databases.svc.cluster.local:27017: this test's SecantusDB (a
  MongoDB-wire server; production refuses only an unset MONGODB_URL);
- RabbitMQ, rabbitmq.databases.svc.cluster.local:5672: the local one (RABBITMQ_URL, else
  127.0.0.1:5672), with its credentials in the Secret;
- Redis, redis.databases.svc.cluster.local:6379: the local one (REDIS_URL, else 127.0.0.1:6379);
- Ory, the default `ory.*Url` values: the Kratos stand-in (public and admin on one port) and
  the Keto stand-in (read and write on one port), speaking Ory's REST wire format;
- each Service, `<release>-<service>[.<namespace>.svc[.cluster.local]]:<port>`: that service's
  process (the web's API_ROUTES);
- each container port: a free loopback port, set as PORT (a pod has an address of its own,
  the processes here share one).

Stripe's API cannot be reached, so the test's only values file points `config.stripeApiBase`
at the Stripe stand-in (its own process); `config.requireVerifiedEmail` stays on, and each
user verifies their address with the code the Kratos stand-in's courier mailed. RabbitMQ and
Redis are shared with other tests and checkouts, so the test's own EVENT_EXCHANGE (its queues
are named after it) and Redis key names (EXPIRATION_QUEUE, MODERATION_QUEUE,
SIGN_IN_KEY_PREFIX) replace the rendered or default ones; MONGODB_DATABASE_PREFIX stays as
rendered, as the SecantusDB is this test's alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from uuid import uuid4

import httpx
import redis

from deploy.helm.chart import NAMESPACE, ROOT, Doc, chart, render
from deploy.kube_env import (
    Pod,
    config_maps,
    host_port,
    image_env,
    pods,
    resolve_env,
    rewrite_hosts,
    service_names,
    with_host,
)
from ticketing.stack.servers import (
    EmbeddedMongo,
    free_port,
    missing_servers,
    required_urls,
    stop_process,
)
from ticketing.stack.stripe_standin import STANDIN_KEY, StripeStandInProcess
from ticketing.testing.fixtures import remove_isolation
from ticketing.testing.keto_standin import KetoStandIn
from ticketing.testing.kratos_standin import KratosStandIn
from ticketing.tickets.codes import CodeKeys

DOCKERFILE = ROOT / "deploy/docker/Dockerfile"
T = TypeVar("T")
MONGODB_HOST = "mongodb.databases.svc.cluster.local:27017"
RABBITMQ_HOST = "rabbitmq.databases.svc.cluster.local:5672"
REDIS_HOST = "redis.databases.svc.cluster.local:6379"


class OryStandIns:
    """The Kratos and Keto stand-ins, served from an event loop in a thread of their own, so
    they keep answering while the test blocks on its HTTP calls."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.kratos = KratosStandIn()
        self.keto = KetoStandIn()

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(30)

    def start(self) -> OryStandIns:
        self._thread.start()
        self._run(self.kratos.start())
        self._run(self.keto.start())
        return self

    def stop(self) -> None:
        self._run(self.kratos.stop())
        self._run(self.keto.stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


@dataclass
class PodProcess:
    """One service's container as a process; `port` stands for its container port."""

    pod: Pod
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self, workdir: Path) -> None:
        # What the image's ENTRYPOINT (/app/venv/pex) runs: the pex_binary's entry point.
        command = [sys.executable, "-c", f"from ticketing.{self.pod.service}.app import run; run()"]
        workdir.mkdir(parents=True, exist_ok=True)  # the image's WORKDIR /tmp: no stray .env
        # This interpreter and its import path stand for the image's venv (absolute: each
        # process runs in a work directory of its own).
        path = os.pathsep.join(os.path.abspath(p or ".") for p in sys.path)
        python = {"PYTHONPATH": path, "PATH": os.defpath}
        env = image_env(DOCKERFILE) | self.env | python
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT
            )

    def probe(self, kind: str) -> httpx.Response:
        """The chart's probe as the kubelet makes it: GET its path on the port it names."""
        probe = self.pod.probes[kind]
        assert probe.port == self.pod.port, f"{self.pod.service}: {kind} on port {probe.port}"
        return httpx.get(f"http://127.0.0.1:{self.port}{probe.path}", timeout=5)

    def ready(self) -> bool:
        try:
            return self.probe("readiness").status_code == 200
        except httpx.TransportError:
            return False

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        stop_process(self.process, grace=15)


@dataclass
class LoopbackCluster:
    pods: dict[str, PodProcess]
    ory: OryStandIns
    stripe_url: str
    docs: list[Doc]  # the rendered manifests
    # A loopback port -> what it stands for in a cluster and the pod ports behind that name.
    egress_names: dict[int, tuple[str, set[int]]] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.pods[service].port}"

    def logs(self) -> str:
        return "\n".join(f"--- {p.pod.service}:\n{p.log_tail()}" for p in self.pods.values())

    def wait_ready(self, within: float = 180.0) -> None:
        """Like a Service's endpoints: wait until every readiness probe passes; a process that
        exits (a crash at start) fails at once with its log."""
        deadline = time.monotonic() + within
        waiting = list(self.pods.values())
        while waiting:
            for member in waiting:
                if member.process is not None and member.process.poll() is not None:
                    raise AssertionError(
                        f"{member.pod.service} exited with {member.process.returncode}:\n"
                        + member.log_tail()
                    )
            waiting = [member for member in waiting if not member.ready()]
            if waiting and time.monotonic() > deadline:
                names = ", ".join(m.pod.service for m in waiting)
                raise AssertionError(f"not ready within {within:.0f} s: {names}\n{self.logs()}")
            time.sleep(0.25)


def values(stripe_url: str) -> dict[str, Any]:
    """The test's own values file: only what the defaults cannot do here."""
    return {"config": {"stripeApiBase": stripe_url}}


def secrets(rabbitmq_url: str, redis_url: str) -> dict[str, dict[str, str]]:
    """The Secrets an operator creates (`secrets.*` in values.yaml), with in-cluster URLs."""
    given = {
        "mongodbUrl": f"mongodb://{MONGODB_HOST}/?directConnection=true",
        "rabbitmqUrl": with_host(rabbitmq_url, RABBITMQ_HOST),
        "redisUrl": with_host(redis_url, REDIS_HOST),
        "kratosWebhookSecret": uuid4().hex,
        "stripeApiKey": STANDIN_KEY,
        "ticketCodeKeys": CodeKeys.generate("production-shape"),
        "webCsrfSecret": uuid4().hex + uuid4().hex,
    }
    store: dict[str, dict[str, str]] = {}
    for name, ref in chart().merge_values({})["secrets"].items():
        if ref["name"]:
            store.setdefault(ref["name"], {})[ref["key"]] = given[name]
    return store


@contextlib.contextmanager
def loopback_cluster(tmp: Path, runner: type[PodProcess] = PodProcess) -> Iterator[LoopbackCluster]:
    """Start the servers, the stand-ins and every service's pod (a `runner`: a process, or a
    container of its image); yield them ready."""
    if missing := missing_servers(os.environ):
        raise RuntimeError("the production-shape test cannot start: " + "; ".join(missing))
    urls = required_urls(os.environ)
    rabbitmq_url, redis_url = urls["RabbitMQ"], urls["Redis"]
    tag = f"prodshape{uuid4().hex[:10]}"
    with contextlib.ExitStack() as stack:
        mongo = EmbeddedMongo().start(log_path=tmp / "secantusdb.log")
        stack.callback(mongo.stop)
        stripe = StripeStandInProcess().start(log_path=tmp / "stripe.log")
        stack.callback(stripe.stop)
        ory = OryStandIns().start()
        stack.callback(ory.stop)

        docs = render(values(stripe.url))
        rendered = pods(docs)
        ports = {service: free_port() for service in rendered}
        kratos, keto = host_port(ory.kratos.url), host_port(ory.keto.url)
        ory_values = chart().merge_values({})["ory"]
        hosts = {
            MONGODB_HOST: host_port(mongo.url),
            RABBITMQ_HOST: host_port(rabbitmq_url),
            REDIS_HOST: host_port(redis_url),
            host_port(ory_values["kratosPublicUrl"]): kratos,
            host_port(ory_values["kratosAdminUrl"]): kratos,
            host_port(ory_values["ketoReadUrl"]): keto,
            host_port(ory_values["ketoWriteUrl"]): keto,
        }
        service_of = service_names(docs, rendered, NAMESPACE)
        for name, service in service_of.items():
            hosts[name] = f"127.0.0.1:{ports[service]}"
        isolation = {
            "EVENT_EXCHANGE": tag,
            "EXPIRATION_QUEUE": f"{tag}:expirations",
            "MODERATION_QUEUE": f"{tag}:moderation",
            "SIGN_IN_KEY_PREFIX": f"{tag}:signin",
        }
        store, maps = secrets(rabbitmq_url, redis_url), config_maps(docs)
        cluster = LoopbackCluster(
            {}, ory, stripe.url, docs, _egress_names(hosts, service_of, rendered)
        )
        cluster.egress_names[urlsplit(stripe.url).port or 0] = ("Stripe's API", {443})
        for service, pod in rendered.items():
            env = {k: rewrite_hosts(v, hosts) for k, v in resolve_env(pod, store, maps).items()}
            if "EVENT_EXCHANGE" in env:  # a service with the event bus (not the web)
                env |= isolation
            env |= {"PORT": str(ports[service])}
            cluster.pods[service] = runner(pod, ports[service], env, tmp / f"{service}.log")
        stack.callback(cleanup, Urls(mongo.url, rabbitmq_url, redis_url), tag)
        for member in cluster.pods.values():
            stack.callback(member.stop)
            member.start(tmp / "workdir" / member.pod.service)
        cluster.wait_ready()
        yield cluster


def _egress_names(
    hosts: dict[str, str], service_of: dict[str, str], rendered: dict[str, Pod]
) -> dict[int, tuple[str, set[int]]]:
    """Each loopback port's in-cluster name and pod ports. Ory's own charts serve Kratos' public
    and admin APIs on pod ports 4433 and 4434 and Keto's read and write on 4466 and 4467, behind
    Services on port 80; one stand-in port serves both of a pair, so either port will do."""
    ory = {"kratos": {4433, 4434}, "keto": {4466, 4467}}
    names: dict[int, tuple[str, set[int]]] = {}
    for name, loopback in hosts.items():
        host, port = name.rsplit(":", 1)
        if host.startswith(("kratos", "keto")):
            pod_ports = ory[host.split("-")[0]]
        else:
            service = service_of.get(name)  # a Service: its pods' container port
            pod_ports = {rendered[service].port if service else int(port)}
        names.setdefault(int(loopback.rsplit(":", 1)[1]), (name, pod_ports))
    return names


@dataclass(frozen=True)
class Urls:
    mongodb_url: str
    rabbitmq_url: str
    redis_url: str


def cleanup(servers: Urls, tag: str) -> None:
    """Remove the test's exchange, queues and Redis keys from the shared servers."""
    asyncio.run(remove_isolation(servers, tag))
    client = redis.Redis.from_url(servers.redis_url)
    for key in client.scan_iter(f"{tag}*"):
        client.delete(key)
    client.close()
