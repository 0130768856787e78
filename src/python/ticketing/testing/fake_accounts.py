"""In-memory fakes of the auth service's ports, for its unit tier: the identity provider, what
sign-in asks of the account and second-factor ports, and the sign-in counts. They keep the
contracts the real adapters are held to (auth/tests/test_accounts_contract.py,
test_factors_contract.py, shared/tests/test_identity_contract.py); never used outside tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from ticketing.auth.accounts import Profile
from ticketing.auth.codes import CodeRefused
from ticketing.auth.factors import NoCodePending
from ticketing.shared.errors import TooManyRequests
from ticketing.shared.identity import (
    Credentials,
    EmailTaken,
    InvalidCredentials,
    Principal,
    Registration,
    Session,
)

T = TypeVar("T")
EXPIRES = datetime(2026, 6, 2, tzinfo=UTC)


@dataclass
class FakeIdentity:
    """Accounts and sessions in dicts. ``opens_sessions=False`` plays a provider that opens no
    session at registration (Kratos)."""

    opens_sessions: bool = True
    passwords: dict[str, tuple[Principal, str]] = field(default_factory=dict)
    sessions: dict[str, Principal] = field(default_factory=dict)

    async def register(self, email: str, password: str, *, sign_in: bool = False) -> Registration:
        if email in self.passwords:
            raise EmailTaken(email)
        principal = Principal(id=f"user-{len(self.passwords) + 1}", email=email)
        self.passwords[email] = (principal, password)
        opened = self._open(principal) if sign_in and self.opens_sessions else None
        return Registration(principal, opened)

    async def login(self, email: str, password: str) -> Session:
        known = self.passwords.get(email)
        if known is None or known[1] != password:
            raise InvalidCredentials(email)
        return self._open(known[0])

    async def logout(self, token: str) -> None:
        self.sessions.pop(token, None)

    async def authenticate(self, credentials: Credentials) -> Principal | None:
        return self.sessions.get(credentials.token or "")

    async def ping(self) -> None:
        return None

    def _open(self, principal: Principal) -> Session:
        token = f"token-{len(self.sessions) + 1}"
        self.sessions[token] = principal
        return Session(token, principal, EXPIRES)


@dataclass
class FakeRegistrations:
    """Which addresses were registered (with the provider's flow) and which are verified."""

    identity: FakeIdentity
    registered_flows: dict[str, str | None] = field(default_factory=dict)
    verified: set[str] = field(default_factory=set)

    async def registered(self, email: str, verification_flow: str | None) -> None:
        self.registered_flows[email] = verification_flow

    async def profile(self, token: str) -> Profile:
        principal = self.identity.sessions.get(token)
        if principal is None:
            raise InvalidCredentials(token)
        return Profile(principal.id, principal.email, principal.email in self.verified)


@dataclass
class FakeFactors:
    """Accounts (by email) with a second factor, one valid code each, spent once used."""

    codes: dict[str, str] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)  # token -> email

    async def needs_code(self, session: Session) -> bool:
        if session.principal.email not in self.codes:
            return False
        self.pending[session.token] = session.principal.email
        return True

    async def complete_sign_in(self, token: str, code: str) -> str:
        email = self.pending.get(token)
        if email is None:
            raise NoCodePending(token)
        if self.codes.get(email) != code:
            raise CodeRefused(code)
        del self.pending[token], self.codes[email]  # a code works once
        return token


@dataclass
class FakeThrottle:
    """Failed sign-ins counted per account; ``limit`` of them lock it (no address, no time)."""

    limit: int = 3
    failures: Counter[str] = field(default_factory=Counter)
    awaiting: dict[str, str] = field(default_factory=dict)  # token -> email

    async def check(self, email: str, address: str) -> None:
        if self.failures[email] >= self.limit:
            raise TooManyRequests("Too many failed sign-ins; wait before trying again.", 60)

    async def failed(self, email: str, address: str) -> None:
        self.failures[email] += 1

    async def succeeded(self, email: str, address: str) -> None:
        self.failures.pop(email, None)

    async def awaiting_code(self, token: str, email: str) -> None:
        self.awaiting[token] = email

    async def code(self, token: str, address: str, attempt: Callable[[], Awaitable[T]]) -> T:
        email = self.awaiting.get(token, token)
        await self.check(email, address)
        try:
            done = await attempt()
        except CodeRefused:
            await self.failed(email, address)
            raise
        await self.succeeded(email, address)
        return done
