"""NetworkPolicies: the release's pods deny everything but DNS, their own dependencies and,
for routed services, the ingress controller."""

from __future__ import annotations

from typing import Any

from deploy.helm.chart import RELEASE, Doc, by_service, example, named, render, services

DNS = {"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}
INGRESS_NAMESPACE = {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}

# What each service's code connects to (shared/platform.py: MongoDB, RabbitMQ, identity and
# permissions for all; arq jobs on Redis in expiration and moderation; Stripe, the classifier).
# A new service needs a line here.
NEEDS = {
    "auth": {"mongodb", "rabbitmq", "ory"},
    "tickets": {"mongodb", "rabbitmq", "ory"},
    "orders": {"mongodb", "rabbitmq", "ory"},
    "payments": {"mongodb", "rabbitmq", "ory", "internet"},
    "expiration": {"mongodb", "rabbitmq", "redis", "ory"},
    "moderation": {"mongodb", "rabbitmq", "redis", "ory", "internet"},
}
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


def _egress_by_kind(policy: Doc) -> dict[str, dict[str, Any]]:
    """The egress rules after DNS, keyed by what they reach (told apart by port)."""
    dns, *rules = policy["spec"]["egress"]
    assert {k: v for k, v in dns.items() if k == "ports"} == DNS
    (peer,) = dns["to"]
    assert peer["namespaceSelector"] == {
        "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
    }
    assert peer["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}
    kinds = {}
    for rule in rules:
        (kind,) = [k for k, ports in EXTERNAL_PORTS.items() if _ports(rule)[0] in ports] or [
            "in-chart"
        ]
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
        for kind, rule in rules.items():
            assert _ports(rule) == EXTERNAL_PORTS[kind], (name, kind)
        for kind in {"mongodb", "rabbitmq", "redis"} & set(rules):
            assert "to" not in rules[kind]  # default: external servers, any address
        assert rules["ory"]["to"] == [
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ory"}}}
        ]


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


def test_only_the_ingress_controller_reaches_routed_services() -> None:
    policies = by_service(render(), "NetworkPolicy")
    for name, svc in services().items():
        ingress = policies[name]["spec"].get("ingress", [])
        if not svc["ingressPath"]:
            assert ingress == [], name  # expiration: nothing may connect
            continue
        assert ingress == [
            {
                "from": [{"namespaceSelector": INGRESS_NAMESPACE}],
                "ports": [{"port": svc["port"], "protocol": "TCP"}],
            }
        ], name


def _pods_reached(policy: Doc) -> dict[str, list[int]]:
    """In-chart servers an egress policy reaches (by pod name label), with their ports; fails
    on any rule after DNS that is neither that nor the internet."""
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


def test_in_chart_servers_are_reached_by_their_pod_labels() -> None:
    policies = by_service(render(example("in-cluster.yaml")), "NetworkPolicy")
    for name, policy in policies.items():
        servers = (NEEDS[name] - {"ory", "internet"}) | {"kratos", "keto"}
        assert _pods_reached(policy) == {s: IN_CHART_PORTS[s] for s in servers}, name
    # In-chart Kratos calls auth's registration web hook.
    from_ingress, from_kratos = policies["auth"]["spec"]["ingress"]
    assert from_ingress["from"] == [{"namespaceSelector": INGRESS_NAMESPACE}]
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
        servers = NEEDS[name] - {"ory", "internet"}
        assert _pods_reached(policy) == {s: IN_CHART_PORTS[s] for s in servers}, name


def test_network_policies_can_be_left_to_the_cluster() -> None:
    assert named(render({"networkPolicy": {"enabled": False}}), "NetworkPolicy") == {}
