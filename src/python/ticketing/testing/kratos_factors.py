"""The Kratos stand-in's second factor (kratos_standin.py): the ``totp`` and ``lookup_secret``
methods of settings and of an ``aal2`` login, sessions' assurance levels, the chart's
``required_aal: highest_available`` for whoami and settings, and the admin API's identity with
its credentials, in Kratos' wire format (node names and message ids of Kratos'
selfservice/strategy/totp and lookup).

As Kratos does: a TOTP code is accepted within one 30-second step of drift and again while it
is valid; a backup code once; linking TOTP or confirming backup codes makes the session aal2;
a native login that needs a second factor answers a session without its identity.
"""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING, Any

import pyotp
import segno
from litestar import Response

from ticketing.testing.kratos_flows import Flow, Json, error, input_node, stamp, text

if TYPE_CHECKING:
    from ticketing.testing.kratos_standin import KratosStandIn

TOTP_INVALID = 4000008
LOOKUP_USED = 4000012
LOOKUP_INVALID = 4000016
SETTINGS_SAVED = 1050001
MESSAGES = {
    TOTP_INVALID: "The provided authentication code is invalid, please try again.",
    LOOKUP_USED: "This backup recovery code has already been used.",
    LOOKUP_INVALID: "The backup recovery code is not valid.",
}
SECOND_FACTORS = {"totp", "lookup_secret"}
LOOKUP_CODES = 12  # Kratos makes twelve
ISSUER = "Ticketing"  # kratos.yml: selfservice.methods.totp.config.issuer
FIELDS = {
    "totp": {"method", "totp_code", "totp_unlink", "csrf_token", "transient_payload"},
    "lookup_secret": {
        "method",
        "lookup_secret_confirm",
        "lookup_secret_disable",
        "lookup_secret_regenerate",
        "lookup_secret_reveal",
        "csrf_token",
        "transient_payload",
    },
}
LOGIN_FIELDS = {
    "totp": {"method", "totp_code", "csrf_token", "transient_payload"},
    "lookup_secret": {"method", "lookup_secret", "csrf_token", "transient_payload"},
}


def _refused(message_id: int) -> Json:
    return text(message_id, MESSAGES[message_id])


def _text_node(node_id: str, group: str, message_id: int, words: str, context: Json) -> Json:
    attributes = {
        "id": node_id,
        "node_type": "text",
        "text": {"id": message_id, "text": words, "type": "info", "context": context},
    }
    return {"type": "text", "group": group, "attributes": attributes, "messages": [], "meta": {}}


def _submit(name: str, group: str, value: Any = True) -> Json:
    return input_node(name, "submit", group, value=value)


def available_aal(kratos: KratosStandIn, identity_id: str) -> str:
    return "aal2" if identity_id in kratos.totp or kratos.lookup.get(identity_id) else "aal1"


def satisfied(kratos: KratosStandIn, session: Json) -> bool:
    """``required_aal: highest_available``."""
    level = session["authenticator_assurance_level"]
    return level == "aal2" or available_aal(kratos, session["identity_id"]) == "aal1"


def aal2_required(base_url: str) -> Response[Json]:
    return error(
        403,
        "An active session was found but it does not fulfill the Authenticator Assurance"
        " Level, implying that the session must use a second factor. Please upgrade your"
        " session by completing the second factor.",
        "session_aal2_required",
        redirect_browser_to=f"{base_url}/self-service/login/browser?aal=aal2",
    )


def authenticated(session: Json, method: str, aal: str) -> None:
    session["authentication_methods"].append(
        {"method": method, "aal": aal, "completed_at": stamp()}
    )
    if aal == "aal2":
        session["authenticator_assurance_level"] = "aal2"


def login_nodes() -> list[Json]:
    return [
        input_node("totp_code", "text", "totp"),
        _submit("method", "totp", "totp"),
        input_node("lookup_secret", "text", "lookup_secret"),
        _submit("method", "lookup_secret", "lookup_secret"),
    ]


def second_factor_login(
    kratos: KratosStandIn, started: Flow, body: Json, token: str, session: Json
) -> Response[Json]:
    """A login flow at aal2 submitted with a TOTP or backup code of the session's identity."""
    method = body["method"]
    if set(body) - LOGIN_FIELDS[method]:
        return error(400, f"The request body is not a valid login with the {method} method.")
    identity_id = session["identity_id"]
    refused = 0
    if method == "totp":
        secret = kratos.totp.get(identity_id)
        code = str(body.get("totp_code", ""))
        if secret is None or not pyotp.TOTP(secret).verify(code, valid_window=1):
            refused = TOTP_INVALID
    else:
        given = str(body.get("lookup_secret", ""))
        found = [c for c in kratos.lookup.get(identity_id, []) if c["code"] == given]
        if not found:
            refused = LOOKUP_INVALID
        elif found[0].get("used_at"):
            refused = LOOKUP_USED
        else:
            found[0]["used_at"] = stamp()
    if refused:
        flow = kratos.new_flow("login", aal="aal2", session_token=token, refresh=started.refresh)
        again = flow.json(login_nodes(), [_refused(refused)], refresh=flow.refresh)
        return Response({**again, "requested_aal": "aal2"}, status_code=400)
    authenticated(session, method, "aal2")
    if started.refresh:
        session["authenticated_at"] = stamp()
    return Response({"session": kratos.session_json(session), "session_token": token})


def settings_nodes(kratos: KratosStandIn, flow: Flow) -> list[Json]:
    """The totp and lookup_secret groups of a settings flow."""
    email = kratos.identities[flow.identity_id]["traits"]["email"]
    nodes: list[Json]
    if flow.identity_id in kratos.totp:
        nodes = [_submit("totp_unlink", "totp")]
    else:
        flow.totp_secret = flow.totp_secret or pyotp.random_base32()
        uri = pyotp.TOTP(flow.totp_secret).provisioning_uri(name=email, issuer_name=ISSUER)
        qr = {"id": "totp_qr", "node_type": "img", "width": 256, "height": 256}
        qr["src"] = segno.make(uri).png_data_uri(scale=4)
        secret = flow.totp_secret
        nodes = [
            {"type": "img", "group": "totp", "attributes": qr, "messages": [], "meta": {}},
            _text_node("totp_secret_key", "totp", 1050006, secret, {"secret": secret}),
            input_node("totp_code", "text", "totp"),
            _submit("method", "totp", "totp"),
        ]
    if flow.lookup_codes:
        listed = [{"id": 1050009, "text": code, "type": "info"} for code in flow.lookup_codes]
        words = ", ".join(flow.lookup_codes)
        nodes += [
            _text_node("lookup_secret_codes", "lookup_secret", 1050015, words, {"secrets": listed}),
            _submit("lookup_secret_confirm", "lookup_secret"),
        ]
    elif kratos.lookup.get(flow.identity_id):
        nodes += [
            _submit("lookup_secret_reveal", "lookup_secret"),
            _submit("lookup_secret_regenerate", "lookup_secret"),
            _submit("lookup_secret_disable", "lookup_secret"),
        ]
    else:
        nodes.append(_submit("lookup_secret_regenerate", "lookup_secret"))
    return nodes


def settings_update(
    kratos: KratosStandIn, flow: Flow, session: Json, body: Json
) -> tuple[int, list[Json]]:
    """A settings flow submitted with the totp or lookup_secret method: the status and the
    messages of the answer (the flow itself is answered by the caller)."""
    method, identity_id = body["method"], flow.identity_id
    if set(body) - FIELDS[method]:
        return 400, [text(4000001, f"The request body is not valid for the {method} method.")]
    saved = [text(SETTINGS_SAVED, kind="success")]
    if method == "totp" and body.get("totp_unlink") is True:
        kratos.totp.pop(identity_id, None)
    elif method == "totp":
        code = str(body.get("totp_code", ""))
        if identity_id in kratos.totp or not pyotp.TOTP(flow.totp_secret).verify(
            code, valid_window=1
        ):
            return 400, [_refused(TOTP_INVALID)]
        kratos.totp[identity_id] = flow.totp_secret
        authenticated(session, "totp", "aal2")  # adding the method authenticated it
    elif body.get("lookup_secret_regenerate") is True:
        alphabet = string.ascii_lowercase + string.digits
        flow.lookup_codes = [
            "".join(secrets.choice(alphabet) for _ in range(8)) for _ in range(LOOKUP_CODES)
        ]
        return 200, []
    elif body.get("lookup_secret_confirm") is True and flow.lookup_codes:
        kratos.lookup[identity_id] = [{"code": code} for code in flow.lookup_codes]
        flow.lookup_codes = []
        authenticated(session, "lookup_secret", "aal2")
    elif body.get("lookup_secret_disable") is True:
        kratos.lookup.pop(identity_id, None)
    else:
        return 400, [text(4000001, "The stand-in does not serve this lookup_secret request.")]
    flow.state = "success"
    return 200, saved


def credentials(kratos: KratosStandIn, identity_id: str, include: list[str]) -> Json:
    """The identity's credentials as the admin API answers them: configuration only for the
    types asked for."""
    identity = kratos.identities[identity_id]
    found: dict[str, Json] = {"password": {"identifiers": [identity["traits"]["email"]]}}
    if identity_id in kratos.totp:
        uri = pyotp.TOTP(kratos.totp[identity_id]).provisioning_uri(
            name=identity["traits"]["email"], issuer_name=ISSUER
        )
        found["totp"] = {"identifiers": [identity_id], "config": {"totp_url": uri}}
    if kratos.lookup.get(identity_id):
        codes = kratos.lookup[identity_id]
        found["lookup_secret"] = {"identifiers": [identity_id], "config": {"lookup_secrets": codes}}
    for kind, credential in found.items():
        credential |= {"type": kind, "version": 0, "created_at": identity["created_at"]}
        if kind not in include:
            credential.pop("config", None)
    return found
