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
import re
from collections.abc import Iterator
from typing import Any, TypeVar
from uuid import uuid4

import httpx
import pytest
import stripe

from deploy.egress import blocked, remote_ports
from deploy.helm.chart import by_service, render, services
from deploy.kube_env import Pod, entrypoint, expand, pods, resolve_env, rewrite_hosts, url_hosts
from deploy.production_shape import DOCKERFILE, LoopbackCluster, loopback_cluster
from ticketing.shared.identity import SESSION_COOKIE
from ticketing.stack.story import listing
from ticketing.stack.stripe_standin import PUBLISHABLE_KEY
from ticketing.testing.polling import poll_until

T = TypeVar("T")
PASSWORD = "correct horse battery staple"


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
        # Every address a process calls is on loopback; PUBLIC_URL is the site's for browsers.
        called = url_hosts({k: v for k, v in member.env.items() if k != "PUBLIC_URL"})
        assert called <= {"127.0.0.1"}, (service, called)
    # The web's API_ROUTES: each routed API prefix to that service's process.
    routed = {n: s["ingressPath"] for n, s in services().items() if s["ingressPath"] != "/"}
    expected = {path: cluster.url(name) for name, path in routed.items() if path}
    assert json.loads(cluster.pods["web"].env["API_ROUTES"]) == expected
    assert cluster.pods["payments"].env["STRIPE_API_KEY"].startswith("sk_")
    assert cluster.pods["web"].env["PUBLIC_URL"] == "https://ticketing.local"  # the Ingress host


class User:
    """Signed up through Kratos, its address verified with the code Kratos' courier mailed
    (production requires a verified address to sign in), then signed in."""

    def __init__(self, cluster: LoopbackCluster, name: str) -> None:
        self.cluster = cluster
        self.email = f"{name}-{uuid4().hex[:6]}@example.com"
        body = {"email": self.email, "password": PASSWORD}
        auth = cluster.url("auth")
        signed_up = httpx.post(f"{auth}/api/users/signup", json=body, timeout=30)
        assert signed_up.status_code == 201, signed_up.text
        assert signed_up.json()["token"] is None  # not before the address is verified
        refused = httpx.post(f"{auth}/api/users/signin", json=body, timeout=30)
        assert refused.status_code == 403, refused.text
        verification = {"email": self.email, "code": poll_until(self._mailed_code)}
        verified = httpx.post(f"{auth}/api/users/verification", json=verification, timeout=30)
        assert verified.status_code == 200, verified.text
        self.signin = httpx.post(f"{auth}/api/users/signin", json=body, timeout=30)
        assert self.signin.status_code == 200, self.signin.text
        self.token = self.signin.json()["token"]

    def _mailed_code(self) -> str | None:
        for mail in reversed(self.cluster.ory.kratos.courier.sent):
            if mail["To"] == self.email:
                found = re.search(r"\b(\d{6})\b", mail.get_content())
                return found.group(1) if found else None
        return None

    def call(self, method: str, service: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        url = f"{self.cluster.url(service)}{path}"
        return httpx.request(method, url, headers=headers, timeout=30, **kwargs)

    def get(self, service: str, path: str) -> dict[str, Any]:
        response = self.call("GET", service, path)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def test_the_user_story_in_production_shape(cluster: LoopbackCluster) -> None:
    try:
        _story(cluster)
    except AssertionError as e:
        e.add_note(cluster.logs())
        raise


def _story(cluster: LoopbackCluster) -> None:
    seller, buyer = User(cluster, "seller"), User(cluster, "buyer")
    # Signed in through Kratos: the session token is the Kratos stand-in's.
    assert seller.token in cluster.ory.kratos.sessions
    # The production profile: the session cookie is sent over HTTPS only.
    (cookie,) = (c for c in seller.signin.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert "secure" in cookie.lower(), cookie

    title = f"Night at the Opera {uuid4().hex[:6]}"
    # Production lets only a seller who can be paid list: a payout account first.
    refused = seller.call("POST", "tickets", "/api/tickets", json=listing(title, "45"))
    assert refused.status_code == 409, refused.text
    assert "set up payouts" in refused.json()["detail"]
    back = {
        "return_url": "https://ticketing.test/payouts",
        "refresh_url": "https://ticketing.test/",
    }
    link = seller.call("POST", "payments", "/api/payments/accounts/me/onboarding", json=back)
    assert link.status_code == 201, link.text
    httpx.get(link.json()["url"], timeout=30)  # the stand-in's onboarding is done at once
    poll_until(lambda: seller.get("payments", "/api/payments/accounts/me")["payouts_enabled"])

    def listed_once_tickets_heard() -> httpx.Response | None:
        response = seller.call("POST", "tickets", "/api/tickets", json=listing(title, "45"))
        return None if response.status_code == 409 else response

    listed = poll_until(listed_once_tickets_heard)
    assert listed.status_code == 201, listed.text
    ticket = listed.json()
    assert ticket["status"] == "waiting_moderation"

    def approved() -> dict[str, Any] | None:
        current = seller.get("tickets", f"/api/tickets/{ticket['id']}")
        return current if current["status"] == "approved" else None

    poll_until(approved)  # moderation's word list passed it
    # The web front end reaches tickets through its API_ROUTES; its CSRF cookie is Secure too.
    page = httpx.get(f"{cluster.url('web')}/", params={"title": title}, timeout=30)
    assert page.status_code == 200, page.text
    assert title in page.text
    (csrf,) = page.headers.get_list("set-cookie")
    assert "secure" in csrf.lower(), csrf

    def ordered() -> httpx.Response | None:
        response = buyer.call("POST", "orders", "/api/orders", json={"ticket_id": ticket["id"]})
        return None if response.status_code in (404, 409) else response  # approval on its way

    order = poll_until(ordered)
    assert order.status_code == 201, order.text
    order_id = order.json()["id"]

    # A card token made as a browser makes it with Stripe.js: with the publishable key.
    client = stripe.StripeClient(PUBLISHABLE_KEY, base_addresses={"api": cluster.stripe_url})
    card: Any = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2040", "cvc": "123"}
    token = client.v1.tokens.create({"card": card}).id

    def paid() -> httpx.Response | None:
        body = {"order_id": order_id, "token": token}
        response = buyer.call("POST", "payments", "/api/payments", json=body)
        return None if response.status_code == 404 else response  # the order on its way

    payment = poll_until(paid)
    assert payment.status_code == 201, payment.text
    assert payment.json()["status"] == "authorized"
    poll_until(lambda: buyer.get("orders", f"/api/orders/{order_id}")["status"] == "complete")
    receipt = f"/api/payments/{payment.json()['id']}"
    poll_until(lambda: buyer.get("payments", receipt)["status"] == "captured")
    # The seller's share, less the fee, is scheduled for after the event.
    [payout] = poll_until(lambda: seller.call("GET", "payments", "/api/payments/payouts").json())
    assert (payout["status"], payout["amount_cents"], payout["net_cents"]) == (
        "scheduled",
        4500,
        4500 - 225 - 30,
    )
    # Permissions went to Keto: the buyer's order is a relation tuple there.
    assert any(t[1] == order_id for t in cluster.ory.keto.tuples)
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
