"""Schemathesis against a service's own OpenAPI document: the app in-process, real servers
behind it, a bounded and repeatable number of generated requests per operation."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any
from uuid import uuid4

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from litestar import Litestar
from pymongo import AsyncMongoClient
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.python import asgi

from ticketing.shared.idempotency import HEADER as IDEMPOTENCY_KEY
from ticketing.shared.identity import EmbeddedIdentity
from ticketing.shared.permissions import ADMIN_GROUP, EmbeddedPermissions, RelationTuple

PASSWORD = "correct horse battery staple"
_METHODS = {"get", "put", "post", "delete", "patch", "head"}
# Operations with rules JSON Schema cannot state: a rule across fields (a listing's price at
# most its face value times the cap), against the clock (its event still to come) or against
# a secret (the current password, a common password). A
# schema-valid request may break them, and a 400 naming the rule is then the right answer, so
# schemathesis' "schema-valid requests are accepted" check does not apply to them; every
# other check does.
BEYOND_THE_SCHEMA = {
    "POST /api/tickets",
    "PUT /api/tickets/{ticket_id}",
    "POST /api/tickets/{ticket_id}/resale",
    "POST /api/users/me/password",
}

# Up to 25 generated requests per operation and mode (valid, invalid), the same every run.
EXAMPLES = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


async def violations(app: Litestar, headers: dict[str, str]) -> list[str]:
    """Run ``check_every_operation`` and ``check_allowed_methods`` on the app's own OpenAPI
    document, the app in-process (its lifespan started once, on schemathesis' event loop,
    and stopped at the end)."""
    try:
        schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
        found = await asyncio.to_thread(check_every_operation, schema, headers)
        return found + await asyncio.to_thread(check_allowed_methods, schema.raw_schema, app)
    finally:
        asgi.shutdown_lifespans()


def check_allowed_methods(document: dict[str, Any], app: Litestar) -> list[str]:
    """``OPTIONS`` on each path answers ``Allow`` with exactly its documented methods."""
    failures = []
    with asgi.get_client(app) as client:  # type: ignore[arg-type]
        for path, item in document["paths"].items():
            documented = {m.upper() for m in item if m in _METHODS} | {"OPTIONS"}
            answer = client.options(client.base_url + re.sub(r"{[^}]+}", "x", path))
            allowed = {m.strip() for m in answer.headers.get("allow", "").split(",") if m}
            if answer.status_code != 204 or allowed != documented:
                failures.append(f"OPTIONS {path}: {answer.status_code}, Allow {sorted(allowed)}")
    return failures


def check_every_operation(
    schema: schemathesis.schemas.BaseSchema, headers: dict[str, str]
) -> list[str]:
    """Generate requests, valid and invalid, for every operation and run schemathesis' checks
    on each answer; what failed, one entry per operation and mode (empty: all kept)."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid schema raises here
        excluded = [positive_data_acceptance] if operation.label in BEYOND_THE_SCHEMA else []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @EXAMPLES
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case: Any) -> None:
                # Run below, within this iteration: it sees this operation's exclusions.
                if mode == GenerationMode.POSITIVE and IDEMPOTENCY_KEY in (case.headers or {}):  # noqa: B023
                    # A key generated twice would (rightly) answer 422 for another body.
                    case.headers[IDEMPOTENCY_KEY] = uuid4().hex
                case.call_and_validate(headers=headers, excluded_checks=excluded)  # noqa: B023

            try:
                check()
            except Unsatisfiable:  # no invalid request exists (any string is a valid id)
                assert mode == GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup
                failures.append(f"{operation.label} ({mode}): {exc}")
    return failures


async def bearer_of(isolated: dict[str, Any], email: str, *, admin: bool = False) -> dict[str, str]:
    """A signed-up user's session, as headers, written straight to the embedded engine."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(isolated["mongodb_url"])
    database = isolated["embedded_auth_database"]
    try:
        identity = EmbeddedIdentity(client, database, timedelta(hours=1))
        await identity.init()
        opened = (await identity.register(email, PASSWORD, sign_in=True)).session
        session = opened or await identity.login(email, PASSWORD)
        if admin:
            permissions = EmbeddedPermissions(client, database)
            await permissions.init()
            member = RelationTuple("Group", ADMIN_GROUP, "members", session.principal.id)
            await permissions.write([member])
    finally:
        await client.close()
    return {"Authorization": f"Bearer {session.token}"}
