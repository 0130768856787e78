"""The password policy, stated once (the OpenAPI shows ``RULES``) and enforced by plain
functions: a length range, not the email address, and not a commonly used password, checked
offline against the bundled list (``common_passwords.txt``, its source in its header)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import NamedTuple

from ticketing.shared.errors import InvalidInput

MIN_LENGTH, MAX_LENGTH = 8, 128
RULES = (
    f"{MIN_LENGTH} to {MAX_LENGTH} characters, not the email address, and not one of the"
    " 11,611 most common passwords of that length (checked offline)"
)


class Rule(NamedTuple):
    name: str  # sent as the problem's ``rule``
    message: str


LENGTH = Rule("length", f"password must be {MIN_LENGTH} to {MAX_LENGTH} characters")
NOT_EMAIL = Rule("not-email", "password must not be the email address")
COMMON = Rule("common", "password must not be a commonly used password")


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("ticketing.auth").joinpath("common_passwords.txt").read_text()
    return frozenset(
        line.casefold() for line in text.splitlines() if line and not line.startswith("#")
    )


def broken_rule(password: str, email: str) -> Rule | None:
    """The first rule ``password`` breaks, or None if it keeps them all."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return LENGTH
    if password.strip().casefold() == email.casefold():
        return NOT_EMAIL
    # One character repeated is as guessable as any listed password.
    if password.casefold() in common_passwords() or len(set(password)) == 1:
        return COMMON
    return None


def checked_password(password: str, email: str) -> str:
    broken = broken_rule(password, email)
    if broken is not None:
        raise InvalidInput(broken.message, field="password", rule=broken.name)
    return password
