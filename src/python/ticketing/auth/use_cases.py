"""What the auth service does: sign-up, sign-in (with a second factor where one is enrolled)
and sign-out over the identity port (the embedded engine, or Ory Kratos), deciding with
``rules``. Codes and the self-service flows are codes.py and flows.py."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import structlog

from ticketing.auth.codes import CodeRefused
from ticketing.auth.factors import NoCodePending
from ticketing.auth.models import User
from ticketing.auth.passwords import checked_password
from ticketing.auth.rules import WRONG_FACTOR_CODE, checked_email
from ticketing.shared.errors import Conflict, Forbidden, InvalidInput, Unauthenticated
from ticketing.shared.faults import is_transient
from ticketing.shared.identity import (
    EmailTaken,
    IdentityPort,
    InvalidCredentials,
    Principal,
    RegistrationRejected,
    Session,
)
from ticketing.shared.permissions import GROUPS, PermissionPort
from ticketing.shared.persistence import DuplicateKeyError

if TYPE_CHECKING:
    from ticketing.auth.accounts import AccountsPort
    from ticketing.auth.factors import SecondFactorPort
    from ticketing.auth.throttle import SignInThrottle

log = structlog.get_logger(__name__)


async def remember(principal: Principal) -> None:
    """Keep our own record of a user; doing it twice changes nothing."""
    if await User.get(principal.id) is None:
        with contextlib.suppress(DuplicateKeyError):  # a concurrent call recorded it first
            await User(id=principal.id, email=principal.email).insert()


async def sign_up(
    identity: IdentityPort, accounts: AccountsPort, email: str, password: str, verified_only: bool
) -> tuple[Principal, Session | None]:
    """Register and send the verification code; signed in at once unless sign-in needs a
    verified address (``verified_only``)."""
    email = checked_email(email)
    password = checked_password(password, email)
    try:
        registration = await identity.register(email, password, sign_in=not verified_only)
    except EmailTaken:
        raise Conflict("an account with this email exists already", field="email") from None
    except RegistrationRejected as exc:
        raise InvalidInput(str(exc), field=exc.field) from None
    # From here the account exists. If a dependency fails now, the answer says so (created,
    # no session yet) rather than a 5xx for work that was done: signing in records the user,
    # and a new verification code can be asked for.
    principal, session = registration.principal, registration.session
    try:
        await remember(principal)
        await accounts.registered(email, registration.verification_flow)
        if verified_only or session is not None:
            return principal, session
        return principal, await identity.login(email, password)  # the provider opened none
    except Exception as exc:
        if not is_transient(exc):
            raise
        log.warning("signed up, the rest later", user_id=principal.id, error=repr(exc))
        return principal, None


async def sign_in(
    identity: IdentityPort,
    accounts: AccountsPort,
    factors: SecondFactorPort,
    throttle: SignInThrottle,
    email: str,
    password: str,
    address: str,
    verified_only: bool,
) -> tuple[Session, bool]:
    """The session, and whether it waits for a second-factor code (``complete_sign_in``).
    The same answer, after the same work, for an unknown address as for a wrong password.
    With ``verified_only``, an unverified address is refused (after the right password only,
    and after the code where one is needed)."""
    email = email.strip().lower()
    await throttle.check(email, address)
    try:
        session = await identity.login(email, password)
    except InvalidCredentials:
        await throttle.failed(email, address)
        raise Unauthenticated("wrong email or password") from None
    await remember(session.principal)  # a sign-up interrupted by an outage is completed here
    if await factors.needs_code(session):
        await throttle.awaiting_code(session.token, email)  # the count goes on until the code
        return session, True
    await throttle.succeeded(email, address)
    await _admitted(identity, accounts, session.token, verified_only)
    return session, False


async def complete_sign_in(
    identity: IdentityPort,
    accounts: AccountsPort,
    factors: SecondFactorPort,
    throttle: SignInThrottle,
    token: str | None,
    code: str,
    address: str,
    verified_only: bool,
) -> str:
    """The session ``token`` opened by a password becomes a full one with a TOTP or backup
    code; its token. A wrong code counts as a failed sign-in of the account."""
    if not token:
        raise Unauthenticated("Sign in with your password first.")
    held = token
    try:
        held = await throttle.code(held, address, lambda: factors.complete_sign_in(held, code))
    except CodeRefused:
        raise Forbidden(WRONG_FACTOR_CODE, field="code") from None
    except InvalidCredentials:
        raise Unauthenticated("Sign in with your password first: the session has ended.") from None
    except NoCodePending:
        raise Conflict("this session needs no code: it is signed in already") from None
    await _admitted(identity, accounts, held, verified_only)
    return held


async def _admitted(
    identity: IdentityPort, accounts: AccountsPort, token: str, verified_only: bool
) -> None:
    if verified_only and not (await accounts.profile(token)).email_verified:
        await identity.logout(token)
        raise Forbidden(
            "verify your email address first: enter the code we sent, or ask for a new one",
            field="email",
            rule="verified-email",
        )


async def groups(permissions: PermissionPort, user_id: str) -> set[str]:
    """The groups ``user_id`` is a member of (admin, door), so a client can offer their pages."""
    found = [await permissions.check("Group", g, "members", user_id) for g in GROUPS]
    return {group for group, member in zip(GROUPS, found, strict=True) if member}


async def sign_out(identity: IdentityPort, token: str | None) -> None:
    if token:
        await identity.logout(token)
