"""Account rules as plain functions over plain values: what a valid email is, and how long
failed sign-ins lock an account or an address out. The password policy is passwords.py."""

from __future__ import annotations

import re

from ticketing.shared.errors import InvalidInput

EMAIL_MAX = 254
WRONG_FACTOR_CODE = "the code is wrong or used already"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def checked_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > EMAIL_MAX or not _EMAIL.match(email):
        raise InvalidInput(
            f"email must look like name@example.com, at most {EMAIL_MAX} characters", field="email"
        )
    return email


# Failed sign-ins: a few are free, then each one locks the account (or the address) out for
# twice as long as the last, up to a cap. An address gets more free attempts than an account:
# a venue or an office signs many people in from one address.
FREE_ATTEMPTS = {"account": 5, "address": 50}
FAILURE_WINDOW_SECONDS = 15 * 60
LOCKOUT_CAP_SECONDS = 15 * 60


def lockout_seconds(failures: int, free: int) -> int:
    """How long to refuse sign-ins after ``failures`` failures in the window (0: not at all)."""
    if failures <= free:
        return 0
    return min(LOCKOUT_CAP_SECONDS, 2 ** min(failures - free - 1, 20))
