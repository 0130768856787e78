"""A small reverse proxy that routes the HTTP prefixes to the services, as the Ingress does in
the cluster. A raw ASGI app over one pooled httpx client; responses are streamed through."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

# Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are not forwarded.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}


class Gateway:
    def __init__(self, routes: Mapping[str, str]) -> None:
        """``routes`` maps a path prefix to the base URL of the service behind it."""
        self.routes = sorted(routes.items(), key=lambda item: -len(item[0]))
        self.client = httpx.AsyncClient(timeout=30.0)

    def target(self, path: str) -> str | None:
        for prefix, base in self.routes:
            if path == prefix or path.startswith(prefix + "/"):
                return base
        return None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await self.client.aclose()
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path == "/healthz":
            await _respond(send, 200, {"status": "ok", "service": "gateway"}, "application/json")
            return
        base = self.target(path)
        if base is None:
            await _problem(send, 404, f"no service serves {path}")
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in scope["headers"]
            if k.decode("latin-1").lower() not in HOP_BY_HOP
        ]
        client = scope.get("client") or ("127.0.0.1", 0)
        headers += [("x-forwarded-for", client[0]), ("x-forwarded-proto", scope["scheme"])]
        query = scope.get("query_string", b"").decode("latin-1")
        url = f"{base}{path}" + (f"?{query}" if query else "")
        request = self.client.build_request(scope["method"], url, headers=headers, content=body)
        try:
            response = await self.client.send(request, stream=True)
        except httpx.TransportError as exc:
            await _problem(
                send, 502, f"the service behind {path} does not answer: {type(exc).__name__}"
            )
            return
        try:
            out = [
                (k.encode("latin-1"), v.encode("latin-1"))
                for k, v in response.headers.multi_items()
                if k.lower() not in HOP_BY_HOP
            ]
            await send(
                {"type": "http.response.start", "status": response.status_code, "headers": out}
            )
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()


async def _respond(send: Any, status: int, body: dict[str, Any], media_type: str) -> None:
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", media_type.encode()),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _problem(send: Any, status: int, detail: str) -> None:
    title = "Not Found" if status == 404 else "Bad Gateway"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    await _respond(send, status, body, "application/problem+json")
