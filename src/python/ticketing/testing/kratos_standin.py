"""A stand-in for Ory Kratos, used where no Docker engine can run the real one.

A real HTTP server speaking the part of Kratos' public API our adapters call: the same paths,
methods, JSON bodies and status codes as Ory's OpenAPI specification (as the official client
models them), and strict about its input, so that a call our adapter gets wrong fails a test
here as it would against Kratos. State is kept in memory, in ``KratosStandIn``; its app is
Litestar controllers given the stand-in as the ``kratos`` dependency: sign-up and sign-in
(kratos_signin.py), verification, recovery, settings and sessions (kratos_selfservice.py), and
the admin API (below).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from uuid import uuid4

from litestar import Controller, Litestar, Request, Response, get
from litestar.di import NamedDependency, Provide

from ticketing.shared.identity import KRATOS_COOKIE
from ticketing.stack.background import BackgroundServer, StandIn
from ticketing.testing import kratos_factors as factors
from ticketing.testing.kratos_flows import (
    Courier,
    Flow,
    Json,
    Refused,
    error,
    new_code,
    now,
    stamp,
    unauthorized,
)
from ticketing.testing.kratos_selfservice import KratosSelfServiceController
from ticketing.testing.kratos_signin import KratosSignInController


class KratosStandIn(StandIn):
    """Kratos configured as the chart's ``files/ory/kratos/kratos.yml``: an email trait as the
    identifier, optional first and last name, passwords of at least 8 characters, verification
    and recovery by code (its courier mails them over SMTP to ``smtp`` = (host, port) when
    given), the ``revoke_active_sessions`` hook after recovery and after a password change, and
    settings changing the password or the email only in a session younger than
    ``privileged_session_max_age``. (Its after-registration web hook is not simulated; the auth
    service's tests call that endpoint directly.)
    """

    def __init__(
        self,
        smtp: tuple[str, int] | None = None,
        code_lifespan: timedelta = timedelta(minutes=15),
        flow_lifespan: timedelta = timedelta(hours=1),
        privileged_session_max_age: timedelta = timedelta(minutes=15),
        api_key: str | None = None,
    ) -> None:
        self.identities: dict[str, Json] = {}  # id -> identity
        self.passwords: dict[str, str] = {}  # identity id -> password
        self.sessions: dict[str, Json] = {}  # token -> session (its identity by id)
        self.totp: dict[str, str] = {}  # identity id -> TOTP secret
        self.lookup: dict[str, list[Json]] = {}  # identity id -> backup codes
        self.flows: dict[str, Flow] = {}
        self.courier = Courier(smtp)
        self.code_lifespan = code_lifespan
        self.flow_lifespan = flow_lifespan
        self.privileged_session_max_age = privileged_session_max_age
        self.api_key = api_key  # as Ory Network: the admin API wants it as a bearer token
        app = Litestar(
            [KratosSignInController, KratosSelfServiceController, KratosAdminController],
            dependencies={"kratos": Provide(lambda: self, sync_to_thread=False)},
            signature_namespace={"KratosStandIn": KratosStandIn},
            exception_handlers={Refused: lambda _, exc: exc.response},
            before_request=self._authorized,
        )
        self._server = BackgroundServer(app)

    def expire_codes(self) -> None:
        """Every code sent so far runs out (as waiting out the code lifespan would)."""
        for flow in self.flows.values():
            flow.code_expires_at = now() - timedelta(seconds=1)

    # State the controllers share.

    def new_flow(self, kind: str, **fields: Any) -> Flow:
        flow = Flow(kind, self.url, self.flow_lifespan, **fields)
        self.flows[flow.id] = flow
        return flow

    def by_email(self, email: str) -> Json | None:
        return next((i for i in self.identities.values() if i["traits"]["email"] == email), None)

    def session_json(self, session: Json) -> Json:
        return {**session, "identity": self.identities[session["identity_id"]]}

    def session_of(self, request: Request[Any, Any, Any]) -> tuple[str, Json] | None:
        token = request.headers.get("x-session-token") or request.cookies.get(KRATOS_COOKIE)
        session = self.sessions.get(token or "")
        if token is None or session is None or session["expires_at"] <= stamp():
            return None
        return token, session

    def new_session(self, identity_id: str, method: str = "password") -> tuple[str, Json]:
        token = f"ory_st_{secrets.token_urlsafe(24)}"
        session = {
            "id": str(uuid4()),
            "active": True,
            "authenticator_assurance_level": "aal1",
            "authentication_methods": [{"method": method, "aal": "aal1", "completed_at": stamp()}],
            "expires_at": stamp(now() + timedelta(hours=24)),
            "authenticated_at": stamp(),
            "issued_at": stamp(),
            "identity_id": identity_id,
        }
        self.sessions[token] = session
        return token, session

    def revoke_active_sessions(self, identity_id: str, keep: str = "") -> None:
        """The hook: every session of the identity ends but the one with the token ``keep``."""
        for token in [t for t, s in self.sessions.items() if s["identity_id"] == identity_id]:
            if token != keep:
                del self.sessions[token]

    async def send_code(self, flow: Flow, address: str) -> None:
        """A code to ``address`` on a verification or recovery ``flow`` if an identity has the
        address; nothing otherwise (the answer does not tell who has an account)."""
        flow.state, flow.address = "sent_email", address
        if self.by_email(address) is None:
            return
        code = new_code()
        flow.set_code(code, self.code_lifespan)
        if flow.kind == "verification":
            await self.courier.verification_code(address, code, flow.json([])["ui"]["action"])
        else:
            await self.courier.recovery_code(address, code)

    async def verification_for(self, identity_id: str, address: str) -> Json:
        """What Kratos does when an identity gets a new address: a verification flow with a
        code sent, named in ``continue_with``."""
        flow = self.new_flow("verification", identity_id=identity_id)
        await self.send_code(flow, address)
        return {
            "action": "show_verification_ui",
            "flow": {"id": flow.id, "verifiable_address": address},
        }

    def take(self, kind: str, flow_id: str) -> Flow | None:
        """The flow ``flow_id`` if it is a ``kind`` flow, which a submission uses up."""
        flow = self.flows.pop(flow_id, None)
        return flow if flow is not None and flow.kind == kind else None

    async def _authorized(self, request: Request[Any, Any, Any]) -> Response[Json] | None:
        if request.url.path.startswith("/admin/"):
            return unauthorized(request, self.api_key)
        return None


class KratosAdminController(Controller):
    """Kratos' admin API (identities with their credentials, sessions) and its health."""

    @get("/admin/identities/{identity_id:str}")
    async def identity(
        self,
        identity_id: str,
        kratos: NamedDependency[KratosStandIn],
        include_credential: list[str] | None = None,
    ) -> Response[Json]:
        if identity_id not in kratos.identities:
            return error(404, "Unable to locate the resource")
        found = factors.credentials(kratos, identity_id, include_credential or [])
        return Response({**kratos.identities[identity_id], "credentials": found})

    @get("/admin/sessions/{session_id:str}")
    async def session(
        self,
        session_id: str,
        kratos: NamedDependency[KratosStandIn],
        expand: list[str] | None = None,
    ) -> Response[Json]:
        for held in kratos.sessions.values():
            if held["id"] == session_id:
                found = kratos.session_json(held)
                if "Identity" not in (expand or []):
                    found.pop("identity")
                return Response(found)
        return error(404, "Unable to locate the resource")

    @get("/health/ready")
    async def ready(self) -> Json:
        return {"status": "ok"}
