"""Two-factor sign-in, as a port, and its rules: TOTP codes (RFC 6238, by ``pyotp``) from an
authenticator app, enrolled from an ``otpauth://`` URI shown as a QR code and as text, and ten
single-use backup codes.

A session opened by a password is at assurance level aal1. When the account has a second
factor, such a session serves nobody until a code lifts it to aal2 (``complete_sign_in``), so
changing the password, the email or the second factor takes an aal2 session. Two
implementations keep one contract (auth/tests/test_factors_contract.py): the embedded engine
(factors_embedded.py) and Kratos' ``totp`` and ``lookup_secret`` methods (factors_kratos.py).
"""

from __future__ import annotations

import hmac
import re
import secrets
import string
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

import msgspec
import pyotp
import segno

from ticketing.shared.identity import Session

ISSUER = "Ticketing"
BACKUP_CODES = 10
BACKUP_LENGTH = 8  # as Kratos' lookup secrets: eight lower-case letters and digits
BACKUP_ALPHABET = string.ascii_lowercase + string.digits
TOTP_CODE = re.compile(r"[0-9]{6}")
# A code of the time step before or after the server's is accepted too (clocks drift).
TOTP_DRIFT_STEPS = 1

Aal = Literal["aal1", "aal2"]


class SecondFactor(msgspec.Struct, frozen=True):
    totp: bool  # an authenticator app is enrolled
    backup_codes_left: int  # unused backup codes
    aal: Aal  # this session's assurance level


class TotpEnrolment(msgspec.Struct, frozen=True):
    """What an authenticator app needs: the URI (as a QR code too) or the secret typed in."""

    secret: str
    uri: str
    qr_svg: str


class BackupCodes(msgspec.Struct, frozen=True):
    """Shown once: only their hashes are kept."""

    backup_codes: list[str]


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def enrolment(secret: str, email: str) -> TotpEnrolment:
    uri = totp_uri(secret, email)
    qr = segno.make(uri, error="m").svg_inline(scale=4, title="Authenticator app QR code")
    return TotpEnrolment(secret=secret, uri=uri, qr_svg=str(qr))


def new_secret() -> str:
    return pyotp.random_base32()


def totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step ``code`` is right for (within the drift), or None for a wrong code."""
    code = code.strip()
    if not TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    for offset in range(-TOTP_DRIFT_STEPS, TOTP_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return int(totp.timecode(now)) + offset
    return None


def is_totp_code(code: str) -> bool:
    return TOTP_CODE.fullmatch(code.strip()) is not None


def new_backup_codes() -> list[str]:
    return [
        "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_LENGTH))
        for _ in range(BACKUP_CODES)
    ]


def normal_backup_code(code: str) -> str:
    """As people type them: any case, with spaces or dashes."""
    return re.sub(r"[\s-]", "", code).lower()


class NotEnrolled(Exception):
    """The account has no second factor (or no enrolment started) for this."""


class AlreadyEnrolled(Exception):
    pass


class NoCodePending(Exception):
    """The session is complete already: it needs no code."""


@runtime_checkable  # Litestar checks what a dependency provides against its type
class SecondFactorPort(Protocol):
    async def status(self, token: str) -> SecondFactor:
        """The account's second factor and the session's level; ``InvalidCredentials``."""

    async def needs_code(self, session: Session) -> bool:
        """Whether a session just opened by a password must be completed with a code."""

    async def complete_sign_in(self, token: str, code: str) -> str:
        """Lift the session to aal2 with a TOTP or backup code; the session's token (Kratos
        may answer a new one). ``CodeRefused``; ``NoCodePending``; ``InvalidCredentials``."""

    async def start_totp(self, token: str) -> TotpEnrolment:
        """A new secret to enrol (replacing one not yet confirmed); ``AlreadyEnrolled``."""

    async def confirm_totp(self, token: str, code: str) -> list[str]:
        """Turn TOTP on with a first code; the ten backup codes. ``CodeRefused``,
        ``NotEnrolled`` (none started), ``AlreadyEnrolled``."""

    async def disable(self, token: str, code: str) -> None:
        """Turn the second factor off with a fresh TOTP or backup code; ``CodeRefused``,
        ``NotEnrolled``."""

    async def renew_backup_codes(self, token: str) -> list[str]:
        """Ten new backup codes; the old ones stop working. ``NotEnrolled``."""
