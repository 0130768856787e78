"""HTTP API of the auth service: /api/users."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import CacheControlHeader, Cookie
from litestar.di import NamedDependency
from litestar.openapi.spec import Schema
from litestar.params import JSONBody

from ticketing.auth import domain
from ticketing.auth.domain import WEBHOOK_HEADER
from ticketing.auth.settings import AuthSettings
from ticketing.auth.throttle import SignInThrottle
from ticketing.shared.identity import SESSION_COOKIE, Principal, Session
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems
from ticketing.shared.web import credentials


class NewAccount(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[
        str,
        msgspec.Meta(max_length=domain.EMAIL_MAX, extra_json_schema={"extra": {"format": "email"}}),
    ]
    password: Annotated[
        str,
        msgspec.Meta(
            min_length=domain.PASSWORD_MIN,
            max_length=domain.PASSWORD_MAX,
            description=f"Password rules: {domain.PASSWORD_RULES}.",
            # Not one character repeated (the rule that it is not the email cannot be a schema).
            extra_json_schema={"extra": {"not": Schema(pattern="^(.)\\1*$")}},
        ),
    ]


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=domain.EMAIL_MAX)]
    password: Annotated[str, msgspec.Meta(max_length=domain.PASSWORD_MAX)]


class SignedIn(msgspec.Struct):
    id: str
    email: str
    token: str  # the session token, also usable as `Authorization: Bearer <token>`


class UserOut(msgspec.Struct):
    id: str
    email: str


class CurrentUserOut(msgspec.Struct):
    id: str
    email: str
    admin: bool  # a member of the admin group (moderation), so a client can offer its pages


class CurrentUser(msgspec.Struct):
    current_user: CurrentUserOut | None


class RegisteredIdentity(msgspec.Struct):
    """What Kratos sends after a registration (deploy/ory/kratos/after-registration.jsonnet)."""

    identity_id: Annotated[str, msgspec.Meta(min_length=1)]
    email: Annotated[str, msgspec.Meta(min_length=3)]


def signed_in(session: Session, settings: AuthSettings, status_code: int) -> Response[SignedIn]:
    cookie = Cookie(
        key=SESSION_COOKIE,
        value=session.token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.session_ttl_seconds,
    )
    body = SignedIn(id=session.principal.id, email=session.principal.email, token=session.token)
    return Response(body, status_code=status_code, cookies=[cookie])


class UsersController(Controller):
    path = "/api/users"
    tags = ["users"]
    # Answers carry session tokens and who is signed in: no cache may keep them.
    cache_control = CacheControlHeader(no_store=True)

    @post(
        "/signup",
        description=f"Password rules: {domain.PASSWORD_RULES}.",
        responses=problems(409),
    )
    async def sign_up(
        self, data: JSONBody[NewAccount], platform: NamedDependency[Platform[AuthSettings]]
    ) -> Response[SignedIn]:
        """Create an account and sign in. 409 when the email is taken, 400 naming a broken rule."""
        session = await domain.sign_up(platform.identity, data.email, data.password)
        return signed_in(session, platform.settings, 201)

    @post("/signin", status_code=200, responses=problems(401, 429))
    async def sign_in(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[Credentials],
        platform: NamedDependency[Platform[AuthSettings]],
        throttle: NamedDependency[SignInThrottle],
    ) -> Response[SignedIn]:
        """Sign in; 401 for a wrong email or password, without saying which; 429 with
        Retry-After after repeated failures for the account or from the address."""
        address = request.client.host if request.client else "unknown"
        session = await domain.sign_in(
            platform.identity, throttle, data.email, data.password, address
        )
        return signed_in(session, platform.settings, 200)

    @post(
        "/signout",
        status_code=204,
        response_cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0)],
    )
    async def sign_out(
        self, request: Request[Any, Any, Any], platform: NamedDependency[Platform]
    ) -> None:
        """End the session everywhere: the token stops working for every service."""
        await domain.sign_out(platform.identity, credentials(request).token)

    @post("/webhooks/kratos/after-registration", status_code=200, include_in_schema=False)
    async def after_registration(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[RegisteredIdentity],
        platform: NamedDependency[Platform],
    ) -> UserOut:
        """Kratos calls this after each registration; a repeated call changes nothing."""
        domain.check_webhook_secret(
            platform.settings.kratos_webhook_secret, request.headers.get(WEBHOOK_HEADER)
        )
        await domain.remember(Principal(id=data.identity_id, email=data.email))
        return UserOut(id=data.identity_id, email=data.email)

    @get("/currentuser")
    async def current_user(
        self, maybe_user: NamedDependency[Principal | None], platform: NamedDependency[Platform]
    ) -> CurrentUser:
        if maybe_user is None:
            return CurrentUser(current_user=None)
        admin = await domain.is_admin(platform.permissions, maybe_user.id)
        return CurrentUser(CurrentUserOut(id=maybe_user.id, email=maybe_user.email, admin=admin))
