"""The edge's configuration: ``ROUTES``, the one routing table (the stack's nginx is
configured from it and the chart's Ingress is tested against it), its settings (``EDGE_*``)
and the nginx configuration rendered from both (``edge.py`` runs nginx with it).

Nothing here keeps state between callers: nginx forwards each request on its own, with the
caller's own cookies and headers, and answers its own errors as problem details.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ticketing.shared.identity import SESSION_COOKIE

# Path prefix -> the service that serves it: the API under /api, the web front end at "/".
ROUTES: dict[str, str] = {
    "/": "web",
    "/api/users": "auth",
    "/api/tickets": "tickets",
    "/api/orders": "orders",
    "/api/payments": "payments",
    "/api/moderations": "moderation",
}
# The public API document and its reference page, under /api but served by the web front end
# (in the cluster the "/" Ingress path carries them: no API service claims them).
API_REFERENCE = ("/api/openapi.json", "/api/docs")
# Rate-limited per client address: every account endpoint of the API (under /api/users), and
# the web front end's sign-in and sign-up pages.
RATE_LIMITED = ("/api/users", "/signin", "/signup")
# Responses that may carry a session token are never stored by a cache.
NO_STORE = ("/api/users",)
# Anonymous public reads, cached at the edge (location match -> the prefix that routes it):
# the list and one ticket's page. A response is served only within the wall-clock second it
# was fetched in (the second is part of the cache key), so what a visitor sees is never more
# than 1 s older than the database; a request that carries a session (cookie, bearer token or
# X-Session-Token) is never answered from the cache, nor is its answer stored.
PUBLIC_READS = {
    "= /api/tickets": "/api/tickets",
    '~ "^/api/tickets/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"': (
        "/api/tickets"
    ),
}
# While one request fills an entry, the others for it wait this long for it (nginx checks
# again only after the wait), then go to the service themselves.
CACHE_LOCK_WAIT = "50ms"
# Every service's own endpoints, never for callers from outside.
INTERNAL = r"^/(healthz|readyz|metrics|asyncapi\.json|schema)(/|$)"

# A dot segment ("." or "..", plain or percent-encoded) or an encoded NUL in the path.
_REFUSED_PATH = r"^[^?]*((/|%2f)(\.|%2e){1,2}(/|%2f|\?|$)|%00)"


class EdgeSettings(BaseSettings):
    """The edge's limits; the chart's `edge:` values carry the same numbers to the Ingress."""

    model_config = SettingsConfigDict(env_prefix="EDGE_", frozen=True)

    body_size: str = Field(default="1m", pattern=r"^[0-9]+[km]?$")
    # The original allows 10 requests/s per address with a burst of 20: enough for a busy
    # venue behind one address, little for a password-guessing script.
    auth_rate_per_second: int = Field(default=10, gt=0)
    auth_burst: int = Field(default=20, ge=0)
    connections_per_client: int = Field(default=64, gt=0)
    proxy_connect_timeout_seconds: int = Field(default=5, gt=0)
    proxy_read_timeout_seconds: int = Field(default=30, gt=0)
    # Origins allowed to call the API from a browser (comma-separated); empty: same origin only.
    cors_allow_origins: str = ""

    @field_validator("cors_allow_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in filter(None, (o.strip() for o in value.split(","))):
            if not origin.startswith(("https://", "http://")) or origin.count("/") != 2:
                raise ValueError(f"{origin!r} is not an origin like https://shop.example")
        return value

    @property
    def origins(self) -> list[str]:
        return [o.strip() for o in self.cors_allow_origins.split(",") if o.strip()]


# nginx's own errors, answered as RFC 9457 problem details, never its HTML pages.
PROBLEMS = {
    400: ("Bad Request", "bad-request", "The request is malformed or its path is not allowed."),
    404: ("Not Found", "not-found", "No service serves this path."),
    413: ("Content Too Large", "content-too-large", "The request body is over the limit."),
    429: ("Too Many Requests", "too-many-requests", "Slow down and retry after a moment."),
    502: ("Bad Gateway", "bad-gateway", "The service behind this path does not answer."),
    503: ("Service Unavailable", "service-unavailable", "Try again in a moment."),
    504: ("Gateway Timeout", "gateway-timeout", "The service behind this path took too long."),
}


# What a page on a listed origin may send and read (the chart's Ingress says the same).
CORS_ALLOW_HEADERS = (
    "Content-Type, Authorization, X-Session-Token, X-Request-ID, Idempotency-Key, If-None-Match"
)
CORS_EXPOSE_HEADERS = "ETag, Idempotent-Replayed, Retry-After, X-Request-ID"


def _headers(no_store: bool = False, retry_after: bool = False, cached: bool = False) -> str:
    """Response headers of every location (nginx does not inherit add_header into a location
    that has its own, so each location gets the whole set)."""
    # A cached answer differs by session: a shared cache further on must not mix them either.
    vary = '"Origin, Authorization, Cookie, X-Session-Token"' if cached else "Origin"
    lines = [
        "add_header X-Request-ID $edge_request_id always;",
        "add_header X-Content-Type-Options nosniff always;",
        "add_header Referrer-Policy strict-origin-when-cross-origin always;",
        "add_header X-Frame-Options DENY always;",
        "add_header Access-Control-Allow-Origin $cors_origin always;",
        "add_header Access-Control-Allow-Credentials $cors_credentials always;",
        "add_header Access-Control-Allow-Methods $cors_methods always;",
        "add_header Access-Control-Allow-Headers $cors_headers always;",
        "add_header Access-Control-Expose-Headers $cors_expose always;",
        f"add_header Vary {vary} always;",
    ]
    if cached:  # HIT, MISS, BYPASS (a session), EXPIRED...: for debugging
        lines.append("add_header X-Cache-Status $upstream_cache_status always;")
    if no_store:
        lines += ["proxy_hide_header Cache-Control;", 'add_header Cache-Control "no-store" always;']
    if retry_after:
        lines.append("add_header Retry-After 1 always;")
    return "\n      ".join(lines)


def _problem_locations() -> str:
    blocks = []
    for status, (title, slug, detail) in PROBLEMS.items():
        body = (
            f'{{"type":"https://ticketing.dev/problems/{slug}","title":"{title}",'
            f'"status":{status},"detail":"{detail}","request_id":"$edge_request_id"}}'
        )
        blocks.append(
            f"    location = /_edge/problem/{status} {{\n"
            f"      internal;\n"
            f"      default_type application/problem+json;\n"
            f"      {_headers(retry_after=status == 429)}\n"
            f"      return {status} '{body}';\n"
            f"    }}"
        )
    return "\n".join(blocks)


_REFUSE = f'if ($request_uri ~* "{_REFUSED_PATH}") {{ return 400; }}'


_CACHE = f"""proxy_cache public_reads;
      proxy_cache_key "$scheme$host$request_uri $edge_second";
      proxy_cache_valid 200 1s;
      proxy_cache_lock on;
      proxy_cache_lock_timeout {CACHE_LOCK_WAIT};
      proxy_cache_bypass $edge_session;
      proxy_no_cache $edge_session;"""


def _proxy(match: str, upstream: str, settings: EdgeSettings, limited: bool, path: str) -> str:
    limit = f"limit_req zone=auth burst={settings.auth_burst} nodelay;" if limited else ""
    cached = match in PUBLIC_READS
    return (
        f"    location {match} {{\n"
        f"      {limit}\n"
        f"      {_REFUSE}\n"
        f"      if ($cors_preflight) {{ return 204; }}\n"
        f"      {_headers(no_store=path in NO_STORE, cached=cached)}\n"
        f"      {_CACHE if cached else ''}\n"
        f"      proxy_pass http://{upstream};\n"
        f"    }}"
    )


def _route_locations(routes: Mapping[str, str], settings: EdgeSettings) -> str:
    # Under /api only the routed prefixes; elsewhere the web front end if there is one.
    blocks = [f"    location /api/ {{\n      {_REFUSE}\n      return 404;\n    }}"]
    blocks.append(f'    location ~ "{INTERNAL}" {{\n      {_REFUSE}\n      return 404;\n    }}')
    for prefix, upstream in sorted(routes.items(), key=lambda item: -len(item[0])):
        limited = prefix in RATE_LIMITED
        if prefix == "/":
            blocks.append(_proxy("/", upstream, settings, False, prefix))
            for path in API_REFERENCE:
                blocks.append(_proxy(f"= {path}", upstream, settings, False, path))
                blocks.append(_proxy(f"{path}/", upstream, settings, False, path))
            pages = [page for page in RATE_LIMITED if not page.startswith("/api/")]
            blocks += [_proxy(f"= {page}", upstream, settings, True, page) for page in pages]
        else:  # the exact prefix and everything under it, but not "/api/usersXYZ"
            blocks.append(_proxy(f"= {prefix}", upstream, settings, limited, prefix))
            blocks.append(_proxy(f"{prefix}/", upstream, settings, limited, prefix))
            reads = [match for match, routed in PUBLIC_READS.items() if routed == prefix]
            blocks += [_proxy(m, upstream, settings, limited, prefix) for m in reads if "~" in m]
    if "/" not in routes:
        blocks.append(f"    location / {{\n      {_REFUSE}\n      return 404;\n    }}")
    return "\n".join(blocks)


def render(
    upstreams: Mapping[str, str],
    settings: EdgeSettings,
    listen: str,
    run_dir: Path,
    routes: Mapping[str, str] = ROUTES,
    cache_dir: Path | None = None,
) -> str:
    """nginx.conf for ``routes`` (prefix -> service), ``upstreams`` (service -> host:port);
    the public reads' cache in ``cache_dir`` (default: ``run_dir``/cache), a folder nginx's
    workers can reach."""
    origins = "\n".join(f'    "{origin}" $http_origin;' for origin in settings.origins)
    upstream_blocks = "\n".join(
        f"  upstream {name} {{\n    server {address};\n    keepalive 32;\n"
        # Shorter than the services' own keep-alive (uvicorn: 5 s), so nginx never reuses a
        # connection the service is closing.
        f"    keepalive_timeout 4s;\n  }}"
        for name, address in sorted(upstreams.items())
        if name in routes.values()
    )
    # URIs, not named locations: a request line nginx cannot parse has no URI to keep.
    errors = " ".join(f"error_page {status} /_edge/problem/{status};" for status in PROBLEMS)
    return f"""# Written by ticketing.stack.edge_config from ROUTES; edits are overwritten.
worker_processes 1;
daemon off;
pid {run_dir}/nginx.pid;
error_log {run_dir}/error.log warn;
events {{ worker_connections 1024; }}

http {{
  server_tokens off;
  default_type application/octet-stream;
  log_format edge escape=json '{{"time":"$time_iso8601","request_id":"$edge_request_id",'
    '"client":"$remote_addr","method":"$request_method","path":"$uri","status":$status,'
    '"upstream":"$upstream_addr","seconds":$request_time}}';
  access_log {run_dir}/access.log edge buffer=32k flush=1s;
  client_body_temp_path {run_dir}/tmp/body;
  proxy_temp_path {run_dir}/tmp/proxy;
  fastcgi_temp_path {run_dir}/tmp/fastcgi;
  uwsgi_temp_path {run_dir}/tmp/uwsgi;
  scgi_temp_path {run_dir}/tmp/scgi;

  # Bodies over the limit are refused from Content-Length, before they are read.
  client_max_body_size {settings.body_size};
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host $host;
  # Overwritten, not appended: a client cannot pass itself off as another address.
  proxy_set_header X-Forwarded-For $remote_addr;
  proxy_set_header X-Forwarded-Proto $scheme;
  proxy_set_header X-Request-ID $edge_request_id;
  # The edge's own headers replace a service's, so each is sent once.
  proxy_hide_header X-Request-ID;
  proxy_hide_header X-Content-Type-Options;
  proxy_hide_header Referrer-Policy;
  proxy_hide_header X-Frame-Options;
  proxy_connect_timeout {settings.proxy_connect_timeout_seconds}s;
  proxy_send_timeout {settings.proxy_read_timeout_seconds}s;
  proxy_read_timeout {settings.proxy_read_timeout_seconds}s;

  # An incoming request id is kept only if it is a short token; otherwise the edge makes one.
  map $http_x_request_id $edge_request_id {{
    "~^[A-Za-z0-9._-]{{1,64}}$" $http_x_request_id;
    default $request_id;
  }}
  map $http_origin $cors_origin {{
    default "";
{origins}
  }}
  map $cors_origin $cors_credentials {{ "" ""; default "true"; }}
  map "$request_method:$cors_origin" $cors_preflight {{ "~^OPTIONS:." 1; default 0; }}
  map $cors_preflight $cors_methods {{ 1 "GET, POST, PUT, DELETE"; default ""; }}
  map $cors_preflight $cors_headers {{
    1 "{CORS_ALLOW_HEADERS}";
    default "";
  }}
  map $cors_origin $cors_expose {{ "" ""; default "{CORS_EXPOSE_HEADERS}"; }}

  # The public reads' cache (PUBLIC_READS): keyed by the second, so entries live one second.
  proxy_cache_path {cache_dir or run_dir / "cache"} levels=1:2 keys_zone=public_reads:10m
    max_size=64m inactive=10s use_temp_path=off;
  map $msec $edge_second {{ "~^(?<second>[0-9]+)[.]" $second; }}
  map "$http_authorization$http_x_session_token$cookie_{SESSION_COOKIE}" $edge_session {{
    "" 0;
    default 1;
  }}

  limit_req_zone $binary_remote_addr zone=auth:10m rate={settings.auth_rate_per_second}r/s;
  limit_conn_zone $binary_remote_addr zone=per_client:10m;
  limit_req_status 429;
  limit_conn_status 429;

{upstream_blocks}

  server {{
    listen {listen};
    limit_conn per_client {settings.connections_per_client};
    {errors}

{_route_locations(routes, settings)}
{_problem_locations()}
  }}
}}
"""
