"""Kratos' wire format for the stand-in (kratos_standin.py): self-service flows with their
``ui`` nodes and messages, error bodies, and one-time codes with the courier that mails them.

Message ids are Kratos' own (https://www.ory.sh/docs/kratos/concepts/ui-messages).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from uuid import uuid4

from litestar import Request, Response

Json = dict[str, Any]

INVALID_CREDENTIALS = 4000006
DUPLICATE = 4000007  # a taken identifier
RECOVERY_SENT = 1060003
RECOVERY_CODE_INVALID = 4060006
SETTINGS_SAVED = 1050001
VERIFICATION_SENT = 1080003
VERIFIED = 1080002
VERIFICATION_CODE_INVALID = 4070006
TEXTS = {
    RECOVERY_SENT: "An email containing a recovery code has been sent to the email address you"
    " provided. If you have not received an email, check the spelling of the address and make"
    " sure to use the address you registered with.",
    RECOVERY_CODE_INVALID: "The recovery code is invalid or has already been used. Please try"
    " again.",
    SETTINGS_SAVED: "Your changes have been saved!",
    VERIFICATION_SENT: "An email containing a verification code has been sent to the email"
    " address you provided. If you have not received an email, check the spelling of the"
    " address and make sure to use the address you registered with.",
    VERIFIED: "You successfully verified your email address.",
    VERIFICATION_CODE_INVALID: "The verification code is invalid or has already been used."
    " Please try again.",
    DUPLICATE: "An account with the same identifier (email, phone, username, ...) exists already.",
    INVALID_CREDENTIALS: "The provided credentials are invalid, check for spelling mistakes in"
    " your password or username, email address, or phone number.",
}
# Kratos refuses a flow's code after five submissions, right or wrong (persister_code.go).
MAX_SUBMISSIONS = 5


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    return (moment or now()).isoformat()


def text(message_id: int, words: str | None = None, kind: str = "error") -> Json:
    return {"id": message_id, "text": words or TEXTS[message_id], "type": kind}


def input_node(
    name: str, kind: str, group: str, messages: list[Json] | None = None, value: Any = None
) -> Json:
    attributes: Json = {"name": name, "type": kind, "disabled": False, "node_type": "input"}
    if value is not None:
        attributes["value"] = value
    return {
        "type": "input",
        "group": group,
        "attributes": attributes,
        "messages": messages or [],
        "meta": {},
    }


def error(status: int, reason: str, error_id: str | None = None, **more: Any) -> Response[Json]:
    """Kratos' generic error body (``ErrorGeneric``)."""
    body: Json = {"code": status, "status": _STATUS.get(status, "Error"), "reason": reason}
    body["message"] = reason
    if error_id:
        body["id"] = error_id
    return Response({"error": body, **more}, status_code=status)


def unauthorized(request: Request[Any, Any, Any], api_key: str | None) -> Response[Json] | None:
    """Ory Network's answer to a call without the project's API key, where one is required
    (``api_key``); None for a call that may go on."""
    if api_key is None or secrets.compare_digest(
        request.headers.get("authorization", ""), f"Bearer {api_key}"
    ):
        return None
    return error(401, "The request could not be authorized", "unauthorized")


class Refused(Exception):
    """Kratos' error answer, raised where a handler's helper refuses; the stand-in sends it."""

    def __init__(self, response: Response[Json]) -> None:
        super().__init__(response.status_code)
        self.response = response


_STATUS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    410: "Gone",
}


@dataclass
class Flow:
    """A self-service flow as the stand-in keeps it, and its JSON."""

    kind: str  # registration, login, verification, recovery, settings
    base_url: str
    lifespan: timedelta
    id: str = field(default_factory=lambda: str(uuid4()))
    issued_at: datetime = field(default_factory=now)
    state: str = "choose_method"
    identity_id: str = ""  # settings: whose (also kept on a verification of a new address)
    session_token: str = ""  # login refresh and settings: the session that asked
    address: str = ""  # verification and recovery: where the code went
    code_digest: str = ""
    code_expires_at: datetime | None = None
    submissions: int = 0
    refresh: bool = False
    aal: str = "aal1"  # login: the level asked for
    totp_secret: str = ""  # settings: the secret it shows to enrol (Kratos' internal context)
    lookup_codes: list[str] = field(default_factory=list)  # settings: backup codes to confirm

    @property
    def expires_at(self) -> datetime:
        return self.issued_at + self.lifespan

    def expired(self) -> bool:
        return self.expires_at <= now()

    def set_code(self, code: str, lifespan: timedelta) -> None:
        """A new code replaces the flow's last one (Kratos: sending again invalidates it)."""
        self.code_digest, self.code_expires_at = digest(code), now() + lifespan

    def redeem(self, code: str) -> bool:
        """Single use: the code is spent by the first right submission."""
        good = (
            bool(self.code_digest)
            and secrets.compare_digest(self.code_digest, digest(code))
            and self.code_expires_at is not None
            and self.code_expires_at > now()
        )
        if good:
            self.code_digest = ""
        return good

    def json(self, nodes: list[Json], messages: list[Json] | None = None, **more: Any) -> Json:
        return {
            "id": self.id,
            "type": "api",
            "expires_at": stamp(self.expires_at),
            "issued_at": stamp(self.issued_at),
            "request_url": f"{self.base_url}/self-service/{self.kind}/api",
            "state": self.state,
            "ui": {
                "action": f"{self.base_url}/self-service/{self.kind}?flow={self.id}",
                "method": "POST",
                "nodes": nodes,
                "messages": messages or [],
            },
            **more,
        }

    def code_json(self, messages: list[Json] | None = None, **more: Any) -> Json:
        """A verification or recovery flow: the address asked for, then its code (or a resend)."""
        nodes = [input_node("email", "email", "code")]
        if self.state == "sent_email":
            nodes = [input_node("code", "text", "code"), input_node("email", "submit", "code")]
        return self.json(nodes, messages, **more)


def digest(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


@dataclass
class Courier:
    """Kratos' courier: its mail templates (verification_code.valid, recovery_code.valid),
    sent over SMTP where a server is configured; every message is kept in ``sent`` too."""

    smtp: tuple[str, int] | None = None
    sender: str = "no-reply@ticketing.dev"
    sent: list[EmailMessage] = field(default_factory=list)

    async def verification_code(self, to: str, code: str, flow_url: str) -> None:
        await self._send(
            to,
            "Please verify your email address",
            f"Hi, please verify your account by entering the following code:\n\n{code}\n\n"
            f"or clicking the following link:\n\n{flow_url}&code={code}\n",
        )

    async def recovery_code(self, to: str, code: str) -> None:
        await self._send(
            to,
            "Recover access to your account",
            "Hi,\n\nplease recover access to your account by entering the following code:"
            f"\n\n{code}\n",
        )

    async def _send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        self.sent.append(message)
        if self.smtp is not None:
            await asyncio.to_thread(self._deliver, message)

    def _deliver(self, message: EmailMessage) -> None:
        assert self.smtp is not None
        with smtplib.SMTP(*self.smtp, timeout=10) as server:
            server.send_message(message)


def address_of(email: str) -> Json:
    """A new, unverified verifiable address."""
    return {
        "id": str(uuid4()),
        "value": email,
        "verified": False,
        "via": "email",
        "status": "pending",
        "created_at": stamp(),
    }


async def body_of(request: Request[Any, Any, Any]) -> Json | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
