"""The self-service flows over the account port: codes asked for and confirmed (within their
limits), a lost password recovered, password, email and name changed. Plain async functions,
as in use_cases.py; the routes only parse and call them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from beanie.operators import Set

from ticketing.auth.codes import CodeRefused, Purpose
from ticketing.auth.models import User
from ticketing.auth.passwords import checked_password
from ticketing.auth.rules import checked_email
from ticketing.shared.errors import Conflict, Forbidden, InvalidInput, Unauthenticated
from ticketing.shared.identity import EmailTaken, InvalidCredentials

if TYPE_CHECKING:
    from ticketing.auth.accounts import AccountsPort, Profile
    from ticketing.auth.throttle import CodeLimits

WRONG_CODE = "the code is wrong, expired or used already; ask for a new one"


async def send_code(
    accounts: AccountsPort, limits: CodeLimits, purpose: Purpose, email: str
) -> None:
    """Send a code if the address may have one; the caller's answer is the same either way."""
    email = checked_email(email)
    await limits.sending(purpose, email)
    if purpose is Purpose.VERIFY:
        await accounts.send_verification(email)
    else:
        await accounts.send_recovery(email)


async def _redeem(
    limits: CodeLimits, purpose: Purpose, email: str, attempt: Callable[[], Awaitable[None]]
) -> None:
    await limits.check(purpose, email)
    try:
        await attempt()
    except CodeRefused:
        await limits.wrong(purpose, email)
        # 403, not 400: the request is well formed; the code just does not grant it.
        raise Forbidden(WRONG_CODE, field="code") from None


async def verify(accounts: AccountsPort, limits: CodeLimits, email: str, code: str) -> None:
    email = checked_email(email)
    await _redeem(limits, Purpose.VERIFY, email, lambda: accounts.verify(email, code))


async def recover(
    accounts: AccountsPort, limits: CodeLimits, email: str, code: str, password: str
) -> None:
    """A new password (checked before the code is spent); every session of the account ends."""
    email = checked_email(email)
    password = checked_password(password, email)
    await _redeem(limits, Purpose.RECOVER, email, lambda: accounts.recover(email, code, password))


async def change_password(
    accounts: AccountsPort, token: str, email: str, current: str, new: str
) -> None:
    new = checked_password(new, email)
    try:
        await accounts.change_password(token, current, new)
    except InvalidCredentials:
        raise InvalidInput("the current password is wrong", field="current_password") from None


async def change_profile(
    accounts: AccountsPort, token: str, email: str, first_name: str, last_name: str
) -> Profile:
    """A changed email needs verifying again (a code goes to it); our user record follows."""
    email = checked_email(email)
    try:
        profile = await accounts.change_profile(token, email, first_name.strip(), last_name.strip())
    except EmailTaken:
        raise Conflict("an account with this email exists already", field="email") from None
    await User.find_one(User.id == profile.id).update(Set({User.email: profile.email}))
    return profile


async def profile_of(accounts: AccountsPort, token: str | None) -> Profile:
    if not token:
        raise Unauthenticated("Sign in first: send a session token or cookie.")
    try:
        return await accounts.profile(token)
    except InvalidCredentials:
        raise Unauthenticated("Sign in first: the session has ended.") from None
