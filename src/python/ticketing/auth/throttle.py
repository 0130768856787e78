"""Failed sign-ins counted in Redis, per account and per client address, so every replica of
the auth service sees the same counts. What a count means is decided in ``domain``."""

from __future__ import annotations

import hashlib

from redis.asyncio import Redis

from ticketing.auth import domain
from ticketing.shared.errors import TooManyRequests


class SignInThrottle:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix

    def _keys(self, email: str, address: str) -> dict[str, str]:
        # The email is hashed: Redis need not hold who tried to sign in.
        account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        return {
            "account": f"{self.prefix}:account:{account}",
            "address": f"{self.prefix}:address:{address}",
        }

    async def check(self, email: str, address: str) -> None:
        """Raise TooManyRequests while the account or the address is locked out."""
        for key in self._keys(email, address).values():
            wait = await self.redis.pttl(f"{key}:lock")
            if wait > 0:
                raise TooManyRequests(
                    "Too many failed sign-ins; wait before trying again.",
                    retry_after=-(-wait // 1000),
                )

    async def failed(self, email: str, address: str) -> None:
        for kind, key in self._keys(email, address).items():
            failures = await self.redis.incr(f"{key}:failures")
            await self.redis.expire(f"{key}:failures", domain.FAILURE_WINDOW_SECONDS)
            lock = domain.lockout_seconds(failures, domain.FREE_ATTEMPTS[kind])
            if lock:
                await self.redis.set(f"{key}:lock", "1", ex=lock)

    async def succeeded(self, email: str, address: str) -> None:
        """The account's own count starts again; the address's does not (one address may try
        many accounts)."""
        await self.redis.delete(f"{self._keys(email, address)['account']}:failures")
