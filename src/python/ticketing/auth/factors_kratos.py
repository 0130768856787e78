"""The second-factor port in Ory mode: Kratos' ``totp`` and ``lookup_secret`` settings methods
and its ``aal2`` login, through ory-kratos-client (the chart's kratos.yml enables both methods,
issuer "Ticketing", and requires the highest available level of whoami and of settings).

Kratos binds a TOTP secret to the settings flow that showed it, so the flow is kept between
starting and confirming (``PendingFlow``). It spends a backup code itself but accepts a TOTP
code again while it is valid, so each accepted code is recorded here first (``UsedCode``),
which refuses it a second time; and as it names nobody behind a session waiting for its code,
whose session it is is kept at sign-in (``PendingSignIn``).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import ory_kratos_client as kratos
from ory_kratos_client.exceptions import ApiException as KratosError
from pymongo.errors import DuplicateKeyError

from ticketing.auth import factors
from ticketing.auth.codes import CodeRefused, Verdict
from ticketing.auth.factors import (
    AlreadyEnrolled,
    NoCodePending,
    NotEnrolled,
    SecondFactor,
    TotpEnrolment,
)
from ticketing.auth.kratos import AAL2_REQUIRED, REFRESH_REQUIRED, error_id
from ticketing.auth.models import PendingFlow, PendingSignIn, UsedCode
from ticketing.shared.errors import Forbidden
from ticketing.shared.identity import InvalidCredentials, Session, hash_token
from ticketing.shared.ory import KratosIdentity, call, principal_of

SIGN_IN_AGAIN = "sign in again to change two-factor sign-in: the session is too old for it"
# Longer than a TOTP code stays valid (three 30-second steps).
REPLAY_WINDOW = timedelta(minutes=2)

Lookup = kratos.UpdateSettingsFlowWithLookupMethod
Totp = kratos.UpdateSettingsFlowWithTotpMethod


def _nodes(flow: kratos.SettingsFlow) -> dict[str, Any]:
    """A flow's node attributes by name (inputs) or id (text, images)."""
    found: dict[str, Any] = {}
    for node in flow.ui.nodes:
        attributes = node.attributes.actual_instance
        found[str(getattr(attributes, "name", None) or getattr(attributes, "id", ""))] = attributes
    return found


def _method(code: str) -> Any:
    if factors.is_totp_code(code):
        return kratos.UpdateLoginFlowWithTotpMethod(method="totp", totp_code=code.strip())
    return kratos.UpdateLoginFlowWithLookupSecretMethod(
        method="lookup_secret", lookup_secret=factors.normal_backup_code(code)
    )


def _pending_totp(identity_id: str) -> str:
    return f"totp:{identity_id}"


class KratosFactors:
    def __init__(self, identity: KratosIdentity) -> None:
        self.identity = identity
        self.frontend = identity.frontend
        self.admin = identity.admin

    async def _whoami(self, token: str) -> kratos.Session | None:
        """The live session, or None while it waits for its second factor."""
        try:
            session = await call(self.frontend.to_session, x_session_token=token)
        except KratosError as exc:
            if exc.status == 403 and error_id(exc) == AAL2_REQUIRED:
                return None
            if exc.status in (401, 403):
                raise InvalidCredentials from None
            raise
        if not session.active or session.identity is None:
            raise InvalidCredentials
        return session

    async def _session(self, token: str) -> tuple[kratos.Session, str]:
        """The complete session of ``token`` and its identity's id."""
        session = await self._whoami(token)
        if session is None or session.identity is None:
            raise InvalidCredentials
        return session, session.identity.id

    async def _credentials(self, identity_id: str) -> dict[str, kratos.IdentityCredentials]:
        identity = await call(
            self.admin.get_identity, id=identity_id, include_credential=["lookup_secret"]
        )
        return identity.credentials or {}

    async def _spend(self, identity_id: str, code: str) -> None:
        """Record ``code`` as used; ``CodeRefused`` if it was, lately."""
        now = datetime.now(UTC)
        key = f"{identity_id}:{factors.normal_backup_code(code)}"
        try:
            await UsedCode.get_pymongo_collection().update_one(
                {
                    "_id": hashlib.sha256(key.encode()).hexdigest(),
                    "used_at": {"$lt": now - REPLAY_WINDOW},
                },
                {"$set": {"used_at": now}},
                upsert=True,
            )
        except DuplicateKeyError:
            raise CodeRefused(Verdict.USED) from None

    async def _second_factor(
        self, token: str, code: str, *, refresh: bool
    ) -> kratos.SuccessfulNativeLogin:
        """An aal2 login of the session with ``code``."""
        try:
            flow = await call(
                self.frontend.create_native_login_flow,
                aal="aal2",
                refresh=refresh,
                x_session_token=token,
            )
            done = await call(
                self.frontend.update_login_flow,
                flow=flow.id,
                update_login_flow_body=kratos.UpdateLoginFlowBody(_method(code)),
                x_session_token=token,
            )
        except KratosError as exc:
            if exc.status == 400:  # a wrong or used code
                raise CodeRefused(Verdict.WRONG) from None
            if exc.status in (401, 403):
                raise InvalidCredentials from None
            raise
        return done

    async def _new_settings(self, token: str) -> kratos.SettingsFlow:
        try:
            return await call(self.frontend.create_native_settings_flow, x_session_token=token)
        except KratosError as exc:
            if exc.status in (401, 403):
                raise InvalidCredentials from None
            raise

    async def _settings(self, token: str, flow_id: str, method: Any) -> kratos.SettingsFlow:
        try:
            return await call(
                self.frontend.update_settings_flow,
                flow=flow_id,
                update_settings_flow_body=kratos.UpdateSettingsFlowBody(method),
                x_session_token=token,
            )
        except KratosError as exc:
            if exc.status == 403 and error_id(exc) == REFRESH_REQUIRED:
                raise Forbidden(SIGN_IN_AGAIN) from None
            if exc.status == 400:  # the confirming code is wrong
                raise CodeRefused(Verdict.WRONG) from None
            if exc.status in (404, 410):  # the enrolment's flow is gone: start again
                raise NotEnrolled from None
            if exc.status in (401, 403):
                raise InvalidCredentials from None
            raise

    async def _enrolled(self, token: str) -> str:
        """The id of the identity of ``token``, which has a second factor."""
        _, identity_id = await self._session(token)
        if "totp" not in await self._credentials(identity_id):
            raise NotEnrolled
        return identity_id

    async def status(self, token: str) -> SecondFactor:
        session, identity_id = await self._session(token)
        credentials = await self._credentials(identity_id)
        lookup = credentials.get("lookup_secret")
        secrets = ((lookup.config or {}).get("lookup_secrets") or []) if lookup else []
        level = session.authenticator_assurance_level
        return SecondFactor(
            totp="totp" in credentials,
            backup_codes_left=sum(1 for s in secrets if not s.get("used_at")),
            aal="aal2" if getattr(level, "value", level) == "aal2" else "aal1",
        )

    async def needs_code(self, session: Session) -> bool:
        if await self._whoami(session.token) is not None:
            return False
        await PendingSignIn(id=hash_token(session.token), identity_id=session.principal.id).save()
        return True

    async def complete_sign_in(self, token: str, code: str) -> str:
        if await self._whoami(token) is not None:
            raise NoCodePending
        pending = await PendingSignIn.get(hash_token(token))
        if pending is not None:
            await self._spend(pending.identity_id, code)
        done = await self._second_factor(token, code, refresh=False)
        if pending is None:  # a session older than the factor: whose it is is known only now
            try:
                await self._spend(principal_of(done.session.identity).id, code)
            except CodeRefused:
                await self.identity.logout(token)
                raise
        else:
            await pending.delete()
        return done.session_token or token

    async def start_totp(self, token: str) -> TotpEnrolment:
        flow = await self._new_settings(token)
        nodes = _nodes(flow)
        if "totp_unlink" in nodes or "totp_secret_key" not in nodes:
            raise AlreadyEnrolled
        await PendingFlow(id=_pending_totp(flow.identity.id), flow_id=flow.id).save()
        secret = nodes["totp_secret_key"].text.text
        return factors.enrolment(secret, principal_of(flow.identity).email)

    async def confirm_totp(self, token: str, code: str) -> list[str]:
        _, identity_id = await self._session(token)
        pending = await PendingFlow.get(_pending_totp(identity_id))
        if pending is None:
            raise NotEnrolled
        await self._settings(token, pending.flow_id, Totp(method="totp", totp_code=code.strip()))
        await pending.delete()
        await self._spend(identity_id, code)  # refused from now on
        return await self._new_backup_codes(token)

    async def _new_backup_codes(self, token: str) -> list[str]:
        flow = await self._new_settings(token)
        shown = await self._settings(
            token, flow.id, Lookup(method="lookup_secret", lookup_secret_regenerate=True)
        )
        listed = _nodes(shown)["lookup_secret_codes"].text.context or {}
        codes = [str(secret["text"]) for secret in listed.get("secrets") or []]
        await self._settings(
            token, flow.id, Lookup(method="lookup_secret", lookup_secret_confirm=True)
        )
        return codes

    async def disable(self, token: str, code: str) -> None:
        """Kratos unlinks TOTP without a code, so a re-authentication of the second factor
        with ``code`` comes first; the backup codes go too, or they alone would keep asking
        for a second factor."""
        await self._spend(await self._enrolled(token), code)
        await self._second_factor(token, code, refresh=True)
        flow = await self._new_settings(token)
        await self._settings(token, flow.id, Totp(method="totp", totp_unlink=True))
        flow = await self._new_settings(token)
        await self._settings(
            token, flow.id, Lookup(method="lookup_secret", lookup_secret_disable=True)
        )

    async def renew_backup_codes(self, token: str) -> list[str]:
        await self._enrolled(token)
        return await self._new_backup_codes(token)
