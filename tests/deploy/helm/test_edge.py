"""The Ingresses: routing from values, and ingress-nginx's limits from `edge:` (the same
numbers as the local nginx edge)."""

from __future__ import annotations

from typing import Any

import pytest

from deploy.helm.chart import DEFAULTS, RELEASE, Doc, by_service, named, render, services
from ticketing.stack.edge_config import CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, ROUTES

NGINX = "nginx.ingress.kubernetes.io/"
EDGE_DEFAULTS = {
    "bodySize": "1m",
    "authRatePerSecond": 10,
    "authBurst": 20,
    "connectionsPerClient": 64,
    "proxyConnectTimeoutSeconds": 5,
    "proxyReadTimeoutSeconds": 30,
    "corsAllowOrigins": [],
}
COMMON = {
    "proxy-body-size": "1m",
    "proxy-connect-timeout": "5",
    "proxy-read-timeout": "30",
    "proxy-send-timeout": "30",
    "limit-connections": "64",
}


def _ingresses(values: dict[str, Any] | None = None) -> tuple[Doc, Doc]:
    ingresses = named(render(values), "Ingress")
    assert sorted(ingresses) == [f"{RELEASE}-api", f"{RELEASE}-auth"]
    return ingresses[f"{RELEASE}-auth"], ingresses[f"{RELEASE}-api"]


def _nginx(ingress: Doc) -> dict[str, str]:
    annotations: dict[str, str] = ingress["metadata"]["annotations"]
    return {k.removeprefix(NGINX): v for k, v in annotations.items() if k.startswith(NGINX)}


def _routes(ingress: Doc) -> dict[str, str]:
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == DEFAULTS["ingress"]["host"]
    paths = rule["http"]["paths"]
    assert {p["pathType"] for p in paths} == {"Prefix"}
    return {p["path"]: p["backend"]["service"]["name"] for p in paths}


def test_the_edge_defaults_are_the_local_edges_numbers() -> None:
    assert DEFAULTS["edge"] == EDGE_DEFAULTS


def test_routes_come_from_the_services_ingress_paths() -> None:
    auth, api = _ingresses()
    routed = {s["ingressPath"]: f"{RELEASE}-{n}" for n, s in services().items() if s["ingressPath"]}
    assert _routes(auth) == {"/api/users": f"{RELEASE}-auth"}
    assert _routes(auth) | _routes(api) == routed
    assert auth["spec"]["ingressClassName"] == api["spec"]["ingressClassName"] == "nginx"


def test_the_routing_table_and_the_rendered_ingress_agree() -> None:
    # Issue #11: the local edge (ticketing.stack.edge.ROUTES) and the cluster route alike.
    auth, api = _ingresses()
    assert not set(_routes(auth)) & set(_routes(api))  # no prefix in both Ingresses
    assert _routes(auth) | _routes(api) == {p: f"{RELEASE}-{s}" for p, s in ROUTES.items()}


def test_the_web_front_end_takes_the_root_of_the_api_ingress() -> None:
    docs = render()
    _, api = _ingresses()
    (rule,) = api["spec"]["rules"]
    (root,) = (p for p in rule["http"]["paths"] if p["path"] == "/")
    assert root == {
        "path": "/",
        "pathType": "Prefix",
        "backend": {"service": {"name": f"{RELEASE}-web", "port": {"name": "http"}}},
    }
    (port,) = by_service(docs, "Service")["web"]["spec"]["ports"]
    assert (port["name"], port["port"]) == ("http", 8007)
    # Without the web, "/" is not routed (the API prefixes stay).
    _, api = _ingresses({"services": {"web": {"enabled": False}}})
    assert "/" not in _routes(api)
    assert "/api/tickets" in _routes(api)


def test_the_auth_prefix_is_rate_limited_and_the_rest_is_not() -> None:
    auth, api = _ingresses()
    assert _nginx(auth) == COMMON | {"limit-rps": "10", "limit-burst-multiplier": "2"}
    assert _nginx(api) == COMMON


@pytest.mark.parametrize(
    ("rate", "burst", "multiplier"), [(5, 20, "4"), (10, 25, "3"), (7, 1, "1")]
)
def test_the_burst_multiplier_rounds_the_burst_up(rate: int, burst: int, multiplier: str) -> None:
    auth, _ = _ingresses({"edge": {"authRatePerSecond": rate, "authBurst": burst}})
    assert _nginx(auth)["limit-rps"] == str(rate)
    assert _nginx(auth)["limit-burst-multiplier"] == multiplier


def test_edge_values_reach_both_ingresses() -> None:
    edge = {
        "bodySize": "512k",
        "connectionsPerClient": 8,
        "proxyConnectTimeoutSeconds": 2,
        "proxyReadTimeoutSeconds": 12,
    }
    for ingress in _ingresses({"edge": edge}):
        nginx = _nginx(ingress)
        assert (nginx["proxy-body-size"], nginx["limit-connections"]) == ("512k", "8")
        assert (nginx["proxy-connect-timeout"], nginx["proxy-read-timeout"]) == ("2", "12")


def test_cors_is_closed_unless_origins_are_listed() -> None:
    for ingress in _ingresses():
        assert not {k for k in _nginx(ingress) if "cors" in k}
    origins = ["https://shop.example.com", "https://admin.example.com"]
    for ingress in _ingresses({"edge": {"corsAllowOrigins": origins}}):
        nginx = _nginx(ingress)
        assert nginx["enable-cors"] == "true"
        assert nginx["cors-allow-origin"] == "https://shop.example.com, https://admin.example.com"
        assert nginx["cors-allow-credentials"] == "true"
        # The same headers as the local edge's (stack/edge_config.py).
        assert nginx["cors-allow-headers"] == CORS_ALLOW_HEADERS
        assert nginx["cors-expose-headers"] == CORS_EXPOSE_HEADERS


def test_tls_for_hsts_on_both_ingresses() -> None:
    for ingress in _ingresses():
        assert "tls" not in ingress["spec"]
    tls = {"enabled": True, "secretName": "shop-tls"}
    for ingress in _ingresses({"ingress": {"tls": tls}}):
        assert ingress["spec"]["tls"] == [{"hosts": ["ticketing.local"], "secretName": "shop-tls"}]
    tls_hosts = {**tls, "hosts": ["ticketing.local", "www.ticketing.local"]}
    for ingress in _ingresses({"ingress": {"tls": tls_hosts}}):
        assert ingress["spec"]["tls"][0]["hosts"] == ["ticketing.local", "www.ticketing.local"]


def test_extra_annotations_cannot_loosen_the_edge() -> None:
    extra = {"example.com/team": "shop", f"{NGINX}limit-rps": "1000"}
    auth, api = _ingresses({"ingress": {"annotations": extra}})
    assert auth["metadata"]["annotations"]["example.com/team"] == "shop"
    assert api["metadata"]["annotations"]["example.com/team"] == "shop"
    assert _nginx(auth)["limit-rps"] == "10"


def test_no_configuration_snippets() -> None:
    # Disallowed by default in recent ingress-nginx; auth sends Cache-Control: no-store itself.
    for ingress in _ingresses({"edge": {"corsAllowOrigins": ["https://a.example"]}}):
        assert not [k for k in _nginx(ingress) if "snippet" in k]
