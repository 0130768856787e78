"""Who may call. Guards admit a caller to a route or refuse them (``signed_in``, ``member_of``,
``secret_header``); the handler then takes the signed-in user as its ``user`` dependency.
Whether that user may touch a particular object is not a guard's question: a use case asks the
permission model.
"""

from __future__ import annotations

import hmac
from typing import Any, cast

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.types import Guard

from ticketing.shared.errors import Forbidden, NotFound, Unauthenticated
from ticketing.shared.identity import KRATOS_COOKIE, SESSION_COOKIE, Credentials, Principal
from ticketing.shared.platform import Platform

Connection = ASGIConnection[Any, Any, Any, Any]


def credentials(connection: Connection) -> Credentials:
    """A session token from ``Authorization: Bearer``, ``X-Session-Token`` or our cookie,
    and Kratos' browser cookie if present."""
    auth = connection.headers.get("authorization", "")
    token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
    token = token or connection.headers.get("x-session-token")
    token = token or connection.cookies.get(SESSION_COOKIE)
    return Credentials(token=token or None, kratos_cookie=connection.cookies.get(KRATOS_COOKIE))


async def maybe_user(request: Connection) -> Principal | None:
    """The signed-in user, or None for a stranger; asked of the identity port once a request."""
    if "principal" not in request.state:
        platform = cast(Platform, request.app.state.platform)
        request.state.principal = await platform.identity.authenticate(credentials(request))
    return cast(Principal | None, request.state.principal)


async def user(request: Connection) -> Principal:
    """The signed-in user (401 for a stranger)."""
    principal = await maybe_user(request)
    if principal is None:
        raise Unauthenticated("Sign in first: send a session token or cookie.")
    return principal


def _asks_what_is_allowed(connection: Connection) -> bool:
    return connection.scope.get("method") == "OPTIONS"  # what a path allows is no secret


async def signed_in(connection: Connection, _: BaseRouteHandler) -> None:
    """A guard: only a signed-in user reaches the handler (401 for a stranger)."""
    if not _asks_what_is_allowed(connection):
        await user(connection)


class member_of:  # lower case, named as the other guards are
    """A guard: only members of ``group`` in the permission model reach the handler (401 for a
    stranger, 403 for anyone else)."""

    def __init__(self, group: str) -> None:
        self.group = group

    async def __call__(self, connection: Connection, _: BaseRouteHandler) -> None:
        if _asks_what_is_allowed(connection):
            return
        principal = await user(connection)
        platform = cast(Platform, connection.app.state.platform)
        if not await platform.permissions.check("Group", self.group, "members", principal.id):
            raise Forbidden(f"only members of the {self.group} group may do this")


def secret_header(header: str, setting: str) -> Guard:
    """A guard for a caller that proves itself with a shared secret (a web hook): ``header``
    must hold the value of the service's setting ``setting``, compared in constant time (401
    otherwise; 404 while the setting is empty, i.e. the hook is off)."""

    async def guard(connection: Connection, _: BaseRouteHandler) -> None:
        expected = getattr(connection.app.state.settings, setting) or ""
        if not expected:
            raise NotFound(f"this hook is off: {setting.upper()} is not set")
        given = connection.headers.get(header) or ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthenticated(f"the {header} header is missing or wrong")

    return guard
