"""The self-service side of an account, as a port: verifying the address, recovering a lost
password, changing password, email and name, and seeing and ending one's sessions.

Two implementations keep the same contract (auth/tests/test_accounts_contract.py): the embedded
engine (embedded.py: codes in our database, mail through the ``EmailSender``) and Kratos'
native self-service flows (kratos.py: Kratos keeps the codes and its courier sends the mail).
Neither says whether an address has an account: asking for a code for an unknown address
quietly sends nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

import msgspec


class Profile(msgspec.Struct, frozen=True):
    id: str
    email: str
    email_verified: bool
    first_name: str = ""
    last_name: str = ""


class SessionInfo(msgspec.Struct, frozen=True):
    id: str
    current: bool  # the session this request came with
    authenticated_at: datetime
    expires_at: datetime


class Registrations(Protocol):
    """What signing up and signing in ask of the account port (an ``AccountsPort`` is one)."""

    async def registered(self, email: str, verification_flow: str | None) -> None: ...

    async def profile(self, token: str) -> Profile: ...


@runtime_checkable  # Litestar checks what a dependency provides against its type
class AccountsPort(Protocol):
    async def registered(self, email: str, verification_flow: str | None) -> None:
        """A new account's address gets its verification code (Kratos mailed it already, on
        ``verification_flow``)."""

    async def send_verification(self, email: str) -> None:
        """A new verification code to an unverified address; nothing otherwise."""

    async def verify(self, email: str, code: str) -> None:
        """Mark the address verified; ``CodeRefused`` for a wrong, expired or used code."""

    async def send_recovery(self, email: str) -> None:
        """A recovery code to the address if it has an account; nothing otherwise."""

    async def recover(self, email: str, code: str, password: str) -> None:
        """Set a new password and end every session of the account; ``CodeRefused``."""

    async def profile(self, token: str) -> Profile:
        """Who holds the session; ``InvalidCredentials`` for no live session."""

    async def change_password(self, token: str, current: str, new: str) -> None:
        """``InvalidCredentials`` when ``current`` is wrong; ends the account's other sessions."""

    async def change_profile(self, token: str, email: str, first: str, last: str) -> Profile:
        """A new email is unverified and gets a code; ``EmailTaken`` if another account has it."""

    async def sessions(self, token: str) -> list[SessionInfo]:
        """The account's live sessions, this one first."""

    async def end_session(self, token: str, session_id: str) -> bool:
        """End one of the account's sessions; False if it has no such session."""

    async def end_sessions(self, token: str) -> None:
        """End every session of the account, this one included."""
