"""The account port in Ory mode, through Kratos' native self-service flows (ory-kratos-client).

Kratos' courier mails the verification code after registration itself. Served so far: who
holds a session and whether their address is verified (what sign-in needs). Verification,
recovery, settings and sessions through Kratos' flows are not served yet (issue #15): those
endpoints answer 501 in Ory mode, naming what to use instead.
"""

from __future__ import annotations

import ory_kratos_client as kratos
from ory_kratos_client.exceptions import ApiException as KratosError

from ticketing.auth.accounts import Profile, SessionInfo
from ticketing.shared.errors import NotServed
from ticketing.shared.identity import InvalidCredentials
from ticketing.shared.ory import call, principal_of

NOT_YET = (
    "this account flow is not served through Kratos yet; use Kratos' own self-service"
    " flows (verification, recovery, settings) meanwhile"
)


class KratosAccounts:
    def __init__(self, public_url: str) -> None:
        self.frontend = kratos.FrontendApi(kratos.ApiClient(kratos.Configuration(host=public_url)))

    async def registered(self, email: str) -> None:
        """Nothing to do: Kratos mails the code itself after a registration."""

    async def profile(self, token: str) -> Profile:
        try:
            session = await call(self.frontend.to_session, x_session_token=token)
        except KratosError as exc:
            if exc.status in (401, 403):
                raise InvalidCredentials from None
            raise
        if not session.active or session.identity is None:
            raise InvalidCredentials
        principal = principal_of(session.identity)
        addresses = session.identity.verifiable_addresses or []
        verified = any(a.verified and a.value == principal.email for a in addresses)
        return Profile(id=principal.id, email=principal.email, email_verified=verified)

    async def send_verification(self, email: str) -> None:
        raise NotServed(NOT_YET)

    async def verify(self, email: str, code: str) -> None:
        raise NotServed(NOT_YET)

    async def send_recovery(self, email: str) -> None:
        raise NotServed(NOT_YET)

    async def recover(self, email: str, code: str, password: str) -> None:
        raise NotServed(NOT_YET)

    async def change_password(self, token: str, current: str, new: str) -> None:
        raise NotServed(NOT_YET)

    async def change_profile(self, token: str, email: str, first: str, last: str) -> Profile:
        raise NotServed(NOT_YET)

    async def sessions(self, token: str) -> list[SessionInfo]:
        raise NotServed(NOT_YET)

    async def end_session(self, token: str, session_id: str) -> bool:
        raise NotServed(NOT_YET)

    async def end_sessions(self, token: str) -> None:
        raise NotServed(NOT_YET)
