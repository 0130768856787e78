"""One-time codes sent by mail, to verify an address or recover an account: six digits,
short-lived, single-use, stored only as a salted hash and compared in constant time.

The rules are plain functions (``judge``); the embedded engine keeps codes as ``StoredCode``
documents in the auth service's database. Kratos keeps its own; wrong attempts are counted
in front of either (throttle.py), so the limit is the same in both modes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import msgspec
from beanie import Document

DIGITS = 6
# Wrong codes allowed per address and purpose within a code's lifetime; then 429 until the
# window ends. Five guesses in a million per window.
MAX_ATTEMPTS = 5


class Purpose(StrEnum):
    VERIFY = "verify"
    RECOVER = "recover"


class Verdict(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"


class CodeRefused(Exception):
    """A wrong, expired or used code: one answer, whichever it was."""


class Issued(msgspec.Struct):
    """A code as it is kept: hashed with its own salt."""

    salt: str
    digest: str
    expires_at: datetime
    used: bool = False


class StoredCode(Document):
    # One live code per purpose and address: a new one replaces the last.
    id: str  # type: ignore[assignment]  # key(purpose, email)
    salt: str
    digest: str
    expires_at: datetime
    used: bool = False

    class Settings:
        name = "codes"

    def issued(self) -> Issued:
        # BSON dates carry no zone; they are UTC.
        expires_at = self.expires_at.replace(tzinfo=UTC)
        return Issued(self.salt, self.digest, expires_at, self.used)


def key(purpose: Purpose, email: str) -> str:
    return f"{purpose}:{email}"


def new_code() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def digest(code: str, salt: str) -> str:
    """A leaked database shows no code as is; six digits stay guessable offline, but a code
    lives only minutes."""
    return hmac.new(salt.encode(), code.strip().encode(), hashlib.sha256).hexdigest()


def issue(ttl: timedelta, now: datetime) -> tuple[str, Issued]:
    """A new code, and how it is kept."""
    code, salt = new_code(), secrets.token_hex(16)
    return code, Issued(salt=salt, digest=digest(code, salt), expires_at=now + ttl)


def judge(stored: Issued | None, given: str, now: datetime) -> Verdict:
    """What ``given`` is worth against the stored code. The comparison takes the same time
    however much of the code is right."""
    if stored is None:
        return Verdict.WRONG
    if not hmac.compare_digest(digest(given, stored.salt), stored.digest):
        return Verdict.WRONG
    if stored.used:
        return Verdict.USED
    if stored.expires_at <= now:
        return Verdict.EXPIRED
    return Verdict.OK


def locked_out(failures: int) -> bool:
    return failures >= MAX_ATTEMPTS
