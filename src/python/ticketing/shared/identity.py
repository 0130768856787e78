"""The identity port and the embedded engine that serves it without Ory Kratos.

Services only ever ask "who holds this session?" (``authenticate``); the auth service also
registers users and opens and closes sessions. With Ory configured, Kratos answers all of it.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from uuid import uuid4

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from beanie import Document, Indexed, init_beanie
from pydantic import Field
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

# Cookie the auth service sets; it holds the same token clients may send as a bearer token.
SESSION_COOKIE = "session_token"
# Cookie Kratos' browser flows set; forwarded to Kratos as is (Ory mode only).
KRATOS_COOKIE = "ory_kratos_session"


class Principal(msgspec.Struct, frozen=True):
    """A signed-in user."""

    id: str
    email: str


class Session(msgspec.Struct, frozen=True):
    token: str
    principal: Principal
    expires_at: datetime


class Registration(msgspec.Struct, frozen=True):
    """What registering made: the user; their first session, where the provider opened one;
    and the flow the provider mailed the first verification code on, where it did (Kratos)."""

    principal: Principal
    session: Session | None = None
    verification_flow: str | None = None


class Credentials(msgspec.Struct, frozen=True):
    """What a request carried: a session token (header or our cookie) and/or a Kratos cookie."""

    token: str | None = None
    kratos_cookie: str | None = None


class EmailTaken(Exception):
    pass


class InvalidCredentials(Exception):
    pass


class RegistrationRejected(Exception):
    """The identity provider refused the traits or password; ``field`` names which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class IdentityPort(Protocol):
    async def register(self, email: str, password: str, *, sign_in: bool = False) -> Registration:
        """Create the identity; with ``sign_in``, also its first session where the provider
        opens one at registration (the embedded engine; Kratos with its ``session`` hook),
        which spares hashing the password a second time to sign in."""
        ...

    async def login(self, email: str, password: str) -> Session: ...

    async def logout(self, token: str) -> None: ...

    async def authenticate(self, credentials: Credentials) -> Principal | None: ...

    async def ping(self) -> None: ...


class StoredIdentity(Document):
    id: str = Field(default_factory=lambda: str(uuid4()))  # type: ignore[assignment]
    email: Indexed(str, unique=True)  # type: ignore[valid-type]
    password_hash: str
    email_verified: bool = False
    first_name: str = ""
    last_name: str = ""
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    # The second factor, as Kratos keeps its totp and lookup_secret credentials (the auth
    # service's factors_embedded.py): the confirmed TOTP secret, one being enrolled, the last
    # time step a code was accepted for (a code works once), the unused backup codes hashed.
    totp_secret: str | None = None
    totp_pending: str | None = None
    totp_last_step: int = 0
    backup_codes: list[str] = Field(default_factory=list)

    class Settings:
        name = "identities"


class StoredSession(Document):
    # Only a hash of the token is stored: a leaked database yields no usable sessions.
    token_hash: Indexed(str, unique=True)  # type: ignore[valid-type]
    identity_id: Indexed(str)  # type: ignore[valid-type]
    email: str
    expires_at: datetime
    authenticated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    # Authenticator assurance level: aal1 after a password, aal2 after a second factor. A
    # session of an account with a second factor serves nobody until it is aal2.
    aal: str = "aal1"
    code_pending: bool = False

    class Settings:
        name = "sessions"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): the library's defaults
# (64 MiB, 3 passes, 4 lanes) made a dozen concurrent sign-ups take seconds on two cores.
# Hashes carry their parameters, so older hashes still verify.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Hashing runs off the event loop on at most one thread per core: a burst of sign-ins (an
# attack included) queues for the hasher instead of starving every other request.
_HASHING = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="argon2")
# Verified when the email is unknown, so that answer takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_HASHING, HASHER.hash, password)


async def password_matches(password_hash: str, password: str) -> bool:
    try:
        await asyncio.get_running_loop().run_in_executor(
            _HASHING, HASHER.verify, password_hash, password
        )
    except (VerificationError, InvalidHashError):
        return False
    return True


class EmbeddedIdentity:
    """Identities and sessions in a MongoDB database every service shares, as they share Kratos.

    Passwords are hashed with argon2id; tokens are 256-bit random and stored hashed.
    """

    def __init__(
        self,
        client: AsyncMongoClient[dict[str, Any]],
        database: str,
        session_ttl: timedelta,
    ) -> None:
        self._client = client
        self._database = database
        self._ttl = session_ttl

    async def init(self) -> None:
        await init_beanie(
            database=self._client[self._database], document_models=[StoredIdentity, StoredSession]
        )

    async def ping(self) -> None:
        await self._client.admin.command("ping")

    async def register(self, email: str, password: str, *, sign_in: bool = False) -> Registration:
        identity = StoredIdentity(email=email, password_hash=await hash_password(password))
        try:
            await identity.insert()
        except DuplicateKeyError:
            raise EmailTaken(email) from None
        principal = Principal(id=identity.id, email=identity.email)
        return Registration(principal, await self._open(identity) if sign_in else None)

    async def login(self, email: str, password: str) -> Session:
        identity = await StoredIdentity.find_one(StoredIdentity.email == email)
        known = identity.password_hash if identity else _DUMMY_HASH
        if not await password_matches(known, password) or identity is None:
            raise InvalidCredentials
        return await self._open(identity)

    async def _open(self, identity: StoredIdentity) -> Session:
        token = secrets.token_urlsafe(32)
        expires_at = datetime.now(UTC) + self._ttl
        await StoredSession(
            token_hash=hash_token(token),
            identity_id=identity.id,
            email=identity.email,
            expires_at=expires_at,
            code_pending=identity.totp_secret is not None,
        ).insert()
        principal = Principal(id=identity.id, email=identity.email)
        return Session(token=token, principal=principal, expires_at=expires_at)

    async def logout(self, token: str) -> None:
        await StoredSession.find(StoredSession.token_hash == hash_token(token)).delete()

    async def authenticate(self, credentials: Credentials) -> Principal | None:
        if not credentials.token:
            return None
        # Every request of every service asks this: a raw read of three fields, no document.
        session = await StoredSession.get_pymongo_collection().find_one(
            {"token_hash": hash_token(credentials.token), "code_pending": {"$ne": True}},
            projection={"_id": 0, "identity_id": 1, "email": 1, "expires_at": 1},
        )
        if session is None:
            return None
        # BSON dates carry no zone; they are UTC whether or not the client says so.
        if session["expires_at"].replace(tzinfo=UTC) <= datetime.now(UTC):
            return None
        return Principal(id=session["identity_id"], email=session["email"])
