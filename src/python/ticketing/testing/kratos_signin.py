"""The Kratos stand-in's native sign-up and sign-in (kratos_standin.py): registration with the
password method, login with the password (a refresh too) or, at ``aal2``, a second factor
(kratos_factors.py), logout and whoami, in Kratos' wire format."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency

from ticketing.testing import kratos_factors as factors
from ticketing.testing.kratos_flows import (
    DUPLICATE,
    INVALID_CREDENTIALS,
    Json,
    address_of,
    body_of,
    error,
    input_node,
    stamp,
    text,
)
from ticketing.testing.kratos_selfservice import NO_SESSION

if TYPE_CHECKING:
    from ticketing.testing.kratos_standin import KratosStandIn

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ALREADY_SIGNED_IN = (
    "A valid session was detected and thus login is not possible. Did you forget to set"
    " `?refresh=true`?"
)


class KratosSignInController(Controller):
    """Sign-up, sign-in, sign-out and whoami on Kratos' public API."""

    @get("/self-service/registration/api")
    async def new_registration(self, kratos: NamedDependency[KratosStandIn]) -> Json:
        return registration_flow(kratos)

    @post("/self-service/registration", status_code=200)
    async def register(
        self, request: Request[Any, Any, Any], flow: str, kratos: NamedDependency[KratosStandIn]
    ) -> Response[Json]:
        if kratos.take("registration", flow) is None:
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
            return Response(registration_flow(kratos, {"traits.email": [wrong]}), status_code=400)
        if len(password) < 8:
            short = text(4000003, "The password must be at least 8 characters long.")
            return Response(registration_flow(kratos, {"password": [short]}), status_code=400)
        if kratos.by_email(email) is not None:
            taken_already = registration_flow(kratos, messages=[text(DUPLICATE)])
            return Response(taken_already, status_code=400)
        identity_id = str(uuid4())
        kratos.identities[identity_id] = {
            "id": identity_id,
            "schema_id": "default",
            "schema_url": f"{kratos.url}/schemas/ZGVmYXVsdA",
            "state": "active",
            "traits": {"email": email},
            "verifiable_addresses": [address_of(email)],
            "recovery_addresses": [{"id": str(uuid4()), "value": email, "via": "email"}],
            "created_at": stamp(),
        }
        kratos.passwords[identity_id] = password
        verification = await kratos.verification_for(identity_id, email)
        identity = kratos.identities[identity_id]
        return Response({"identity": identity, "continue_with": [verification]})

    @get("/self-service/login/api")
    async def new_login(
        self,
        request: Request[Any, Any, Any],
        kratos: NamedDependency[KratosStandIn],
        refresh: bool = False,
        aal: str = "aal1",
    ) -> Response:
        if not refresh and aal == "aal1":
            return Response(login_flow(kratos))
        signed_in = kratos.session_of(request)
        if signed_in is None:
            return error(401, NO_SESSION)
        if aal == "aal2":
            token, session = signed_in
            if session["authenticator_assurance_level"] == "aal2" and not refresh:
                return error(400, ALREADY_SIGNED_IN, "session_already_available")
            flow = kratos.new_flow("login", aal="aal2", session_token=token, refresh=refresh)
            nodes = factors.login_nodes()
            return Response({**flow.json(nodes, refresh=refresh), "requested_aal": "aal2"})
        return Response(login_flow(kratos, refresh=signed_in[0]))

    @post("/self-service/login", status_code=200)
    async def login(
        self, request: Request[Any, Any, Any], flow: str, kratos: NamedDependency[KratosStandIn]
    ) -> Response[Json]:
        started = kratos.take("login", flow)
        if started is None:
            return error(404, "The requested flow could not be found.")
        body = await body_of(request)
        if body and body.get("method") in factors.SECOND_FACTORS:
            signed_in = kratos.session_of(request)
            if started.aal != "aal2" or signed_in is None or signed_in[0] != started.session_token:
                return error(401, NO_SESSION)
            return factors.second_factor_login(kratos, started, body, *signed_in)
        if not body or body.get("method") != "password" or "identifier" not in body:
            return error(400, "The request body is not a valid login with the password method.")
        identity = kratos.by_email(str(body["identifier"]))
        signed_in = kratos.session_of(request)
        if (
            identity is None
            or kratos.passwords.get(identity["id"]) != body.get("password")
            or (
                started.refresh
                and (signed_in is None or signed_in[1]["identity_id"] != identity["id"])
            )
        ):
            refused = login_flow(kratos, started.session_token, [text(INVALID_CREDENTIALS)])
            return Response(refused, status_code=400)
        if started.refresh and signed_in is not None:  # the same session, authenticated now
            token, session = signed_in
            session["authenticated_at"] = stamp()
        else:
            token, session = kratos.new_session(identity["id"])
        answered = kratos.session_json(session)
        if not factors.satisfied(kratos, session):  # whose it is, only once it is complete
            answered["identity"] = None
        return Response({"session": answered, "session_token": token})

    @delete("/self-service/logout/api", status_code=204)
    async def logout(
        self, request: Request[Any, Any, Any], kratos: NamedDependency[KratosStandIn]
    ) -> Response[None]:
        body = await body_of(request)
        token = (body or {}).get("session_token")
        if not isinstance(token, str) or token not in kratos.sessions:
            return Response(None, status_code=403)
        del kratos.sessions[token]
        return Response(None, status_code=204)

    @get("/sessions/whoami")
    async def whoami(
        self, request: Request[Any, Any, Any], kratos: NamedDependency[KratosStandIn]
    ) -> Response[Json]:
        signed_in = kratos.session_of(request)
        if signed_in is None:
            return error(401, NO_SESSION)
        if not factors.satisfied(kratos, signed_in[1]):
            return factors.aal2_required(kratos.url)
        return Response(kratos.session_json(signed_in[1]))


def registration_flow(
    kratos: KratosStandIn,
    field_messages: dict[str, list[Json]] | None = None,
    messages: list[Json] | None = None,
) -> Json:
    """A new registration flow, with the messages of the last attempt."""
    field_messages = field_messages or {}
    nodes = [
        input_node("traits.email", "email", "default", field_messages.get("traits.email")),
        input_node("password", "password", "password", field_messages.get("password")),
    ]
    return kratos.new_flow("registration").json(nodes, messages)


def login_flow(
    kratos: KratosStandIn, refresh: str = "", messages: list[Json] | None = None
) -> Json:
    """A new login flow (refreshing the session with the token ``refresh`` if given)."""
    flow = kratos.new_flow("login", refresh=bool(refresh), session_token=refresh)
    nodes = [
        input_node("identifier", "text", "default"),
        input_node("password", "password", "password"),
    ]
    return flow.json(nodes, messages, refresh=flow.refresh)
