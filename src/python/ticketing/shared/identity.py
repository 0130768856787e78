"""The identity port and the embedded engine that serves it without Ory Kratos.

Services only ever ask "who holds this session?" (``authenticate``); the auth service also
registers users and opens and closes sessions. With Ory configured, Kratos answers all of it.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
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
    async def register(self, email: str, password: str) -> Principal: ...

    async def login(self, email: str, password: str) -> Session: ...

    async def logout(self, token: str) -> None: ...

    async def authenticate(self, credentials: Credentials) -> Principal | None: ...

    async def ping(self) -> None: ...


class StoredIdentity(Document):
    id: str = Field(default_factory=lambda: str(uuid4()))  # type: ignore[assignment]
    email: Indexed(str, unique=True)  # type: ignore[valid-type]
    password_hash: str
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    class Settings:
        name = "identities"


class StoredSession(Document):
    # Only a hash of the token is stored: a leaked database yields no usable sessions.
    token_hash: Indexed(str, unique=True)  # type: ignore[valid-type]
    identity_id: str
    email: str
    expires_at: datetime

    class Settings:
        name = "sessions"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
        self._hasher = PasswordHasher()

    async def init(self) -> None:
        await init_beanie(
            database=self._client[self._database], document_models=[StoredIdentity, StoredSession]
        )

    async def ping(self) -> None:
        await self._client.admin.command("ping")

    async def register(self, email: str, password: str) -> Principal:
        # Hashing is deliberately slow CPU work: off the event loop, which serves everyone.
        password_hash = await asyncio.to_thread(self._hasher.hash, password)
        identity = StoredIdentity(email=email, password_hash=password_hash)
        try:
            await identity.insert()
        except DuplicateKeyError:
            raise EmailTaken(email) from None
        return Principal(id=identity.id, email=identity.email)

    async def login(self, email: str, password: str) -> Session:
        identity = await StoredIdentity.find_one(StoredIdentity.email == email)
        try:
            if identity is None:
                raise InvalidCredentials
            await asyncio.to_thread(self._hasher.verify, identity.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise InvalidCredentials from None
        token = secrets.token_urlsafe(32)
        expires_at = datetime.now(UTC) + self._ttl
        await StoredSession(
            token_hash=_hash_token(token),
            identity_id=identity.id,
            email=identity.email,
            expires_at=expires_at,
        ).insert()
        principal = Principal(id=identity.id, email=identity.email)
        return Session(token=token, principal=principal, expires_at=expires_at)

    async def logout(self, token: str) -> None:
        await StoredSession.find(StoredSession.token_hash == _hash_token(token)).delete()

    async def authenticate(self, credentials: Credentials) -> Principal | None:
        if not credentials.token:
            return None
        session = await StoredSession.find_one(
            StoredSession.token_hash == _hash_token(credentials.token)
        )
        if session is None:
            return None
        # BSON dates carry no zone; they are UTC whether or not the client says so.
        if session.expires_at.replace(tzinfo=UTC) <= datetime.now(UTC):
            return None
        return Principal(id=session.identity_id, email=session.email)
