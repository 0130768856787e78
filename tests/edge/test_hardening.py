"""The edge's limits and headers, through the real nginx in front of the real services."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest

from ticketing.stack.edge import Edge
from ticketing.stack.edge_config import CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS
from ticketing.stack.servers import free_port

PROBLEM = "application/problem+json"


def problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return dict(body)


def raw(edge: str, request: bytes, wait: float = 5.0) -> bytes:
    """Send bytes as they are (no client library normalising the path) and read the answer."""
    parts = urlsplit(edge)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as sock:
        sock.sendall(request)
        return sock.recv(65536)


@pytest.mark.parametrize(
    "path",
    [
        "/api/users/../../readyz",
        "/api/tickets/%2e%2e/%2e%2e/healthz",
        "/api/orders/..%2f..%2fschema",
        "/api/users/./currentuser",
        "/api/users/a%00b",
    ],
)
def test_dot_segments_and_nul_are_refused(edge: str, path: str) -> None:
    answer = raw(edge, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert f"Content-Type: {PROBLEM}".encode() in answer


@pytest.mark.parametrize(
    "path", ["/readyz", "/healthz", "/schema", "/asyncapi.json", "/metrics", "/api/nothing"]
)
def test_nothing_outside_the_routes_is_reachable(edge: str, path: str) -> None:
    body = problem(httpx.get(f"{edge}{path}"), 404)
    assert body["detail"] == "No service serves this path."


def test_a_body_over_the_limit_is_refused_before_it_is_read(strict_edge: str) -> None:
    # Headers only: a 10 MB body is announced and never sent; the answer must not wait for it.
    head = b"POST /api/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    answer = raw(strict_edge, head + b"Content-Length: 10000000\r\n\r\n", wait=3)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert f"Content-Type: {PROBLEM}".encode() in answer


def test_sign_in_floods_get_429_with_retry_after(strict_edge: str) -> None:
    credentials = {"email": "nobody@example.com", "password": "wrong password here"}

    def sign_in(_: int) -> httpx.Response:
        return httpx.post(f"{strict_edge}/api/users/signin", json=credentials, timeout=30)

    # All at once: sent one after another, slow answers (a loaded machine) refill the bucket.
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(sign_in, range(6)))
    limited = [a for a in answers if a.status_code == 429]
    assert limited, [a.status_code for a in answers]
    problem(limited[0], 429)
    assert limited[0].headers["retry-after"] == "1"
    # Other prefixes are not rate limited.
    reads = [httpx.get(f"{strict_edge}/api/tickets").status_code for _ in range(6)]
    assert reads == [200] * 6


def test_security_headers_and_one_date_and_server(edge: str) -> None:
    response = httpx.get(f"{edge}/api/tickets")
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert len(response.headers.get_list("date")) == 1
    assert response.headers.get_list("server") == ["nginx"]
    signup = httpx.post(
        f"{edge}/api/users/signup", json={"email": "x-at-example", "password": "short"}
    )
    assert signup.status_code == 400
    assert signup.headers.get_list("cache-control") == ["no-store"]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [(None, False), ("abc-123.DEF_4", True), ("retry-€", False), ("a b", False), ("x" * 65, False)],
)
def test_request_ids_are_short_tokens_never_echoed_raw(
    edge: str, sent: str | None, kept: bool
) -> None:
    headers = {"X-Request-ID": sent.encode()} if sent is not None else {}
    response = httpx.get(f"{edge}/api/tickets", headers=headers)  # type: ignore[arg-type]
    assert response.status_code == 200
    request_id = response.headers.get_list("x-request-id")
    assert len(request_id) == 1
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,64}", request_id[0])
    assert (request_id[0] == sent) is kept


def test_non_ascii_headers_are_never_a_5xx(edge: str) -> None:
    for name in ("X-Request-ID", "Authorization", "X-Session-Token", "Cookie", "X-Anything"):
        response = httpx.get(
            f"{edge}/api/users/currentuser", headers={name.encode(): "retry-€\x01".encode()}
        )
        assert response.status_code < 500, (name, response.text)


def test_cors_is_closed_by_default_and_opens_only_to_listed_origins(
    edge: str, strict_edge: str
) -> None:
    preflight = {"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"}
    closed = httpx.options(f"{edge}/api/tickets", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    allowed = httpx.options(f"{strict_edge}/api/tickets", headers=preflight)
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == "https://shop.example"
    assert "POST" in allowed.headers["access-control-allow-methods"]
    # A page on the listed origin may retry safely and revalidate, and read what says so.
    assert allowed.headers["access-control-allow-headers"] == CORS_ALLOW_HEADERS
    assert {"Idempotency-Key", "If-None-Match"} <= set(CORS_ALLOW_HEADERS.split(", "))
    read = httpx.get(f"{strict_edge}/api/tickets", headers={"Origin": "https://shop.example"})
    assert read.headers["access-control-expose-headers"] == CORS_EXPOSE_HEADERS
    assert "ETag" in CORS_EXPOSE_HEADERS
    other = httpx.get(f"{strict_edge}/api/tickets", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


@pytest.fixture
def slow_upstream() -> Iterator[str]:
    """A server that accepts connections and answers nothing for two seconds."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Timer(2.0, conn.close).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    listener.close()


def test_timeouts_down_services_and_connection_limits(
    slow_upstream: str, make_edge: Callable[..., Edge]
) -> None:
    upstreams = {"slow": slow_upstream, "down": f"http://127.0.0.1:{free_port()}"}
    routes = {"/api/slow": "slow", "/api/down": "down"}
    edge = make_edge(upstreams, routes, proxy_read_timeout_seconds=1, connections_per_client=2)
    problem(httpx.get(f"{edge.url}/api/down/x"), 502)
    # 504, not 502: the edge gave up after its timeout, before the upstream closed at 2 s.
    problem(httpx.get(f"{edge.url}/api/slow/x", timeout=10), 504)

    def slow(_: int) -> int:
        return httpx.get(f"{edge.url}/api/slow/x", timeout=10).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(slow, range(4)))
    assert statuses.count(429) >= 1, statuses  # two at a time per client address
    assert 504 in statuses
