"""The account port in Ory mode, through Kratos' native self-service flows (ory-kratos-client).

Kratos keeps the codes and its courier mails them. A code belongs to the flow that sent it,
while our API takes the address and the code in separate requests, so the id of the flow that
last mailed a code to an address is kept (``PendingFlow``, per purpose). Every address gets the
same calls, so nothing tells a known one from an unknown one: Kratos itself answers alike and
mails only known addresses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import ory_kratos_client as kratos
from ory_kratos_client.exceptions import ApiException as KratosError

from ticketing.auth import codes
from ticketing.auth.accounts import Profile, SessionInfo
from ticketing.auth.codes import CodeRefused, Purpose, Verdict
from ticketing.auth.models import PendingFlow
from ticketing.shared.errors import Forbidden, InvalidInput
from ticketing.shared.identity import EmailTaken, InvalidCredentials
from ticketing.shared.ory import (
    DUPLICATE_IDENTIFIER,
    FIELDS,
    KratosIdentity,
    call,
    flow_errors,
    principal_of,
    verification_flow,
)

# Kratos answers a settings change that needs a recent sign-in with this error id, and one
# that needs the second factor (a recovery's session, where two-factor sign-in is on) so.
REFRESH_REQUIRED = "session_refresh_required"
AAL2_REQUIRED = "session_aal2_required"
SIGN_IN_AGAIN = "sign in again to change your email address: the session is too old for it"
SECOND_FACTOR_FIRST = (
    "two-factor sign-in is on for this account, and Kratos wants its code before this change;"
    " recovering the account does not take one"
)

T = TypeVar("T")


def error_id(error: KratosError) -> str:
    try:
        return str(json.loads(error.body or "{}").get("error", {}).get("id", ""))
    except (json.JSONDecodeError, AttributeError):
        return ""


def _signed_out(error: KratosError) -> bool:
    return error.status == 401


def _profile(identity: Any) -> Profile:
    principal = principal_of(identity)
    name = (identity.traits or {}).get("name") or {}
    addresses = identity.verifiable_addresses or []
    return Profile(
        id=principal.id,
        email=principal.email,
        email_verified=any(a.verified and a.value == principal.email for a in addresses),
        first_name=str(name.get("first", "")),
        last_name=str(name.get("last", "")),
    )


async def _submit_code(update: Callable[..., T], **kwargs: Any) -> T:
    """Submit a code to the flow that mailed it. Kratos' 400 (submitted too often), 404 (no
    such flow) and 410 (the flow expired) refuse the code as a wrong one is refused."""
    try:
        return await call(update, **kwargs)
    except KratosError as exc:
        if exc.status in (400, 404, 410):
            raise CodeRefused(Verdict.WRONG) from None
        raise


def _code_body(purpose: Purpose, **fields: str) -> dict[str, Any]:
    """The body argument of Kratos' update call for a verification or recovery flow: the code
    method with ``fields`` (the address to mail a code to, or the code that was mailed)."""
    if purpose is Purpose.VERIFY:
        verification = kratos.UpdateVerificationFlowWithCodeMethod(method="code", **fields)
        return {"update_verification_flow_body": kratos.UpdateVerificationFlowBody(verification)}
    recovery = kratos.UpdateRecoveryFlowWithCodeMethod(method="code", **fields)
    return {"update_recovery_flow_body": kratos.UpdateRecoveryFlowBody(recovery)}


class KratosAccounts:
    def __init__(self, identity: KratosIdentity) -> None:
        self.identity = identity
        self.frontend = identity.frontend

    async def _session(self, token: str) -> kratos.Session:
        try:
            session = await call(self.frontend.to_session, x_session_token=token)
        except KratosError as exc:
            if exc.status in (401, 403):
                raise InvalidCredentials from None
            raise
        if not session.active or session.identity is None:
            raise InvalidCredentials
        return session

    async def _remember(self, purpose: Purpose, email: str, flow_id: str) -> None:
        await PendingFlow(id=codes.key(purpose, email), flow_id=flow_id).save()

    async def _pending(self, purpose: Purpose, email: str) -> PendingFlow:
        pending = await PendingFlow.get(codes.key(purpose, email))
        if pending is None:  # no code was ever sent to this address
            raise CodeRefused(Verdict.WRONG)
        return pending

    async def registered(self, email: str, verification_flow: str | None) -> None:
        """Kratos mailed the code itself; keep the flow it did that on."""
        if verification_flow:
            await self._remember(Purpose.VERIFY, email, verification_flow)

    async def _send_code(self, purpose: Purpose, email: str) -> None:
        """Start a native verification or recovery flow; Kratos mails its code to ``email``."""
        update: Callable[..., Any]
        if purpose is Purpose.VERIFY:
            flow_id = (await call(self.frontend.create_native_verification_flow)).id
            update = self.frontend.update_verification_flow
        else:
            flow_id = (await call(self.frontend.create_native_recovery_flow)).id
            update = self.frontend.update_recovery_flow
        await call(update, flow=flow_id, **_code_body(purpose, email=email))
        await self._remember(purpose, email, flow_id)

    async def send_verification(self, email: str) -> None:
        await self._send_code(Purpose.VERIFY, email)

    async def verify(self, email: str, code: str) -> None:
        pending = await self._pending(Purpose.VERIFY, email)
        flow = await _submit_code(
            self.frontend.update_verification_flow,
            flow=pending.flow_id,
            **_code_body(Purpose.VERIFY, code=code),
        )
        if flow.state != "passed_challenge":  # a wrong, expired or used code
            raise CodeRefused(Verdict.WRONG)
        await pending.delete()

    async def send_recovery(self, email: str) -> None:
        await self._send_code(Purpose.RECOVER, email)

    async def recover(self, email: str, code: str, password: str) -> None:
        """The code gets a privileged session and a settings flow for the new password; Kratos'
        ``revoke_active_sessions`` hook ends the older sessions, and this one is ended here."""
        pending = await self._pending(Purpose.RECOVER, email)
        flow = await _submit_code(
            self.frontend.update_recovery_flow,
            flow=pending.flow_id,
            **_code_body(Purpose.RECOVER, code=code),
        )
        follow = [item.actual_instance for item in flow.continue_with or []]
        token = next(
            (
                f.ory_session_token
                for f in follow
                if isinstance(f, kratos.ContinueWithSetOrySessionToken)
            ),
            None,
        )
        settings = next(
            (f.flow.id for f in follow if isinstance(f, kratos.ContinueWithSettingsUi)), None
        )
        if token is None or settings is None:  # a wrong, expired or used code
            raise CodeRefused(Verdict.WRONG)
        await pending.delete()
        try:
            await self._set_password(token, settings, password)
        finally:
            await self.identity.logout(token)

    async def profile(self, token: str) -> Profile:
        session = await self._session(token)
        return _profile(session.identity)

    async def _update_settings(
        self, token: str, method: Any, flow_id: str | None = None
    ) -> kratos.SettingsFlow:
        """One settings update; Kratos' refusals become the port's."""
        if flow_id is None:
            try:
                flow_id = (
                    await call(self.frontend.create_native_settings_flow, x_session_token=token)
                ).id
            except KratosError as exc:
                if _signed_out(exc):
                    raise InvalidCredentials from None
                raise
        try:
            return await call(
                self.frontend.update_settings_flow,
                flow=flow_id,
                update_settings_flow_body=kratos.UpdateSettingsFlowBody(method),
                x_session_token=token,
            )
        except KratosError as exc:
            if _signed_out(exc):
                raise InvalidCredentials from None
            if exc.status == 403 and error_id(exc) == REFRESH_REQUIRED:
                raise Forbidden(SIGN_IN_AGAIN, field="email") from None
            if exc.status == 403 and error_id(exc) == AAL2_REQUIRED:
                raise Forbidden(SECOND_FACTOR_FIRST) from None
            if exc.status != 400:
                raise
            errors = flow_errors(exc)
            if any(message_id == DUPLICATE_IDENTIFIER for _, message_id, _ in errors):
                raise EmailTaken(str(getattr(method, "traits", {}).get("email", ""))) from None
            field, _, text = errors[0] if errors else ("", 0, "Kratos refused the change")
            name = FIELDS.get(field, field.removeprefix("traits.") or "password")
            raise InvalidInput(text, field=name) from None

    async def _set_password(self, token: str, flow_id: str | None, password: str) -> None:
        method = kratos.UpdateSettingsFlowWithPasswordMethod(method="password", password=password)
        await self._update_settings(token, method, flow_id)

    async def change_password(self, token: str, current: str, new: str) -> None:
        """The current password is checked by signing in again in this session (a refresh login,
        which also makes the session privileged, as Kratos requires for a new password)."""
        session = await self._session(token)
        email = principal_of(session.identity).email
        try:
            flow = await call(
                self.frontend.create_native_login_flow, refresh=True, x_session_token=token
            )
            method = kratos.UpdateLoginFlowWithPasswordMethod(
                method="password", identifier=email, password=current
            )
            await call(
                self.frontend.update_login_flow,
                flow=flow.id,
                update_login_flow_body=kratos.UpdateLoginFlowBody(method),
                x_session_token=token,
            )
        except KratosError as exc:
            if exc.status in (400, 401):
                raise InvalidCredentials from None
            raise
        # Kratos' revoke_active_sessions hook ends the account's other sessions.
        await self._set_password(token, None, new)

    async def change_profile(self, token: str, email: str, first: str, last: str) -> Profile:
        """Kratos mails a code to a new address itself; the flow it did that on is kept."""
        name = {key: value for key, value in (("first", first), ("last", last)) if value}
        traits: dict[str, Any] = {"email": email, **({"name": name} if name else {})}
        method = kratos.UpdateSettingsFlowWithProfileMethod(method="profile", traits=traits)
        flow = await self._update_settings(token, method)
        flow_id = verification_flow(flow.continue_with)
        if flow_id:
            await self._remember(Purpose.VERIFY, email, flow_id)
        return _profile(flow.identity)

    async def sessions(self, token: str) -> list[SessionInfo]:
        current = await self._session(token)
        try:
            others = await call(self.frontend.list_my_sessions, x_session_token=token)
        except KratosError as exc:
            if _signed_out(exc):
                raise InvalidCredentials from None
            raise
        found = [
            SessionInfo(
                id=s.id,
                current=s.id == current.id,
                authenticated_at=s.authenticated_at,
                expires_at=s.expires_at,
            )
            for s in [current, *others]
            if s.active is not False and s.authenticated_at and s.expires_at
        ]
        return sorted(found, key=lambda s: (not s.current, s.authenticated_at))

    async def end_session(self, token: str, session_id: str) -> bool:
        current = await self._session(token)
        if session_id == current.id:  # Kratos ends its own session only by signing out
            await self.identity.logout(token)
            return True
        try:
            await call(self.frontend.disable_my_session, id=session_id, x_session_token=token)
        except KratosError as exc:
            if _signed_out(exc):
                raise InvalidCredentials from None
            if exc.status in (400, 404):  # not an id, or not one of this account's sessions
                return False
            raise
        return True

    async def end_sessions(self, token: str) -> None:
        try:
            await call(self.frontend.disable_my_other_sessions, x_session_token=token)
        except KratosError as exc:
            if _signed_out(exc):
                raise InvalidCredentials from None
            raise
        await self.identity.logout(token)
