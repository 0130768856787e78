"""Stand-ins for Ory Kratos and Ory Keto, used where no Docker engine can run the real ones.

Each is a real HTTP server speaking the part of Ory's REST API our adapters call: the same
paths, methods, JSON bodies and status codes as Ory's OpenAPI specification (as the official
clients model them), and strict about their input, so that a call our adapter gets wrong fails
a test here as it would against Ory. They keep their state in memory.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from litestar import Litestar, Request, Response, delete, get, post, put

from ticketing.shared.identity import KRATOS_COOKIE
from ticketing.shared.permissions import MODEL, evaluate
from ticketing.testing.background import BackgroundServer

Json = dict[str, Any]
DUPLICATE = 4000007  # Kratos' message id for a taken identifier


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _text(message_id: int, text: str) -> Json:
    return {"id": message_id, "text": text, "type": "error"}


def _input_node(name: str, kind: str, group: str, messages: list[Json] | None = None) -> Json:
    return {
        "type": "input",
        "group": group,
        "attributes": {"name": name, "type": kind, "disabled": False, "node_type": "input"},
        "messages": messages or [],
        "meta": {},
    }


def _error(status: int, reason: str) -> Response[Json]:
    body = {"error": {"code": status, "status": "Error", "reason": reason, "message": reason}}
    return Response(body, status_code=status)


class KratosStandIn:
    """Kratos' native registration and login flows, native logout, whoami and readiness.

    Like a Kratos configured with ``deploy/ory/kratos/kratos.yml``: an email trait as the
    identifier and passwords of at least 8 characters. (Its after-registration web hook is
    not simulated; the auth service's tests call that endpoint directly.)
    """

    def __init__(self) -> None:
        self.identities: dict[str, Json] = {}  # id -> identity
        self.passwords: dict[str, str] = {}  # email -> password
        self.sessions: dict[str, Json] = {}  # token -> session
        self.flows: dict[str, str] = {}  # flow id -> "registration" | "login"
        self._server = BackgroundServer(self._app())

    @property
    def url(self) -> str:
        return self._server.url

    async def start(self) -> KratosStandIn:
        await self._server.start()
        return self

    async def stop(self) -> None:
        await self._server.stop()

    def _flow(self, kind: str, nodes: list[Json], messages: list[Json] | None = None) -> Json:
        flow_id = str(uuid4())
        self.flows[flow_id] = kind
        expires = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
        return {
            "id": flow_id,
            "type": "api",
            "expires_at": expires,
            "issued_at": _now(),
            "request_url": f"{self.url}/self-service/{kind}/api",
            "state": "choose_method",
            "ui": {
                "action": f"{self.url}/self-service/{kind}?flow={flow_id}",
                "method": "POST",
                "nodes": nodes,
                "messages": messages or [],
            },
        }

    def _registration_flow(
        self,
        field_messages: dict[str, list[Json]] | None = None,
        messages: list[Json] | None = None,
    ) -> Json:
        field_messages = field_messages or {}
        nodes = [
            _input_node("traits.email", "email", "default", field_messages.get("traits.email")),
            _input_node("password", "password", "password", field_messages.get("password")),
        ]
        return self._flow("registration", nodes, messages)

    def _login_flow(self, messages: list[Json] | None = None) -> Json:
        nodes = [
            _input_node("identifier", "text", "default"),
            _input_node("password", "password", "password"),
        ]
        return self._flow("login", nodes, messages)

    def _session(self, identity: Json) -> tuple[str, Json]:
        token = f"ory_st_{secrets.token_urlsafe(24)}"
        session = {
            "id": str(uuid4()),
            "active": True,
            "expires_at": (datetime.now(UTC) + timedelta(hours=24)).isoformat(),
            "authenticated_at": _now(),
            "issued_at": _now(),
            "identity": identity,
        }
        self.sessions[token] = session
        return token, session

    def _app(self) -> Litestar:
        async def body_of(request: Request[Any, Any, Any]) -> Json | None:
            try:
                body = await request.json()
            except ValueError:
                return None
            return body if isinstance(body, dict) else None

        @get("/self-service/registration/api")
        async def new_registration() -> Json:
            return self._registration_flow()

        @post("/self-service/registration", status_code=200)
        async def register(request: Request[Any, Any, Any], flow: str) -> Response[Json]:
            if self.flows.pop(flow, None) != "registration":
                return _error(404, "The requested flow could not be found.")
            body = await body_of(request)
            traits = (body or {}).get("traits")
            if (
                not body
                or body.get("method") != "password"
                or not isinstance(traits, dict)
                or set(body) - {"method", "password", "traits", "csrf_token", "transient_payload"}
            ):
                return _error(
                    400, "The request body is not a valid registration with the password method."
                )
            email, password = str(traits.get("email", "")), str(body.get("password", ""))
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
                text = _text(4000001, f'"{email}" is not valid "email"')
                return Response(self._registration_flow({"traits.email": [text]}), status_code=400)
            if len(password) < 8:
                text = _text(4000003, "The password must be at least 8 characters long.")
                return Response(self._registration_flow({"password": [text]}), status_code=400)
            if email in self.passwords:
                text = _text(
                    DUPLICATE,
                    "An account with the same identifier (email, phone, username, ...)"
                    " exists already.",
                )
                return Response(self._registration_flow(messages=[text]), status_code=400)
            identity_id = str(uuid4())
            identity: Json = {
                "id": identity_id,
                "schema_id": "default",
                "schema_url": f"{self.url}/schemas/ZGVmYXVsdA",
                "state": "active",
                "traits": {"email": email},
                "created_at": _now(),
            }
            self.identities[identity_id] = identity
            self.passwords[email] = password
            return Response({"identity": identity})

        @get("/self-service/login/api")
        async def new_login() -> Json:
            return self._login_flow()

        @post("/self-service/login", status_code=200)
        async def login(request: Request[Any, Any, Any], flow: str) -> Response[Json]:
            if self.flows.pop(flow, None) != "login":
                return _error(404, "The requested flow could not be found.")
            body = await body_of(request)
            if not body or body.get("method") != "password" or "identifier" not in body:
                return _error(
                    400, "The request body is not a valid login with the password method."
                )
            email = str(body["identifier"])
            if self.passwords.get(email) != body.get("password"):
                text = _text(
                    4000006,
                    "The provided credentials are invalid, check for spelling mistakes in your"
                    " password or username, email address, or phone number.",
                )
                return Response(self._login_flow([text]), status_code=400)
            identity = next(i for i in self.identities.values() if i["traits"]["email"] == email)
            token, session = self._session(identity)
            return Response({"session": session, "session_token": token})

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
            token = request.headers.get("x-session-token") or request.cookies.get(KRATOS_COOKIE)
            session = self.sessions.get(token or "")
            if session is None:
                return _error(401, "No valid session credentials found in the request.")
            return Response(session)

        @get("/health/ready")
        async def ready() -> Json:
            return {"status": "ok"}

        return Litestar([new_registration, register, new_login, login, logout, whoami, ready])


class KetoStandIn:
    """Keto's read API (check, list) and write API (create, delete) on one port, evaluating
    the permission model as Keto evaluates ``deploy/ory/keto/namespaces.keto.ts``."""

    def __init__(self) -> None:
        self.tuples: set[tuple[str, str, str, str, str]] = set()  # ns, obj, rel, subj ns, subj id
        self._server = BackgroundServer(self._app())

    @property
    def url(self) -> str:
        return self._server.url

    async def start(self) -> KetoStandIn:
        await self._server.start()
        return self

    async def stop(self) -> None:
        await self._server.stop()

    def _subject(
        self, query: dict[str, Any], prefix: str = "subject_set."
    ) -> tuple[str, str] | None:
        """The subject of a request: a subject set (namespace, object, empty relation)."""
        namespace, obj = query.get(f"{prefix}namespace"), query.get(f"{prefix}object")
        if not namespace or not obj or query.get(f"{prefix}relation", "") != "":
            return None
        return str(namespace), str(obj)

    async def _related(self, namespace: str, obj: str, relation: str) -> list[str]:
        return [t[4] for t in self.tuples if t[:3] == (namespace, obj, relation)]

    def _valid(self, namespace: str, relation: str, subject_namespace: str) -> bool:
        model = MODEL.get(namespace)
        return model is not None and model.relations.get(relation) == subject_namespace

    def _app(self) -> Litestar:
        @get("/relation-tuples/check/openapi")
        async def check(request: Request[Any, Any, Any]) -> Response[Json]:
            query = dict(request.query_params)
            subject = self._subject(query)
            if (
                not all(query.get(k) for k in ("namespace", "object", "relation"))
                or subject is None
            ):
                return _error(400, "namespace, object, relation and a subject set are required")
            if query["namespace"] not in MODEL:
                return _error(404, f"Unknown namespace with name \"{query['namespace']}\".")
            allowed = subject[0] == "User" and await evaluate(
                self._related, query["namespace"], query["object"], query["relation"], subject[1]
            )
            return Response({"allowed": allowed})

        @put("/admin/relation-tuples", status_code=201)
        async def create(request: Request[Any, Any, Any]) -> Response[Json]:
            body = await request.json()
            subject_set = body.get("subject_set") if isinstance(body, dict) else None
            if not isinstance(subject_set, dict) or set(body) - {
                "namespace",
                "object",
                "relation",
                "subject_id",
                "subject_set",
            }:
                return _error(400, "a relationship with a subject set is required")
            subject = self._subject(subject_set, prefix="")
            if subject is None or not self._valid(
                body.get("namespace", ""), body.get("relation", ""), subject[0]
            ):
                return _error(400, "the relationship does not fit the namespace configuration")
            self.tuples.add((body["namespace"], body["object"], body["relation"], *subject))
            return Response(body, status_code=201)

        @delete("/admin/relation-tuples", status_code=204)
        async def remove(request: Request[Any, Any, Any]) -> None:
            query = dict(request.query_params)
            subject = self._subject(query)
            keep = {
                t
                for t in self.tuples
                if t[:3] != (query.get("namespace"), query.get("object"), query.get("relation"))
                or (subject is not None and t[3:] != subject)
            }
            self.tuples = keep

        @get("/relation-tuples")
        async def listing(request: Request[Any, Any, Any]) -> Json:
            query = dict(request.query_params)
            subject = self._subject(query)
            found = [
                {
                    "namespace": t[0],
                    "object": t[1],
                    "relation": t[2],
                    "subject_set": {"namespace": t[3], "object": t[4], "relation": ""},
                }
                for t in sorted(self.tuples)
                if (not query.get("namespace") or t[0] == query["namespace"])
                and (not query.get("relation") or t[2] == query["relation"])
                and (subject is None or t[3:] == subject)
            ]
            return {"relation_tuples": found, "next_page_token": ""}

        @get("/health/ready")
        async def ready() -> Json:
            return {"status": "ok"}

        return Litestar([check, create, remove, listing, ready])
