"""The Kratos stand-in's self-service routes (kratos_standin.py): native verification and
recovery by code, settings (password, profile traits) and the session list, in Kratos' wire
format: flows answered with 200 and their ``ui`` messages (a wrong code too), ``continue_with``
after recovery and after an address changes, errors as Kratos' generic error body."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from litestar import Request, Response, delete, get, post
from litestar.handlers import HTTPRouteHandler

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


def self_service_routes(kratos: KratosStandIn) -> list[HTTPRouteHandler]:
    def started(kind: str, flow_id: str) -> Flow:
        flow = kratos.flows.get(flow_id)
        if flow is None or flow.kind != kind:
            raise Refused(error(404, "The requested flow could not be found."))
        if flow.expired():
            raise Refused(_expired(kind))
        return flow

    def signed_in(request: Request[Any, Any, Any]) -> tuple[str, Json]:
        """The request's session token and session."""
        found = kratos.session_of(request)
        if found is None:
            raise Refused(error(401, NO_SESSION, "session_inactive"))
        return found

    async def code_submission(
        request: Request[Any, Any, Any], kind: str, flow_id: str
    ) -> tuple[Flow, Json]:
        """The started ``kind`` flow and the code method's body sent to it."""
        found = started(kind, flow_id)
        body = await body_of(request)
        if body is None or body.get("method") != "code" or set(body) - CODE_FIELDS:
            invalid = f"The request body is not a valid {kind} with the code method."
            raise Refused(error(400, invalid))
        return found, body

    def redeemed(flow: Flow, body: Json) -> Json | None:
        """The identity whose address the code in ``body`` proves; None for a wrong code."""
        flow.submissions += 1
        if flow.submissions > MAX_SUBMISSIONS:
            raise Refused(error(400, TOO_OFTEN))
        right = flow.redeem(str(body.get("code", "")))
        return kratos.by_email(flow.address) if right else None

    def verified(flow: Flow, identity: Json) -> Json:
        for address in identity["verifiable_addresses"]:
            if address["value"] == flow.address:
                address |= {"verified": True, "status": "completed", "verified_at": stamp()}
        return flow.code_json([text(VERIFIED, kind="success")])

    def recovered(flow: Flow, identity: Json) -> Json:
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

    # Verification and recovery by code are the same flow; they differ in what a right code does.
    @get(["/self-service/verification/api", "/self-service/recovery/api"])
    async def new_code_flow(request: Request[Any, Any, Any]) -> Json:
        return kratos.new_flow(request.url.path.split("/")[2]).code_json()

    @post(["/self-service/verification", "/self-service/recovery"], status_code=200)
    async def code_flow(request: Request[Any, Any, Any], flow: str) -> Response[Json]:
        kind = request.url.path.split("/")[2]
        found, body = await code_submission(request, kind, flow)
        if isinstance(body.get("email"), str):
            await kratos.send_code(found, body["email"].strip().lower())
            return Response(found.code_json([text(CODE_SENT[kind], kind="info")]))
        identity = redeemed(found, body)
        if identity is None:
            return Response(found.code_json([text(CODE_INVALID[kind])]))
        found.state = "passed_challenge"
        return Response((verified if kind == "verification" else recovered)(found, identity))

    def settings_json(flow: Flow, messages: list[Json] | None = None, **more: Any) -> Json:
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

    @get("/self-service/settings/api")
    async def new_settings(request: Request[Any, Any, Any]) -> Response[Json]:
        token, session = signed_in(request)
        if not factors.satisfied(kratos, session):
            return factors.aal2_required(kratos.url)
        flow = kratos.new_flow(
            "settings", identity_id=session["identity_id"], session_token=token, state="show_form"
        )
        return Response(settings_json(flow))

    @post("/self-service/settings", status_code=200)
    async def settings(request: Request[Any, Any, Any], flow: str) -> Response[Json]:
        found = started("settings", flow)
        token, session = signed_in(request)
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
            return Response(settings_json(found, messages), status_code=status)
        if body.get("method") == "password" and isinstance(body.get("password"), str):
            if not privileged:
                return _refresh_required(kratos.url)
            if len(body["password"]) < 8:
                short = text(4000003, "The password must be at least 8 characters long.")
                return Response(settings_json(found, [short]), status_code=400)
            kratos.passwords[identity["id"]] = body["password"]
            kratos.revoke_active_sessions(identity["id"], keep=token)
            found.state = "success"
            return Response(settings_json(found, [text(SETTINGS_SAVED, kind="success")]))
        traits = body.get("traits")
        if body.get("method") != "profile" or not _valid_traits(traits):
            invalid = text(4000001, "The traits do not match the identity schema.")
            return Response(settings_json(found, [invalid]), status_code=400)
        assert isinstance(traits, dict)
        email = traits["email"].strip().lower()
        changed = email != identity["traits"]["email"]
        if changed:
            if not privileged:  # the address is a protected trait
                return _refresh_required(kratos.url)
            if kratos.by_email(email) is not None:
                return Response(settings_json(found, [text(DUPLICATE)]), status_code=400)
            identity["verifiable_addresses"] = [address_of(email)]
            identity["recovery_addresses"] = [{"id": str(uuid4()), "value": email, "via": "email"}]
        identity["traits"] = {**traits, "email": email}
        # Kratos mails a new address its code, on a flow it names in continue_with.
        follow = [await kratos.verification_for(identity["id"], email)] if changed else []
        found.state = "success"
        saved = settings_json(found, [text(SETTINGS_SAVED, kind="success")], continue_with=follow)
        return Response(saved)

    @get("/sessions")
    async def my_sessions(request: Request[Any, Any, Any]) -> Response[Any]:
        token, current = signed_in(request)
        others = [
            kratos.session_json(s)
            for t, s in kratos.sessions.items()
            if s["identity_id"] == current["identity_id"] and t != token
        ]
        return Response(others)

    @delete("/sessions", status_code=200)
    async def end_others(request: Request[Any, Any, Any]) -> Response[Json]:
        token, current = signed_in(request)
        before = len(kratos.sessions)
        kratos.revoke_active_sessions(current["identity_id"], keep=token)
        return Response({"count": before - len(kratos.sessions)})

    @delete("/sessions/{session_id:str}", status_code=200)  # 204, or an error body
    async def end_one(request: Request[Any, Any, Any], session_id: str) -> Response[Any]:
        _, current = signed_in(request)
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

    return [
        new_code_flow,
        code_flow,
        new_settings,
        settings,
        my_sessions,
        end_others,
        end_one,
    ]


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
