"""The Kratos stand-in's self-service controller (kratos_standin.py): native verification and
recovery by code, settings (password, profile traits) and the session list, in Kratos' wire
format: flows answered with 200 and their ``ui`` messages (a wrong code too), ``continue_with``
after recovery and after an address changes, errors as Kratos' generic error body."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency

from ticketing.testing import kratos_factors as factors
from ticketing.testing.kratos_flows import (
    DUPLICATE,
    MAX_SUBMISSIONS,
    RECOVERY_CODE_INVALID,
    RECOVERY_SENT,
    SETTINGS_SAVED,
    VERIFICATION_CODE_INVALID,
    VERIFICATION_SENT,
    VERIFIED,
    Flow,
    Json,
    Refused,
    address_of,
    body_of,
    error,
    input_node,
    now,
    stamp,
    text,
)

if TYPE_CHECKING:
    from ticketing.testing.kratos_standin import KratosStandIn

NO_SESSION = "No valid session credentials found in the request."
CODE_FIELDS = {"method", "email", "code", "csrf_token", "transient_payload"}
TOO_OFTEN = "The request was submitted too often. Please request another code."
CODE_SENT = {"verification": VERIFICATION_SENT, "recovery": RECOVERY_SENT}
CODE_INVALID = {"verification": VERIFICATION_CODE_INVALID, "recovery": RECOVERY_CODE_INVALID}
RECOVERED = (
    "You successfully recovered your account. Please change your password or set up an"
    " alternative login method (e.g. social sign in) within the next 15.00 minutes."
)


def _expired(kind: str) -> Response[Json]:
    return error(
        410,
        f"The {kind} flow has expired. Redirect the user to the {kind} flow init endpoint to"
        f" initialize a new {kind} flow.",
        "self_service_flow_expired",
    )


class KratosSelfServiceController(Controller):
    """Verification, recovery and settings flows, and the session list, on Kratos' public API."""

    # Verification and recovery by code are the same flow; they differ in what a right code does.
    @get(["/self-service/verification/api", "/self-service/recovery/api"])
    async def new_code_flow(
        self, request: Request[Any, Any, Any], kratos: NamedDependency[KratosStandIn]
    ) -> Json:
        return kratos.new_flow(request.url.path.split("/")[2]).code_json()

    @post(["/self-service/verification", "/self-service/recovery"], status_code=200)
    async def code_flow(
        self, request: Request[Any, Any, Any], kratos: NamedDependency[KratosStandIn], flow: str
    ) -> Response[Json]:
        kind = request.url.path.split("/")[2]
        found, body = await _code_submission(kratos, request, kind, flow)
        if isinstance(body.get("email"), str):
            await kratos.send_code(found, body["email"].strip().lower())
            return Response(found.code_json([text(CODE_SENT[kind], kind="info")]))
        identity = _redeemed(kratos, found, body)
        if identity is None:
            return Response(found.code_json([text(CODE_INVALID[kind])]))
        found.state = "passed_challenge"
        if kind == "verification":
            return Response(_verified(found, identity))
        return Response(_recovered(kratos, found, identity))

    @get("/self-service/settings/api")
    async def new_settings(
        self, request: Request[Any, Any, Any], kratos: NamedDependency[KratosStandIn]
    ) -> Response[Json]:
        token, session = _signed_in(kratos, request)
        if not factors.satisfied(kratos, session):
            return factors.aal2_required(kratos.url)
        flow = kratos.new_flow(
            "settings", identity_id=session["identity_id"], session_token=token, state="show_form"
        )
        return Response(_settings_json(kratos, flow))

    @post("/self-service/settings", status_code=200)
    async def settings(
        self, request: Request[Any, Any, Any], kratos: NamedDependency[KratosStandIn], flow: str
    ) -> Response[Json]:
        found = _started(kratos, "settings", flow)
        token, session = _signed_in(kratos, request)
        if session["identity_id"] != found.identity_id:
            return error(403, "The flow belongs to another identity.", "security_identity_mismatch")
        body = await body_of(request) or {}
        identity = kratos.identities[found.identity_id]
        age = now() - datetime.fromisoformat(session["authenticated_at"])
        privileged = age < kratos.privileged_session_max_age
        if not factors.satisfied(kratos, session):
            return factors.aal2_required(kratos.url)
        if body.get("method") in factors.SECOND_FACTORS:
            if not privileged:
                return _refresh_required(kratos.url)
            status, messages = factors.settings_update(kratos, found, session, body)
            return Response(_settings_json(kratos, found, messages), status_code=status)
        if body.get("method") == "password" and isinstance(body.get("password"), str):
            if not privileged:
                return _refresh_required(kratos.url)
            if len(body["password"]) < 8:
                short = text(4000003, "The password must be at least 8 characters long.")
                return Response(_settings_json(kratos, found, [short]), status_code=400)
            kratos.passwords[identity["id"]] = body["password"]
            kratos.revoke_active_sessions(identity["id"], keep=token)
            found.state = "success"
            return Response(_settings_json(kratos, found, [text(SETTINGS_SAVED, kind="success")]))
        traits = body.get("traits")
        if body.get("method") != "profile" or not _valid_traits(traits):
            invalid = text(4000001, "The traits do not match the identity schema.")
            return Response(_settings_json(kratos, found, [invalid]), status_code=400)
        assert isinstance(traits, dict)
        email = traits["email"].strip().lower()
        changed = email != identity["traits"]["email"]
        if changed:
            if not privileged:  # the address is a protected trait
                return _refresh_required(kratos.url)
            if kratos.by_email(email) is not None:
                return Response(_settings_json(kratos, found, [text(DUPLICATE)]), status_code=400)
            identity["verifiable_addresses"] = [address_of(email)]
            identity["recovery_addresses"] = [{"id": str(uuid4()), "value": email, "via": "email"}]
        identity["traits"] = {**traits, "email": email}
        # Kratos mails a new address its code, on a flow it names in continue_with.
        follow = [await kratos.verification_for(identity["id"], email)] if changed else []
        found.state = "success"
        saved = _settings_json(
            kratos, found, [text(SETTINGS_SAVED, kind="success")], continue_with=follow
        )
        return Response(saved)

    @get("/sessions")
    async def my_sessions(
        self, request: Request[Any, Any, Any], kratos: NamedDependency[KratosStandIn]
    ) -> Response[Any]:
        token, current = _signed_in(kratos, request)
        others = [
            kratos.session_json(s)
            for t, s in kratos.sessions.items()
            if s["identity_id"] == current["identity_id"] and t != token
        ]
        return Response(others)

    @delete("/sessions", status_code=200)
    async def end_others(
        self, request: Request[Any, Any, Any], kratos: NamedDependency[KratosStandIn]
    ) -> Response[Json]:
        token, current = _signed_in(kratos, request)
        before = len(kratos.sessions)
        kratos.revoke_active_sessions(current["identity_id"], keep=token)
        return Response({"count": before - len(kratos.sessions)})

    @delete("/sessions/{session_id:str}", status_code=200)  # 204, or an error body
    async def end_one(
        self,
        request: Request[Any, Any, Any],
        kratos: NamedDependency[KratosStandIn],
        session_id: str,
    ) -> Response[Any]:
        _, current = _signed_in(kratos, request)
        try:
            UUID(session_id)
        except ValueError:
            return error(400, "The request was malformed or contained invalid parameters.")
        if session_id == current["id"]:
            return error(400, "You tried to revoke the session you are currently using.")
        for token, session in list(kratos.sessions.items()):
            if session["id"] == session_id and session["identity_id"] == current["identity_id"]:
                del kratos.sessions[token]
                return Response(None, status_code=204)
        return error(404, "Unable to locate the resource")


def _started(kratos: KratosStandIn, kind: str, flow_id: str) -> Flow:
    """The ``kind`` flow ``flow_id``, neither unknown nor expired."""
    flow = kratos.flows.get(flow_id)
    if flow is None or flow.kind != kind:
        raise Refused(error(404, "The requested flow could not be found."))
    if flow.expired():
        raise Refused(_expired(kind))
    return flow


def _signed_in(kratos: KratosStandIn, request: Request[Any, Any, Any]) -> tuple[str, Json]:
    """The request's session token and session."""
    found = kratos.session_of(request)
    if found is None:
        raise Refused(error(401, NO_SESSION, "session_inactive"))
    return found


async def _code_submission(
    kratos: KratosStandIn, request: Request[Any, Any, Any], kind: str, flow_id: str
) -> tuple[Flow, Json]:
    """The started ``kind`` flow and the code method's body sent to it."""
    found = _started(kratos, kind, flow_id)
    body = await body_of(request)
    if body is None or body.get("method") != "code" or set(body) - CODE_FIELDS:
        invalid = f"The request body is not a valid {kind} with the code method."
        raise Refused(error(400, invalid))
    return found, body


def _redeemed(kratos: KratosStandIn, flow: Flow, body: Json) -> Json | None:
    """The identity whose address the code in ``body`` proves; None for a wrong code."""
    flow.submissions += 1
    if flow.submissions > MAX_SUBMISSIONS:
        raise Refused(error(400, TOO_OFTEN))
    right = flow.redeem(str(body.get("code", "")))
    return kratos.by_email(flow.address) if right else None


def _verified(flow: Flow, identity: Json) -> Json:
    for address in identity["verifiable_addresses"]:
        if address["value"] == flow.address:
            address |= {"verified": True, "status": "completed", "verified_at": stamp()}
    return flow.code_json([text(VERIFIED, kind="success")])


def _recovered(kratos: KratosStandIn, flow: Flow, identity: Json) -> Json:
    # A privileged session for the settings that follow; revoke_active_sessions ends the rest.
    token, _ = kratos.new_session(identity["id"])
    kratos.revoke_active_sessions(identity["id"], keep=token)
    settings = kratos.new_flow(
        "settings", identity_id=identity["id"], session_token=token, state="show_form"
    )
    follow = [
        {"action": "set_ory_session_token", "ory_session_token": token},
        {"action": "show_settings_ui", "flow": {"id": settings.id}},
    ]
    return flow.code_json([text(1060001, RECOVERED, "success")], continue_with=follow)


def _settings_json(
    kratos: KratosStandIn, flow: Flow, messages: list[Json] | None = None, **more: Any
) -> Json:
    """A settings flow: the profile, the password and the second factors' nodes."""
    identity = kratos.identities[flow.identity_id]
    traits, name = identity["traits"], identity["traits"].get("name", {})
    nodes = [
        input_node("traits.email", "email", "profile", value=traits["email"]),
        input_node("traits.name.first", "text", "profile", value=name.get("first")),
        input_node("traits.name.last", "text", "profile", value=name.get("last")),
        input_node("method", "submit", "profile", value="profile"),
        input_node("password", "password", "password"),
        input_node("method", "submit", "password", value="password"),
        *factors.settings_nodes(kratos, flow),
    ]
    return flow.json(nodes, messages, identity=identity, **more)


def _refresh_required(base_url: str) -> Response[Json]:
    """Kratos' answer to a settings change that needs a recent sign-in."""
    return error(
        403,
        "The login session is too old and thus not allowed to update these fields."
        " Please re-authenticate.",
        "session_refresh_required",
        redirect_browser_to=f"{base_url}/self-service/login/browser?refresh=true",
    )


def _valid_traits(traits: Any) -> bool:
    """The identity schema: an email, an optional name of first and last (100 at most)."""
    if not isinstance(traits, dict) or set(traits) - {"email", "name"}:
        return False
    name = traits.get("name", {})
    return (
        isinstance(traits.get("email"), str)
        and "@" in traits["email"]
        and isinstance(name, dict)
        and not set(name) - {"first", "last"}
        and all(isinstance(v, str) and len(v) <= 100 for v in name.values())
    )
