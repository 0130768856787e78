"""The account port served by the embedded engine: the engine's identities and sessions
(``shared/identity.py``), one-time codes in the auth service's database (codes.py), and mail
through the ``EmailSender`` (mail.py), doing what Kratos and its courier do in Ory mode."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import msgspec
from beanie.operators import Set
from bson import ObjectId
from bson.errors import InvalidId
from pymongo.errors import DuplicateKeyError

from ticketing.auth import codes
from ticketing.auth.accounts import Profile, SessionInfo
from ticketing.auth.codes import CodeRefused, Purpose, StoredCode
from ticketing.auth.mail import EmailSender, Mail, recovery_mail, verification_mail
from ticketing.shared.identity import (
    EmailTaken,
    InvalidCredentials,
    StoredIdentity,
    StoredSession,
    hash_password,
    hash_token,
    password_matches,
)


def _profile(identity: StoredIdentity) -> Profile:
    return Profile(
        id=identity.id,
        email=identity.email,
        email_verified=identity.email_verified,
        first_name=identity.first_name,
        last_name=identity.last_name,
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)  # BSON dates carry no zone; they are UTC


async def signed_in(token: str, *, pending: bool = False) -> tuple[StoredSession, StoredIdentity]:
    """The live session of ``token`` and its identity; a session still waiting for its second
    factor only where ``pending`` allows it."""
    session = await StoredSession.find_one(StoredSession.token_hash == hash_token(token))
    if (
        session is None
        or _utc(session.expires_at) <= datetime.now(UTC)
        or (session.code_pending and not pending)
    ):
        raise InvalidCredentials
    identity = await StoredIdentity.get(session.identity_id)
    if identity is None:
        raise InvalidCredentials
    return session, identity


class EmbeddedAccounts:
    def __init__(self, sender: EmailSender, code_ttl: timedelta) -> None:
        self.sender = sender
        self.code_ttl = code_ttl

    async def _send_code(
        self, purpose: Purpose, email: str, message: Callable[[str, str, int], Mail]
    ) -> None:
        code, issued = codes.issue(self.code_ttl, datetime.now(UTC))
        # Replaces the address's last code for this purpose.
        await StoredCode(id=codes.key(purpose, email), **msgspec.structs.asdict(issued)).save()
        await self.sender.send(message(email, code, int(self.code_ttl.total_seconds() // 60)))

    async def _redeem(self, purpose: Purpose, email: str, code: str) -> None:
        stored = await StoredCode.get(codes.key(purpose, email))
        verdict = codes.judge(stored.issued() if stored else None, code, datetime.now(UTC))
        if verdict is not codes.Verdict.OK or stored is None:
            raise CodeRefused(verdict)
        # Single use even when two requests race: only one of them turns `used` on.
        spent = await StoredCode.get_pymongo_collection().update_one(
            {"_id": stored.id, "digest": stored.digest, "used": False}, {"$set": {"used": True}}
        )
        if spent.modified_count != 1:
            raise CodeRefused(codes.Verdict.USED)

    async def registered(self, email: str, verification_flow: str | None) -> None:
        await self.send_verification(email)  # no provider flow here: the code is ours to send

    async def send_verification(self, email: str) -> None:
        identity = await StoredIdentity.find_one(StoredIdentity.email == email)
        if identity is not None and not identity.email_verified:
            await self._send_code(Purpose.VERIFY, email, verification_mail)

    async def verify(self, email: str, code: str) -> None:
        await self._redeem(Purpose.VERIFY, email, code)
        await StoredIdentity.find_one(StoredIdentity.email == email).update(
            Set({StoredIdentity.email_verified: True})
        )

    async def send_recovery(self, email: str) -> None:
        if await StoredIdentity.find_one(StoredIdentity.email == email) is not None:
            await self._send_code(Purpose.RECOVER, email, recovery_mail)

    async def recover(self, email: str, code: str, password: str) -> None:
        await self._redeem(Purpose.RECOVER, email, code)
        identity = await StoredIdentity.find_one(StoredIdentity.email == email)
        if identity is None:  # the account went away after the code was sent
            raise CodeRefused(codes.Verdict.WRONG)
        await identity.update(Set({StoredIdentity.password_hash: await hash_password(password)}))
        await StoredSession.find(StoredSession.identity_id == identity.id).delete()

    async def profile(self, token: str) -> Profile:
        return _profile((await signed_in(token))[1])

    async def change_password(self, token: str, current: str, new: str) -> None:
        session, identity = await signed_in(token)
        if not await password_matches(identity.password_hash, current):
            raise InvalidCredentials
        await identity.update(Set({StoredIdentity.password_hash: await hash_password(new)}))
        await StoredSession.find(
            StoredSession.identity_id == identity.id, StoredSession.id != session.id
        ).delete()

    async def change_profile(self, token: str, email: str, first: str, last: str) -> Profile:
        _, identity = await signed_in(token)
        changes: dict[str, object] = {"first_name": first, "last_name": last}
        new_email = email != identity.email
        if new_email:
            changes |= {"email": email, "email_verified": False}
        try:
            await StoredIdentity.get_pymongo_collection().update_one(
                {"_id": identity.id}, {"$set": changes}
            )
        except DuplicateKeyError:
            raise EmailTaken(email) from None
        if new_email:
            await StoredSession.find(StoredSession.identity_id == identity.id).update(
                Set({StoredSession.email: email})
            )
            await self.send_verification(email)
        return await self.profile(token)

    async def sessions(self, token: str) -> list[SessionInfo]:
        current, identity = await signed_in(token)
        now = datetime.now(UTC)
        found = [
            SessionInfo(
                id=str(s.id),
                current=s.id == current.id,
                authenticated_at=_utc(s.authenticated_at),
                expires_at=_utc(s.expires_at),
            )
            for s in await StoredSession.find(StoredSession.identity_id == identity.id).to_list()
            if _utc(s.expires_at) > now
        ]
        return sorted(found, key=lambda s: (not s.current, s.authenticated_at))

    async def end_session(self, token: str, session_id: str) -> bool:
        _, identity = await signed_in(token)
        try:
            object_id = ObjectId(session_id)
        except InvalidId:
            return False
        ended = await StoredSession.get_pymongo_collection().delete_one(
            {"_id": object_id, "identity_id": identity.id}
        )
        return ended.deleted_count == 1

    async def end_sessions(self, token: str) -> None:
        _, identity = await signed_in(token)
        await StoredSession.find(StoredSession.identity_id == identity.id).delete()
