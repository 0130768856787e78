"""The second-factor port served by the embedded engine: the TOTP secret and the hashed backup
codes on the engine's identity, the assurance level on its session (``shared/identity.py``).

A code works once even when two requests race, because the database decides: a TOTP code
moves the identity's last accepted time step forward only if it is later than the last
(compare-and-set), and a backup code is pulled from the list only by the request that finds
it there.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from ticketing.auth import factors
from ticketing.auth.codes import CodeRefused, Verdict
from ticketing.auth.embedded import signed_in
from ticketing.auth.factors import (
    AlreadyEnrolled,
    NoCodePending,
    NotEnrolled,
    SecondFactor,
    TotpEnrolment,
)
from ticketing.shared.identity import (
    Session,
    StoredIdentity,
    StoredSession,
    hash_password,
    password_matches,
)


async def _hashed(codes: list[str]) -> list[str]:
    return list(await asyncio.gather(*(hash_password(code) for code in codes)))


class EmbeddedFactors:
    async def _spend(self, identity: StoredIdentity, code: str) -> None:
        """Accept a TOTP or backup code of the identity once; ``CodeRefused`` otherwise."""
        identities = StoredIdentity.get_pymongo_collection()
        if identity.totp_secret is None:
            raise CodeRefused(Verdict.WRONG)
        if factors.is_totp_code(code):
            step = factors.totp_step(identity.totp_secret, code, datetime.now(UTC))
            if step is None:
                raise CodeRefused(Verdict.WRONG)
            spent = await identities.update_one(
                {"_id": identity.id, "totp_last_step": {"$lt": step}},
                {"$set": {"totp_last_step": step}},
            )
        else:
            given = factors.normal_backup_code(code)
            found = [h for h in identity.backup_codes if await password_matches(h, given)]
            if not found:
                raise CodeRefused(Verdict.WRONG)
            spent = await identities.update_one(
                {"_id": identity.id, "backup_codes": found[0]},
                {"$pull": {"backup_codes": found[0]}},
            )
        if spent.modified_count != 1:
            raise CodeRefused(Verdict.USED)

    async def status(self, token: str) -> SecondFactor:
        session, identity = await signed_in(token)
        return SecondFactor(
            totp=identity.totp_secret is not None,
            backup_codes_left=len(identity.backup_codes),
            aal="aal2" if session.aal == "aal2" else "aal1",
        )

    async def needs_code(self, session: Session) -> bool:
        stored, _ = await signed_in(session.token, pending=True)
        return stored.code_pending

    async def complete_sign_in(self, token: str, code: str) -> str:
        session, identity = await signed_in(token, pending=True)
        if not session.code_pending:
            raise NoCodePending
        await self._spend(identity, code)
        await StoredSession.get_pymongo_collection().update_one(
            {"_id": session.id}, {"$set": {"code_pending": False, "aal": "aal2"}}
        )
        return token

    async def start_totp(self, token: str) -> TotpEnrolment:
        _, identity = await signed_in(token)
        secret = factors.new_secret()
        started = await StoredIdentity.get_pymongo_collection().update_one(
            {"_id": identity.id, "totp_secret": None}, {"$set": {"totp_pending": secret}}
        )
        if started.modified_count != 1:
            raise AlreadyEnrolled
        return factors.enrolment(secret, identity.email)

    async def confirm_totp(self, token: str, code: str) -> list[str]:
        session, identity = await signed_in(token)
        if identity.totp_secret is not None:
            raise AlreadyEnrolled
        pending = identity.totp_pending
        if pending is None:
            raise NotEnrolled
        step = factors.totp_step(pending, code, datetime.now(UTC))
        if step is None:
            raise CodeRefused(Verdict.WRONG)
        backup = factors.new_backup_codes()
        confirmed = await StoredIdentity.get_pymongo_collection().update_one(
            {"_id": identity.id, "totp_secret": None, "totp_pending": pending},
            {
                "$set": {
                    "totp_secret": pending,
                    "totp_pending": None,
                    "totp_last_step": step,
                    "backup_codes": await _hashed(backup),
                }
            },
        )
        if confirmed.modified_count != 1:  # another request confirmed or restarted it first
            raise AlreadyEnrolled
        sessions = StoredSession.get_pymongo_collection()
        # This session proved the factor; the account's others must, as after a sign-in.
        await sessions.update_one({"_id": session.id}, {"$set": {"aal": "aal2"}})
        await sessions.update_many(
            {"identity_id": identity.id, "_id": {"$ne": session.id}, "aal": {"$ne": "aal2"}},
            {"$set": {"code_pending": True}},
        )
        return backup

    async def disable(self, token: str, code: str) -> None:
        _, identity = await signed_in(token)
        if identity.totp_secret is None:
            raise NotEnrolled
        await self._spend(identity, code)
        await StoredIdentity.get_pymongo_collection().update_one(
            {"_id": identity.id},
            {"$set": {"totp_secret": None, "totp_pending": None, "backup_codes": []}},
        )
        await StoredSession.get_pymongo_collection().update_many(
            {"identity_id": identity.id}, {"$set": {"code_pending": False}}
        )

    async def renew_backup_codes(self, token: str) -> list[str]:
        _, identity = await signed_in(token)
        backup = factors.new_backup_codes()
        renewed = await StoredIdentity.get_pymongo_collection().update_one(
            {"_id": identity.id, "totp_secret": {"$ne": None}},
            {"$set": {"backup_codes": await _hashed(backup)}},
        )
        if renewed.modified_count != 1:
            raise NotEnrolled
        return backup
