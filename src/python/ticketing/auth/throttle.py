"""Failed sign-ins counted in Redis, per account and per client address, and codes sent and
wrong codes per address, so every replica of the auth service sees the same counts. What a
count means is decided in ``rules`` and ``codes``."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis

from ticketing.auth import codes, rules
from ticketing.auth.codes import CodeRefused
from ticketing.shared.errors import TooManyRequests
from ticketing.shared.identity import hash_token

T = TypeVar("T")
# How long a session opened by a password waits for its second factor's code to be counted
# against its account (after that, against the session alone).
CODE_PENDING_SECONDS = 60 * 60


def _address_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class SignInThrottle:
    """Failed sign-ins per account and per address. A wrong second-factor code is a failed
    sign-in of its account too, so guessing codes is limited as guessing passwords is."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix

    def _keys(self, account: str, address: str) -> dict[str, str]:
        return {
            "account": f"{self.prefix}:account:{account}",
            "address": f"{self.prefix}:address:{address}",
        }

    async def check(self, email: str, address: str) -> None:
        """Raise TooManyRequests while the account or the address is locked out."""
        await self._check(_address_key(email), address)

    async def failed(self, email: str, address: str) -> None:
        await self._failed(_address_key(email), address)

    async def succeeded(self, email: str, address: str) -> None:
        """The account's own count starts again; the address's does not (one address may try
        many accounts)."""
        await self.redis.delete(f"{self._keys(_address_key(email), address)['account']}:failures")

    async def awaiting_code(self, token: str, email: str) -> None:
        """A password opened ``token``'s session, which waits for its second factor: its
        codes count against the account (the email hashed: Redis need not hold who signs in)."""
        key = f"{self.prefix}:pending:{hash_token(token)}"
        await self.redis.set(key, _address_key(email), ex=CODE_PENDING_SECONDS)

    async def code(self, token: str, address: str, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run ``attempt`` (which raises ``CodeRefused`` for a wrong code) within the limits of
        the account whose session ``token`` waits for a code; the account's count starts again
        after a right one."""
        pending = f"{self.prefix}:pending:{hash_token(token)}"
        account = (await self.redis.get(pending) or b"").decode() or hash_token(token)[:32]
        await self._check(account, address)
        try:
            done = await attempt()
        except CodeRefused:
            await self._failed(account, address)
            raise
        await self.redis.delete(pending, f"{self._keys(account, address)['account']}:failures")
        return done

    async def account_code(
        self, email: str, address: str, attempt: Callable[[], Awaitable[T]]
    ) -> T:
        """Run ``attempt`` (a code of a signed-in account) within the sign-in limits."""
        await self.check(email, address)
        try:
            return await attempt()
        except CodeRefused:
            await self.failed(email, address)
            raise

    async def _check(self, account: str, address: str) -> None:
        for key in self._keys(account, address).values():
            wait = await self.redis.pttl(f"{key}:lock")
            if wait > 0:
                raise TooManyRequests(
                    "Too many failed sign-ins; wait before trying again.",
                    retry_after=-(-wait // 1000),
                )

    async def _failed(self, account: str, address: str) -> None:
        for kind, key in self._keys(account, address).items():
            failures = await self.redis.incr(f"{key}:failures")
            await self.redis.expire(f"{key}:failures", rules.FAILURE_WINDOW_SECONDS)
            lock = rules.lockout_seconds(failures, rules.FREE_ATTEMPTS[kind])
            if lock:
                await self.redis.set(f"{key}:lock", "1", ex=lock)


class CodeLimits:
    """How often an address may be sent a code, and how many wrong codes it may be sent, per
    purpose, counted in Redis the same for unknown addresses as for known ones (so a 429
    tells nothing about an account) and the same in front of Kratos as of the embedded engine."""

    def __init__(self, redis: Redis, prefix: str, interval_seconds: int, window_seconds: int):
        self.redis = redis
        self.prefix = prefix
        self.interval = interval_seconds
        self.window = window_seconds

    def _key(self, kind: str, purpose: str, email: str) -> str:
        return f"{self.prefix}:{kind}:{purpose}:{_address_key(email)}"

    async def _refuse(self, key: str, detail: str) -> None:
        wait = await self.redis.pttl(key)
        raise TooManyRequests(detail, retry_after=max(1, -(-wait // 1000)))

    async def sending(self, purpose: str, email: str) -> None:
        """Raise TooManyRequests if a code went to this address less than the interval ago."""
        key = self._key("sent", purpose, email)
        if self.interval and not await self.redis.set(key, "1", nx=True, ex=self.interval):
            await self._refuse(key, "A code was sent to this address a moment ago; wait for it.")

    async def check(self, purpose: str, email: str) -> None:
        """Raise TooManyRequests once the address has had too many wrong codes this window."""
        key = self._key("wrong", purpose, email)
        if codes.locked_out(int(await self.redis.get(key) or 0)):
            await self._refuse(key, "Too many wrong codes; wait, then ask for a new code.")

    async def wrong(self, purpose: str, email: str) -> None:
        key = self._key("wrong", purpose, email)
        if await self.redis.incr(key) == 1:  # the window starts at the first wrong code
            await self.redis.expire(key, self.window)
