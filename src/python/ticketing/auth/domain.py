"""Account rules: what a valid email and password are, and the sign-up/in/out flows over the
identity port (the embedded engine, or Ory Kratos)."""

from __future__ import annotations

import contextlib
import hmac
import re

from ticketing.auth.models import User
from ticketing.shared.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from ticketing.shared.identity import (
    EmailTaken,
    IdentityPort,
    InvalidCredentials,
    Principal,
    RegistrationRejected,
    Session,
)
from ticketing.shared.persistence import DuplicateKeyError

EMAIL_MAX = 254
PASSWORD_MIN, PASSWORD_MAX = 8, 128
PASSWORD_RULES = (
    f"{PASSWORD_MIN} to {PASSWORD_MAX} characters, not one character repeated,"
    " and not the email address"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def checked_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > EMAIL_MAX or not _EMAIL.match(email):
        raise InvalidInput(
            f"email must look like name@example.com, at most {EMAIL_MAX} characters", field="email"
        )
    return email


def checked_password(password: str, email: str) -> str:
    if (
        not PASSWORD_MIN <= len(password) <= PASSWORD_MAX
        or len(set(password)) == 1
        or password.strip().lower() == email
    ):
        raise InvalidInput(f"password must be {PASSWORD_RULES}", field="password")
    return password


WEBHOOK_HEADER = "X-Webhook-Secret"


def check_webhook_secret(expected: str | None, given: str | None) -> None:
    """Only Kratos, holding the shared secret, may call the web hook (compared in constant time)."""
    if not expected:
        raise NotFound("the Kratos web hook is off: KRATOS_WEBHOOK_SECRET is not set")
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthenticated(f"the {WEBHOOK_HEADER} header is missing or wrong")


async def remember(principal: Principal) -> None:
    """Keep our own record of a user; doing it twice changes nothing."""
    if await User.get(principal.id) is None:
        with contextlib.suppress(DuplicateKeyError):  # a concurrent call recorded it first
            await User(id=principal.id, email=principal.email).insert()


async def sign_up(identity: IdentityPort, email: str, password: str) -> Session:
    email = checked_email(email)
    password = checked_password(password, email)
    try:
        principal = await identity.register(email, password)
    except EmailTaken:
        raise Conflict("an account with this email exists already", field="email") from None
    except RegistrationRejected as exc:
        raise InvalidInput(str(exc), field=exc.field) from None
    await remember(principal)
    return await identity.login(email, password)


async def sign_in(identity: IdentityPort, email: str, password: str) -> Session:
    try:
        return await identity.login(email.strip().lower(), password)
    except InvalidCredentials:
        raise Unauthenticated("wrong email or password") from None


async def sign_out(identity: IdentityPort, token: str | None) -> None:
    if token:
        await identity.logout(token)
