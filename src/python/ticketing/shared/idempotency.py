"""Idempotency keys on the POSTs that create things (the ``Idempotency-Key`` header, as the IETF
draft and Stripe define it): the same key with the same body from the same caller answers the
first response again, without a second effect; the same key with another body is a 422; a
repeat while the first is still running is a 409 (``Retry-After``). Keys are kept 24 hours per
caller in the service's database (a TTL index). A handler opts in with ``opt=IDEMPOTENT``.

Only a final answer is kept: a 5xx (an outage, a bug) or a 429 frees the key for a retry, and
so does a first request that died mid-way (its claim lapses after ``LEASE``).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import Any, cast

from litestar import Litestar
from litestar.datastructures import Headers
from litestar.routes import HTTPRoute
from litestar.types import (
    ASGIApp,
    HTTPReceiveMessage,
    HTTPResponseStartEvent,
    HTTPScope,
    Message,
    Receive,
    Scope,
    Send,
)
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from ticketing.shared.guards import maybe_user
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problem

HEADER = "Idempotency-Key"
IDEMPOTENT = {"idempotent": True}
KEPT = timedelta(hours=24)
LEASE = timedelta(seconds=60)  # longer than the edge waits for an answer (30 s)
KEY_PATTERN = "^[\\x21-\\x7e]{1,255}$"  # visible ASCII, as Stripe's keys are
_KEY = re.compile(KEY_PATTERN.removeprefix("^").removesuffix("$"))
COLLECTION = "idempotency_keys"


def _keys(platform: Platform) -> AsyncCollection[dict[str, Any]]:
    return platform.db.client[platform.db.name][COLLECTION]


def used_by(app: Litestar) -> bool:
    """Whether any of the app's handlers takes a key (a service without one keeps no keys)."""
    return any(
        handler.opt.get("idempotent")
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
    )


async def init(platform: Platform) -> None:
    """The TTL index that forgets a key a day after its first use."""
    await _keys(platform).create_index(
        [("created_at", ASCENDING)], expireAfterSeconds=int(KEPT.total_seconds())
    )


def _fingerprint(scope: HTTPScope, body: bytes) -> str:
    return hashlib.sha256(f"{scope['method']} {scope['path']}\n".encode() + body).hexdigest()


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(cast(bytes, message.get("body", b"")))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> HTTPReceiveMessage:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def middleware(app: ASGIApp) -> ASGIApp:
    """The one implementation, as ASGI middleware: it acts on the handlers that opted in."""

    async def idempotent(scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        key = Headers.from_scope(scope).get(HEADER) if scope["type"] == "http" else None
        if key is None or handler is None or not handler.opt.get("idempotent"):
            await app(scope, receive, send)
            return
        if not _KEY.fullmatch(key):
            raise problem(400, f"{HEADER} must be 1 to 255 visible ASCII characters.", "validation")
        caller = await maybe_user(scope["litestar_app"].request_class(scope, receive))
        if caller is None:  # the guard answers 401
            await app(scope, receive, send)
            return
        platform = scope["litestar_app"].state.platform
        keys = _keys(platform)
        body = await _body(receive)
        record_id, fingerprint = f"{caller.id} {key}", _fingerprint(cast(HTTPScope, scope), body)
        now = platform.clock.now()  # the service's one clock: tests move it past a lease
        found = await _claim(keys, record_id, fingerprint, now)
        if found is not None:
            await _repeat(found, fingerprint, send)
            return
        kept: dict[str, Any] = {"body": []}

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept.update(status=message["status"], headers=list(message.get("headers", [])))
            elif message["type"] == "http.response.body":
                kept["body"].append(message.get("body", b""))
            await send(message)

        try:
            await app(scope, _replaying(body), keep)
        finally:
            status = kept.get("status", 500)
            if status >= 500 or status == 429:
                await keys.delete_one({"_id": record_id, "state": "running"})
            else:
                answer = {
                    "status": status,
                    "headers": kept["headers"],
                    "body": b"".join(kept["body"]),
                }
                await keys.update_one(
                    {"_id": record_id}, {"$set": {"state": "done", "answer": answer}}
                )

    return idempotent


async def _claim(
    keys: AsyncCollection[dict[str, Any]], record_id: str, fingerprint: str, now: datetime
) -> dict[str, Any] | None:
    """Claim the key for this request (None), or the record of the request that holds it. A
    running claim older than LEASE, or a record older than KEPT, is taken over."""
    record = {"fingerprint": fingerprint, "state": "running", "created_at": now, "claimed_at": now}
    try:
        await keys.insert_one({"_id": record_id, **record})
        return None
    except DuplicateKeyError:
        pass
    lapsed = {
        "_id": record_id,
        "$or": [
            {"state": "running", "claimed_at": {"$lt": now - LEASE}},
            {"created_at": {"$lt": now - KEPT}},
        ],
    }
    if await keys.find_one_and_update(lapsed, {"$set": record, "$unset": {"answer": ""}}):
        return None
    return await keys.find_one({"_id": record_id}) or {"state": "running"}


async def _repeat(found: dict[str, Any], fingerprint: str, send: Send) -> None:
    """The answer to a repeat: the first answer again, or why not."""
    if found.get("fingerprint", fingerprint) != fingerprint:
        raise problem(
            422, f"This {HEADER} was used with another request.", "idempotency-key-reused"
        )
    if found["state"] == "running":
        busy = problem(
            409, f"A request with this {HEADER} is still running.", "idempotency-key-in-use"
        )
        busy.headers = {"Retry-After": "1"}
        raise busy
    answer = found["answer"]
    headers = [(bytes(name), bytes(value)) for name, value in answer["headers"]]
    replayed = [*headers, (b"idempotent-replayed", b"true")]
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": answer["status"],
        "headers": replayed,
    }
    await send(start)
    await send({"type": "http.response.body", "body": answer["body"], "more_body": False})
