"""A stand-in for Ory Kratos, used where no Docker engine can run the real one.

A real HTTP server speaking the part of Kratos' public API our adapters call: the same paths,
methods, JSON bodies and status codes as Ory's OpenAPI specification (as the official client
models them), and strict about its input, so that a call our adapter gets wrong fails a test
here as it would against Kratos. State is kept in memory. The native sign-up and sign-in
routes are here; verification, recovery, settings and sessions are in kratos_selfservice.py.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any
from uuid import uuid4

from litestar import Litestar, Request, Response, delete, get, post

from ticketing.shared.identity import KRATOS_COOKIE
from ticketing.stack.background import BackgroundServer, StandIn
from ticketing.testing import kratos_factors as factors
from ticketing.testing.kratos_flows import (
    DUPLICATE,
    INVALID_CREDENTIALS,
    Courier,
    Flow,
    Json,
    Refused,
    address_of,
    body_of,
    error,
    input_node,
    new_code,
    now,
    stamp,
    text,
    unauthorized,
)
from ticketing.testing.kratos_selfservice import self_service_routes

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ALREADY_SIGNED_IN = (
    "A valid session was detected and thus login is not possible. Did you forget to set"
    " `?refresh=true`?"
)


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
        self._server = BackgroundServer(self._app())

    def expire_codes(self) -> None:
        """Every code sent so far runs out (as waiting out the code lifespan would)."""
        for flow in self.flows.values():
            flow.code_expires_at = now() - timedelta(seconds=1)

    # State shared with kratos_selfservice.py.

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

    # Sign-up and sign-in.

    def _registration_flow(
        self,
        field_messages: dict[str, list[Json]] | None = None,
        messages: list[Json] | None = None,
    ) -> Json:
        field_messages = field_messages or {}
        nodes = [
            input_node("traits.email", "email", "default", field_messages.get("traits.email")),
            input_node("password", "password", "password", field_messages.get("password")),
        ]
        return self.new_flow("registration").json(nodes, messages)

    def _login_flow(self, refresh: str = "", messages: list[Json] | None = None) -> Json:
        flow = self.new_flow("login", refresh=bool(refresh), session_token=refresh)
        nodes = [
            input_node("identifier", "text", "default"),
            input_node("password", "password", "password"),
        ]
        return flow.json(nodes, messages, refresh=flow.refresh)

    def _app(self) -> Litestar:
        def taken(kind: str, flow_id: str) -> Flow | None:
            flow = self.flows.pop(flow_id, None)
            return flow if flow is not None and flow.kind == kind else None

        @get("/self-service/registration/api")
        async def new_registration() -> Json:
            return self._registration_flow()

        @post("/self-service/registration", status_code=200)
        async def register(request: Request[Any, Any, Any], flow: str) -> Response[Json]:
            if taken("registration", flow) is None:
                return error(404, "The requested flow could not be found.")
            body = await body_of(request)
            traits = (body or {}).get("traits")
            if (
                not body
                or body.get("method") != "password"
                or not isinstance(traits, dict)
                or set(body) - {"method", "password", "traits", "csrf_token", "transient_payload"}
            ):
                return error(
                    400, "The request body is not a valid registration with the password method."
                )
            email, password = str(traits.get("email", "")), str(body.get("password", ""))
            if not EMAIL.fullmatch(email):
                wrong = text(4000001, f'"{email}" is not valid "email"')
                return Response(self._registration_flow({"traits.email": [wrong]}), status_code=400)
            if len(password) < 8:
                short = text(4000003, "The password must be at least 8 characters long.")
                return Response(self._registration_flow({"password": [short]}), status_code=400)
            if self.by_email(email) is not None:
                taken_already = self._registration_flow(messages=[text(DUPLICATE)])
                return Response(taken_already, status_code=400)
            identity_id = str(uuid4())
            self.identities[identity_id] = {
                "id": identity_id,
                "schema_id": "default",
                "schema_url": f"{self.url}/schemas/ZGVmYXVsdA",
                "state": "active",
                "traits": {"email": email},
                "verifiable_addresses": [address_of(email)],
                "recovery_addresses": [{"id": str(uuid4()), "value": email, "via": "email"}],
                "created_at": stamp(),
            }
            self.passwords[identity_id] = password
            verification = await self.verification_for(identity_id, email)
            identity = self.identities[identity_id]
            return Response({"identity": identity, "continue_with": [verification]})

        @get("/self-service/login/api")
        async def new_login(
            request: Request[Any, Any, Any], refresh: bool = False, aal: str = "aal1"
        ) -> Response:
            if not refresh and aal == "aal1":
                return Response(self._login_flow())
            signed_in = self.session_of(request)
            if signed_in is None:
                return error(401, "No valid session credentials found in the request.")
            if aal == "aal2":
                token, session = signed_in
                if session["authenticator_assurance_level"] == "aal2" and not refresh:
                    return error(400, ALREADY_SIGNED_IN, "session_already_available")
                flow = self.new_flow("login", aal="aal2", session_token=token, refresh=refresh)
                nodes = factors.login_nodes()
                return Response({**flow.json(nodes, refresh=refresh), "requested_aal": "aal2"})
            return Response(self._login_flow(refresh=signed_in[0]))

        @post("/self-service/login", status_code=200)
        async def login(request: Request[Any, Any, Any], flow: str) -> Response[Json]:
            started = taken("login", flow)
            if started is None:
                return error(404, "The requested flow could not be found.")
            body = await body_of(request)
            if body and body.get("method") in factors.SECOND_FACTORS:
                signed_in = self.session_of(request)
                if (
                    started.aal != "aal2"
                    or signed_in is None
                    or signed_in[0] != started.session_token
                ):
                    return error(401, "No valid session credentials found in the request.")
                return factors.second_factor_login(self, started, body, *signed_in)
            if not body or body.get("method") != "password" or "identifier" not in body:
                return error(400, "The request body is not a valid login with the password method.")
            identity = self.by_email(str(body["identifier"]))
            signed_in = self.session_of(request)
            if (
                identity is None
                or self.passwords.get(identity["id"]) != body.get("password")
                or (
                    started.refresh
                    and (signed_in is None or signed_in[1]["identity_id"] != identity["id"])
                )
            ):
                refused = self._login_flow(started.session_token, [text(INVALID_CREDENTIALS)])
                return Response(refused, status_code=400)
            if started.refresh and signed_in is not None:  # the same session, authenticated now
                token, session = signed_in
                session["authenticated_at"] = stamp()
            else:
                token, session = self.new_session(identity["id"])
            answered = self.session_json(session)
            if not factors.satisfied(self, session):  # whose it is, only once it is complete
                answered["identity"] = None
            return Response({"session": answered, "session_token": token})

        @delete("/self-service/logout/api", status_code=204)
        async def logout(request: Request[Any, Any, Any]) -> Response[None]:
            body = await body_of(request)
            token = (body or {}).get("session_token")
            if not isinstance(token, str) or token not in self.sessions:
                return Response(None, status_code=403)
            del self.sessions[token]
            return Response(None, status_code=204)

        @get("/sessions/whoami")
        async def whoami(request: Request[Any, Any, Any]) -> Response[Json]:
            signed_in = self.session_of(request)
            if signed_in is None:
                return error(401, "No valid session credentials found in the request.")
            if not factors.satisfied(self, signed_in[1]):
                return factors.aal2_required(self.url)
            return Response(self.session_json(signed_in[1]))

        @get("/admin/identities/{identity_id:str}")
        async def identity(
            identity_id: str, include_credential: list[str] | None = None
        ) -> Response[Json]:
            if identity_id not in self.identities:
                return error(404, "Unable to locate the resource")
            found = factors.credentials(self, identity_id, include_credential or [])
            return Response({**self.identities[identity_id], "credentials": found})

        @get("/admin/sessions/{session_id:str}")
        async def session(session_id: str, expand: list[str] | None = None) -> Response[Json]:
            for held in self.sessions.values():
                if held["id"] == session_id:
                    found = self.session_json(held)
                    if "Identity" not in (expand or []):
                        found.pop("identity")
                    return Response(found)
            return error(404, "Unable to locate the resource")

        @get("/health/ready")
        async def ready() -> Json:
            return {"status": "ok"}

        handlers = [
            *(new_registration, register, new_login, login, logout, whoami, ready),
            *(identity, session),
        ]
        return Litestar(
            [*handlers, *self_service_routes(self)],
            exception_handlers={Refused: lambda _, exc: exc.response},
            before_request=self._authorized,
        )

    async def _authorized(self, request: Request[Any, Any, Any]) -> Response[Json] | None:
        if request.url.path.startswith("/admin/"):
            return unauthorized(request, self.api_key)
        return None
