"""HTTP API of the auth service: /api/users."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Schema
from litestar.params import JSONBody

from ticketing.auth import flows, passwords, rules, use_cases
from ticketing.auth.accounts import AccountsPort
from ticketing.auth.codes import Purpose
from ticketing.auth.factors import Aal
from ticketing.auth.settings import AuthSettings
from ticketing.auth.throttle import CodeLimits
from ticketing.shared.guards import credentials, secret_header
from ticketing.shared.identity import Principal
from ticketing.shared.openapi import OPTIONAL_SESSION
from ticketing.shared.permissions import ADMIN_GROUP, DOOR_GROUP
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems
from ticketing.shared.responses import ended_session_cookie, session_cookie

Code = Annotated[str, msgspec.Meta(pattern="^[0-9]{6}$", description="the mailed code")]
Password = Annotated[
    str,
    msgspec.Meta(
        min_length=passwords.MIN_LENGTH,
        max_length=passwords.MAX_LENGTH,
        description=f"Password rules: {passwords.RULES}.",
        # Not one character repeated (the list of common passwords cannot be a schema).
        extra_json_schema={"extra": {"not": Schema(pattern="^(.)\\1*$")}},
    ),
]
Email = Annotated[
    str, msgspec.Meta(max_length=rules.EMAIL_MAX, extra_json_schema={"extra": {"format": "email"}})
]


class NewAccount(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"email": "ada@example.com", "password": "correct horse battery"}
    email: Email
    password: Password


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"email": "ada@example.com", "password": "correct horse battery"}
    email: Annotated[str, msgspec.Meta(max_length=rules.EMAIL_MAX)]
    password: Annotated[str, msgspec.Meta(max_length=passwords.MAX_LENGTH)]


class SignedIn(msgspec.Struct):
    id: str
    email: str
    # The session token, also usable as `Authorization: Bearer <token>`; null after sign-up
    # where sign-in needs a verified address (REQUIRE_VERIFIED_EMAIL), or where a dependency
    # failed after the account was made (then sign in).
    token: str | None
    # The session's assurance level: aal2 once a second factor proved it.
    aal: Aal = "aal1"
    # True: the account has a second factor and this session serves nothing until a code
    # completes it (POST /api/users/signin/code).
    needs_code: bool = False


class Verification(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"email": "ada@example.com", "code": "123456"}
    email: Email
    code: Code | None = None  # absent: send a new code; present: confirm it


class Recovery(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"email": "ada@example.com"}
    email: Email


class NewPassword(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {
        "email": "ada@example.com",
        "code": "123456",
        "password": "a new horse battery",
    }
    email: Email
    code: Code
    password: Password


class Status(msgspec.Struct):
    status: Literal["sent", "verified", "recovered"]


class UserOut(msgspec.Struct):
    id: str
    email: str


class CurrentUserOut(msgspec.Struct):
    id: str
    email: str
    admin: bool  # a member of the admin group (moderation), so a client can offer its pages
    door: bool  # a member of the door group (admissions)


class CurrentUser(msgspec.Struct):
    current_user: CurrentUserOut | None


WEBHOOK_HEADER = "X-Webhook-Secret"


class RegisteredIdentity(msgspec.Struct):
    """What Kratos sends after a registration (files/ory/kratos/ in the chart)."""

    identity_id: Annotated[str, msgspec.Meta(min_length=1)]
    email: Annotated[str, msgspec.Meta(min_length=3)]


SENT = (
    "If the address has an account that needs it, a code is on its way. The answer is the same"
    " for every address, so it tells nobody whether an account exists; 429 with Retry-After"
    " when a code went to the address a moment ago."
)
CODES = (
    "A wrong, expired or used code is a 403 naming `code`; too many wrong codes for an"
    " address are a 429 with Retry-After."
)
# Without a code: 202, a code is on its way (whether or not the address has an account).
CODE_ANSWERS = {
    202: ResponseSpec(data_container=Status, description="Accepted", generate_examples=False),
    **problems(403, 429),
}


def with_session(
    token: str, principal: Principal, settings: AuthSettings, status_code: int, **state: Any
) -> Response[SignedIn]:
    """The answer that opens a session: its token in the body and in the session cookie;
    ``state``: its ``aal`` and whether it ``needs_code``."""
    cookie = session_cookie(token, settings.secure_cookies, settings.session_ttl_seconds)
    body = SignedIn(id=principal.id, email=principal.email, token=token, **state)
    return Response(body, status_code=status_code, cookies=[cookie])


class UsersController(Controller):
    path = "/api/users"
    tags = ["users"]
    # Answers carry session tokens and who is signed in: no cache may keep them.
    cache_control = CacheControlHeader(no_store=True)

    @post(
        "/signup",
        operation_id="signUp",
        description=f"Password rules: {passwords.RULES}.",
        responses=problems(409),
    )
    async def sign_up(
        self,
        data: JSONBody[NewAccount],
        settings: NamedDependency[AuthSettings],
        auth: NamedDependency[use_cases.Accounts],
    ) -> Response[SignedIn]:
        """Create an account, mail its verification code and sign in (unless sign-in needs a
        verified address, or a dependency failed once the account existed: then no token).
        409 when the email is taken, 400 naming the broken rule (`rule`: length, not-email,
        common)."""
        principal, session = await use_cases.sign_up(
            auth, data.email, data.password, settings.verified_email_required
        )
        if session is None:
            body = SignedIn(id=principal.id, email=principal.email, token=None)
            return Response(body, status_code=201)
        return with_session(session.token, session.principal, settings, 201)

    @post(
        "/verification",
        operation_id="verifyEmail",
        status_code=200,
        description=f"{SENT} {CODES}",
        responses=CODE_ANSWERS,
    )
    async def verification(
        self,
        data: JSONBody[Verification],
        accounts: NamedDependency[AccountsPort],
        limits: NamedDependency[CodeLimits],
    ) -> Response[Status]:
        """Without `code`: mail a new verification code (202). With it: verify the address."""
        if data.code is None:
            await flows.send_code(accounts, limits, Purpose.VERIFY, data.email)
            return Response(Status("sent"), status_code=202)
        await flows.verify(accounts, limits, data.email, data.code)
        return Response(Status("verified"))

    @post(
        "/recovery",
        operation_id="recoverAccount",
        status_code=202,
        description=SENT,
        responses=problems(429),
    )
    async def recovery(
        self,
        data: JSONBody[Recovery],
        accounts: NamedDependency[AccountsPort],
        limits: NamedDependency[CodeLimits],
    ) -> Status:
        """Mail a recovery code to the address (if it has an account)."""
        await flows.send_code(accounts, limits, Purpose.RECOVER, data.email)
        return Status("sent")

    @post(
        "/recovery/confirm",
        operation_id="confirmRecovery",
        status_code=200,
        description=f"{CODES} Password rules: {passwords.RULES}.",
        responses=problems(403, 429),
    )
    async def confirm_recovery(
        self,
        data: JSONBody[NewPassword],
        accounts: NamedDependency[AccountsPort],
        limits: NamedDependency[CodeLimits],
    ) -> Status:
        """Set a new password with the mailed code; every session of the account ends."""
        await flows.recover(accounts, limits, data.email, data.code, data.password)
        return Status("recovered")

    @post("/signin", operation_id="signIn", status_code=200, responses=problems(401, 403, 429))
    async def sign_in(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[Credentials],
        settings: NamedDependency[AuthSettings],
        auth: NamedDependency[use_cases.Accounts],
    ) -> Response[SignedIn]:
        """Sign in; 401 for a wrong email or password, without saying which; 429 with
        Retry-After after repeated failures for the account or from the address; 403
        (`rule`: verified-email) for an unverified address where sign-in needs one. When the
        account has a second factor, the session answered `needs_code` and serves nothing
        until `POST /api/users/signin/code` completes it."""
        address = request.client.host if request.client else "unknown"
        session, needs_code = await use_cases.sign_in(
            auth, data.email, data.password, address, settings.verified_email_required
        )
        return with_session(session.token, session.principal, settings, 200, needs_code=needs_code)

    @post(
        "/signout",
        operation_id="signOut",
        status_code=204,
        opt=OPTIONAL_SESSION,
        response_cookies=[ended_session_cookie()],
    )
    async def sign_out(
        self, request: Request[Any, Any, Any], platform: NamedDependency[Platform]
    ) -> None:
        """End the session everywhere: the token stops working for every service."""
        await use_cases.sign_out(platform.identity, credentials(request).token)

    @post(
        "/webhooks/kratos/after-registration",
        status_code=200,
        include_in_schema=False,
        # Only Kratos, holding the shared secret, may call it.
        guards=[secret_header(WEBHOOK_HEADER, "kratos_webhook_secret")],
    )
    async def after_registration(
        self, data: JSONBody[RegisteredIdentity], platform: NamedDependency[Platform]
    ) -> UserOut:
        """Kratos calls this after each registration; a repeated call changes nothing."""
        await use_cases.remember(platform.store, Principal(id=data.identity_id, email=data.email))
        return UserOut(id=data.identity_id, email=data.email)

    @get("/currentuser", operation_id="currentUser")
    async def current_user(
        self, maybe_user: NamedDependency[Principal | None], platform: NamedDependency[Platform]
    ) -> CurrentUser:
        if maybe_user is None:
            return CurrentUser(current_user=None)
        member = await use_cases.groups(platform.permissions, maybe_user.id)
        user = CurrentUserOut(
            id=maybe_user.id,
            email=maybe_user.email,
            admin=ADMIN_GROUP in member,
            door=DOOR_GROUP in member,
        )
        return CurrentUser(user)
