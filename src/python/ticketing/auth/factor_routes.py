"""HTTP API of two-factor sign-in: completing a sign-in with a code, and one's own second
factor under /api/users/me/second-factor (enrol an authenticator app, backup codes, disable).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, ClassVar, TypeVar

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import JSONBody

from ticketing.auth import rules, use_cases
from ticketing.auth.codes import CodeRefused
from ticketing.auth.factors import (
    AlreadyEnrolled,
    BackupCodes,
    NotEnrolled,
    SecondFactor,
    SecondFactorPort,
    TotpEnrolment,
)
from ticketing.auth.routes import SignedIn, with_session
from ticketing.auth.settings import AuthSettings
from ticketing.auth.throttle import SignInThrottle
from ticketing.shared.errors import Conflict, Forbidden, Unauthenticated
from ticketing.shared.guards import credentials, signed_in
from ticketing.shared.identity import Credentials, Principal
from ticketing.shared.openapi import SESSION_REQUIRED
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems

T = TypeVar("T")
FactorCode = Annotated[
    str,
    msgspec.Meta(
        pattern="^([0-9]{6}|[A-Za-z0-9][A-Za-z0-9 -]{6,10}[A-Za-z0-9])$",
        description="the six digits of the authenticator app, or a backup code",
    ),
]
CODES = (
    "A wrong or used code is a 403 naming `code` and counts as a failed sign-in of the"
    " account: after repeated ones, 429 with Retry-After."
)
NOT_ENROLLED = "two-factor sign-in is off for this account"
ENROLLED = "two-factor sign-in is on already: disable it first"


class CodeIn(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"code": "492039"}
    code: FactorCode


def _address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _token(request: Request[Any, Any, Any]) -> str:
    return credentials(request).token or ""


async def _checked(
    throttle: SignInThrottle,
    user: Principal,
    request: Request[Any, Any, Any],
    attempt: Callable[[], Awaitable[T]],
) -> T:
    """``attempt`` with a code of the signed-in account, within the sign-in limits."""
    try:
        return await throttle.account_code(user.email, _address(request), attempt)
    except CodeRefused:
        raise Forbidden(rules.WRONG_FACTOR_CODE, field="code") from None
    except NotEnrolled:
        raise Conflict(NOT_ENROLLED) from None
    except AlreadyEnrolled:
        raise Conflict(ENROLLED) from None


class SecondFactorController(Controller):
    path = "/api/users"
    tags = ["account"]
    cache_control = CacheControlHeader(no_store=True)

    @post(
        "/signin/code",
        operation_id="completeSignIn",
        status_code=200,
        description=CODES,
        responses=problems(401, 403, 409, 429),
        opt=SESSION_REQUIRED,
    )
    async def complete_sign_in(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CodeIn],
        platform: NamedDependency[Platform],
        settings: NamedDependency[AuthSettings],
        auth: NamedDependency[use_cases.Accounts],
    ) -> Response[SignedIn]:
        """Complete a sign-in that answered `needs_code` (its session token as the bearer
        token or cookie) with a code of the authenticator app or a backup code (each works
        once): the session becomes a full one (aal2). 409 for a session that needs no code."""
        token = await use_cases.complete_sign_in(
            auth, _token(request), data.code, _address(request), settings.verified_email_required
        )
        principal = await platform.identity.authenticate(Credentials(token=token))
        if principal is None:  # ended in the meantime
            raise Unauthenticated("Sign in with your password first: the session has ended.")
        return with_session(token, principal, settings, 200, aal="aal2")

    @get(
        "/me/second-factor",
        operation_id="getSecondFactor",
        guards=[signed_in],
    )
    async def second_factor(
        self, request: Request[Any, Any, Any], factors: NamedDependency[SecondFactorPort]
    ) -> SecondFactor:
        """Whether an authenticator app is enrolled, how many backup codes are left, and this
        session's assurance level."""
        return await factors.status(_token(request))

    @post(
        "/me/second-factor/totp",
        operation_id="startTotp",
        guards=[signed_in],
        responses=problems(409),
    )
    async def start_totp(
        self,
        request: Request[Any, Any, Any],
        user: NamedDependency[Principal],
        factors: NamedDependency[SecondFactorPort],
        throttle: NamedDependency[SignInThrottle],
    ) -> TotpEnrolment:
        """Start enrolling an authenticator app (issuer "Ticketing"): the `otpauth://` URI, as
        a QR code (SVG) and its secret as text. Nothing changes until a first code confirms
        it; starting again replaces the secret. 409 when two-factor sign-in is on already."""
        return await _checked(throttle, user, request, lambda: factors.start_totp(_token(request)))

    @post(
        "/me/second-factor/totp/confirm",
        operation_id="confirmTotp",
        guards=[signed_in],
        description=CODES,
        responses=problems(403, 409, 429),
    )
    async def confirm_totp(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CodeIn],
        user: NamedDependency[Principal],
        factors: NamedDependency[SecondFactorPort],
        throttle: NamedDependency[SignInThrottle],
    ) -> BackupCodes:
        """Turn two-factor sign-in on with a first code of the app just enrolled: the ten
        backup codes, shown this once (keep them: each signs in once without the app). Every
        other session of the account must then complete with a code. 409 when none was
        started or it is on already."""
        codes = await _checked(
            throttle, user, request, lambda: factors.confirm_totp(_token(request), data.code)
        )
        return BackupCodes(codes)

    @post(
        "/me/second-factor/disable",
        operation_id="disableSecondFactor",
        status_code=204,
        guards=[signed_in],
        description=CODES,
        responses=problems(403, 409, 429),
    )
    async def disable(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CodeIn],
        user: NamedDependency[Principal],
        factors: NamedDependency[SecondFactorPort],
        throttle: NamedDependency[SignInThrottle],
    ) -> None:
        """Turn two-factor sign-in off with a fresh code of the app (or a backup code); the
        backup codes stop working. 409 when it is off."""
        await _checked(throttle, user, request, lambda: factors.disable(_token(request), data.code))

    @post(
        "/me/second-factor/backup-codes",
        operation_id="renewBackupCodes",
        guards=[signed_in],
        responses=problems(409),
    )
    async def renew_backup_codes(
        self,
        request: Request[Any, Any, Any],
        user: NamedDependency[Principal],
        factors: NamedDependency[SecondFactorPort],
        throttle: NamedDependency[SignInThrottle],
    ) -> BackupCodes:
        """Ten new backup codes, shown this once; the old ones stop working. 409 when
        two-factor sign-in is off."""
        codes = await _checked(
            throttle, user, request, lambda: factors.renew_backup_codes(_token(request))
        )
        return BackupCodes(codes)
