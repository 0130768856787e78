"""NetworkPolicies: the release's pods deny everything but DNS, their own dependencies and,
for routed services, the ingress controller (and, for the routed API services, the web)."""

from __future__ import annotations

from typing import Any

from deploy.helm.chart import RELEASE, Doc, by_service, example, named, render, services

DNS = {"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}
INGRESS_NAMESPACE = {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}

# What each service's code connects to (shared/platform.py: MongoDB, RabbitMQ, identity and
# permissions for all; arq jobs on Redis in expiration and moderation, auth's sign-in throttle
# on Redis; Stripe, the classifier).
# The web front end calls only the routed API services. A new service needs a line here.
NEEDS = {
    "auth": {"mongodb", "rabbitmq", "redis", "ory"},
    "tickets": {"mongodb", "rabbitmq", "ory"},
    "orders": {"mongodb", "rabbitmq", "ory"},
    "payments": {"mongodb", "rabbitmq", "ory", "internet"},
    "expiration": {"mongodb", "rabbitmq", "redis", "ory"},
    "moderation": {"mongodb", "rabbitmq", "redis", "ory", "internet"},
    "web": {"api"},
}
# The routed API services (ingressPath /api...) and their ports: what `api` reaches.
API_PORTS = {"auth": 8001, "moderation": 8006, "orders": 8003, "payments": 8004, "tickets": 8002}
# External servers by port (values.yaml networkPolicy.external) and the internet on 443.
EXTERNAL_PORTS = {
    "mongodb": [27017],
    "rabbitmq": [5671, 5672],
    "redis": [6379, 6380],
    "ory": [4433, 4434, 4466, 4467],
    "internet": [443],
}


def _ports(rule: dict[str, Any]) -> list[int]:
    assert all(p["protocol"] == "TCP" for p in rule["ports"])
    return [p["port"] for p in rule["ports"]]


def _peer(name: str) -> dict[str, Any]:
    """The pods of a service (or subchart) of the release, as a NetworkPolicy peer."""
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": RELEASE}
    return {"podSelector": {"matchLabels": labels}}


def _api_rules(names: list[str]) -> list[dict[str, Any]]:
    """Egress to these API services' pods, one rule each on its own port (sorted by name)."""
    return [
        {"to": [_peer(n)], "ports": [{"port": API_PORTS[n], "protocol": "TCP"}]}
        for n in sorted(names)
    ]


def _egress_by_kind(policy: Doc) -> dict[str, Any]:
    """The egress rules after DNS, keyed by what they reach (told apart by port); the rules to
    the release's API services' pods, a list, under "api"."""
    dns, *rules = policy["spec"]["egress"]
    assert {k: v for k, v in dns.items() if k == "ports"} == DNS
    (peer,) = dns["to"]
    assert peer["namespaceSelector"] == {
        "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
    }
    assert peer["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}
    kinds: dict[str, Any] = {}
    for rule in rules:
        if any(rule.get("to") == [_peer(n)] for n in API_PORTS):
            kinds.setdefault("api", []).append(rule)
            continue
        (kind,) = [k for k, ports in EXTERNAL_PORTS.items() if _ports(rule)[0] in ports] or [
            "in-chart"
        ]
        assert kind not in kinds, (kind, rules)
        kinds[kind] = rule
    return kinds


def test_default_deny_selects_every_pod_of_the_release() -> None:
    docs = render()
    deny = named(docs, "NetworkPolicy")[f"{RELEASE}-default-deny"]
    assert deny["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert "ingress" not in deny["spec"]
    assert "egress" not in deny["spec"]
    selector = deny["spec"]["podSelector"]["matchLabels"]
    for name, deployment in by_service(docs, "Deployment").items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items(), name


def test_the_values_state_what_the_code_needs() -> None:
    assert {name: set(svc["egress"]) for name, svc in services().items()} == NEEDS


def test_each_service_reaches_only_dns_and_its_dependencies() -> None:
    policies = by_service(render(), "NetworkPolicy")
    assert sorted(policies) == sorted(NEEDS)
    for name, policy in policies.items():
        assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
        assert policy["spec"]["podSelector"]["matchLabels"] == {
            "app.kubernetes.io/name": name,
            "app.kubernetes.io/instance": RELEASE,
        }
        rules = _egress_by_kind(policy)
        assert set(rules) == NEEDS[name], name
        if "api" in rules:
            assert rules.pop("api") == _api_rules(list(API_PORTS)), name
        for kind, rule in rules.items():
            assert _ports(rule) == EXTERNAL_PORTS[kind], (name, kind)
        for kind in {"mongodb", "rabbitmq", "redis"} & set(rules):
            assert "to" not in rules[kind]  # default: external servers, any address
        if "ory" in rules:
            assert rules["ory"]["to"] == [
                {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ory"}}}
            ]


def test_the_web_reaches_exactly_the_routed_api_services() -> None:
    (_, *rules) = by_service(render(), "NetworkPolicy")["web"]["spec"]["egress"]
    assert rules == _api_rules(list(API_PORTS))


def test_the_internet_is_https_outside_private_ranges() -> None:
    policies = by_service(render(), "NetworkPolicy")
    for name in ("payments", "moderation"):
        (peer,) = _egress_by_kind(policies[name])["internet"]["to"]
        assert peer == {
            "ipBlock": {
                "cidr": "0.0.0.0/0",
                "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
            }
        }


SCRAPES = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}


def _callers(policy: Doc) -> list[Doc]:
    """Who may connect, besides Prometheus' scrapes (tests/deploy/helm/test_telemetry.py)."""
    return [rule for rule in policy["spec"].get("ingress", []) if rule["from"] != [SCRAPES]]


def test_the_ingress_controller_reaches_routed_services_and_the_web_the_api() -> None:
    policies = by_service(render(), "NetworkPolicy")
    for name, svc in services().items():
        ingress = _callers(policies[name])
        if not svc["ingressPath"]:
            assert ingress == [], name  # expiration: nothing but scrapes may connect
            continue
        ports = [{"port": svc["port"], "protocol": "TCP"}]
        from_controller = {"from": [{"namespaceSelector": INGRESS_NAMESPACE}], "ports": ports}
        from_web = [{"from": [_peer("web")], "ports": ports}] if name in API_PORTS else []
        assert ingress == [from_controller, *from_web], name
    assert len(_callers(policies["web"])) == 1  # the web: only the controller


def test_the_web_policies_follow_the_services_values() -> None:
    policies = by_service(render({"services": {"moderation": {"enabled": False}}}), "NetworkPolicy")
    (_, *rules) = policies["web"]["spec"]["egress"]
    assert rules == _api_rules(["auth", "orders", "payments", "tickets"])
    # Without the web, the API services accept only the ingress controller.
    policies = by_service(render({"services": {"web": {"enabled": False}}}), "NetworkPolicy")
    assert "web" not in policies
    for name in API_PORTS:
        (rule,) = _callers(policies[name])
        assert rule["from"] == [{"namespaceSelector": INGRESS_NAMESPACE}], name


def _pods_reached(policy: Doc) -> dict[str, list[int]]:
    """In-chart servers and services an egress policy reaches (by pod name label), with their
    ports; fails on any rule after DNS that is neither that nor the internet."""
    reached = {}
    for rule in policy["spec"]["egress"][1:]:
        (peer,) = rule["to"]
        if "ipBlock" in peer:
            assert _ports(rule) == EXTERNAL_PORTS["internet"]
            continue
        assert set(peer) == {"podSelector"}, rule
        labels = peer["podSelector"]["matchLabels"]
        assert labels["app.kubernetes.io/instance"] == RELEASE
        reached[labels["app.kubernetes.io/name"]] = _ports(rule)
    return reached


IN_CHART_PORTS = {
    "mongodb": [27017],
    "rabbitmq": [5672],
    "redis": [6379],
    "kratos": [4433, 4434],
    "keto": [4466, 4467],
}


def _expected_pods(name: str, in_chart_ory: bool) -> dict[str, list[int]]:
    """The pods a service reaches when every server it needs is in-chart (Ory if asked)."""
    servers = NEEDS[name] - {"ory", "internet", "api"}
    if in_chart_ory and "ory" in NEEDS[name]:
        servers |= {"kratos", "keto"}
    api = {n: [port] for n, port in API_PORTS.items()} if "api" in NEEDS[name] else {}
    return {s: IN_CHART_PORTS[s] for s in servers} | api


def test_in_chart_servers_are_reached_by_their_pod_labels() -> None:
    policies = by_service(render(example("in-cluster.yaml")), "NetworkPolicy")
    for name, policy in policies.items():
        assert _pods_reached(policy) == _expected_pods(name, in_chart_ory=True), name
    # In-chart Kratos calls auth's registration web hook; the web calls auth's API.
    from_ingress, from_kratos, from_web = _callers(policies["auth"])
    assert from_ingress["from"] == [{"namespaceSelector": INGRESS_NAMESPACE}]
    assert from_web == {"from": [_peer("web")], "ports": [{"port": 8001, "protocol": "TCP"}]}
    assert from_kratos == {
        "from": [
            {
                "podSelector": {
                    "matchLabels": {
                        "app.kubernetes.io/name": "kratos",
                        "app.kubernetes.io/instance": RELEASE,
                    }
                }
            }
        ],
        "ports": [{"port": 8001, "protocol": "TCP"}],
    }


def test_the_embedded_engine_reaches_no_ory() -> None:
    # dev.yaml: no Ory; MongoDB, RabbitMQ and Redis in-chart.
    for name, policy in by_service(render(example("dev.yaml")), "NetworkPolicy").items():
        assert _pods_reached(policy) == _expected_pods(name, in_chart_ory=False), name


def test_network_policies_can_be_left_to_the_cluster() -> None:
    assert named(render({"networkPolicy": {"enabled": False}}), "NetworkPolicy") == {}
