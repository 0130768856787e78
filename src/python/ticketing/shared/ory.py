"""The identity and permission ports served by Ory Kratos and Ory Keto, through their official
clients (``ory-kratos-client``, ``ory-keto-client``). Chosen by settings alone.

The clients are synchronous (urllib3), so each call runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import ory_keto_client as keto
import ory_kratos_client as kratos
from ory_kratos_client.exceptions import ApiException as KratosError

from ticketing.shared.identity import (
    KRATOS_COOKIE,
    Credentials,
    EmailTaken,
    InvalidCredentials,
    Principal,
    Registration,
    RegistrationRejected,
    Session,
)
from ticketing.shared.permissions import MODEL, RelationTuple, validate

T = TypeVar("T")

# Kratos' message ids (https://www.ory.sh/docs/kratos/concepts/ui-messages).
DUPLICATE_IDENTIFIER = 4000007
FIELDS = {"traits.email": "email", "password": "password", "identifier": "email"}


async def call(function: Callable[..., T], /, **kwargs: Any) -> T:
    return await asyncio.to_thread(function, **kwargs)


def api_client(module: Any, host: str, api_key: str | None) -> Any:
    """A client of an Ory API (``module``: the official client package); an API key (Ory
    Network's) goes with every call as a bearer token. Kratos' public API gets none: there
    a bearer token would be read as a session token."""
    client = module.ApiClient(module.Configuration(host=host))
    if api_key:
        client.set_default_header("Authorization", f"Bearer {api_key}")
    return client


def principal_of(identity: Any) -> Principal:
    return Principal(id=identity.id, email=str((identity.traits or {}).get("email", "")))


def verification_flow(continue_with: list[kratos.ContinueWith] | None) -> str | None:
    """The verification flow Kratos started for a new address, from a flow's ``continue_with``."""
    for item in continue_with or []:
        if isinstance(item.actual_instance, kratos.ContinueWithVerificationUi):
            return item.actual_instance.flow.id
    return None


def flow_errors(error: KratosError) -> list[tuple[str, int, str]]:
    """(field, message id, text) for each message in the flow Kratos sent back with a 400."""
    try:
        ui = json.loads(error.body or "{}").get("ui", {})
    except json.JSONDecodeError:
        return []
    found = [("", m.get("id", 0), m.get("text", "")) for m in ui.get("messages") or []]
    for node in ui.get("nodes") or []:
        name = node.get("attributes", {}).get("name", "")
        found += [(name, m.get("id", 0), m.get("text", "")) for m in node.get("messages") or []]
    return found


def _session(
    done: kratos.SuccessfulNativeLogin | kratos.SuccessfulNativeRegistration,
) -> Session:
    """Our session from a finished native flow that opened one."""
    if done.session is None or not done.session_token:
        raise RuntimeError("Kratos finished the flow without opening a session")
    return Session(
        token=done.session_token,
        principal=principal_of(done.session.identity),
        expires_at=done.session.expires_at or datetime.now(UTC),
    )


class KratosIdentity:
    """Registration and login through Kratos' native (API) flows; sessions checked with whoami."""

    def __init__(self, public_url: str, admin_url: str, api_key: str | None = None) -> None:
        self.frontend = kratos.FrontendApi(kratos.ApiClient(kratos.Configuration(host=public_url)))
        self.metadata = kratos.MetadataApi(api_client(kratos, admin_url, api_key))
        self.admin = kratos.IdentityApi(self.metadata.api_client)

    async def ping(self) -> None:
        await call(self.metadata.is_ready)

    async def register(self, email: str, password: str, *, sign_in: bool = False) -> Registration:
        flow = await call(self.frontend.create_native_registration_flow)
        method = kratos.UpdateRegistrationFlowWithPasswordMethod(
            method="password", password=password, traits={"email": email}
        )
        body = kratos.UpdateRegistrationFlowBody(method)
        try:
            done = await call(
                self.frontend.update_registration_flow,
                flow=flow.id,
                update_registration_flow_body=body,
            )
        except KratosError as exc:
            if exc.status != 400:
                raise
            errors = flow_errors(exc)
            if any(message_id == DUPLICATE_IDENTIFIER for _, message_id, _ in errors):
                raise EmailTaken(email) from None
            field, _, text = errors[0] if errors else ("", 0, "registration refused")
            raise RegistrationRejected(FIELDS.get(field, field or "email"), text) from None
        opened = sign_in and done.session is not None and bool(done.session_token)
        return Registration(
            principal_of(done.identity),
            _session(done) if opened else None,
            verification_flow(done.continue_with),
        )

    async def login(self, email: str, password: str) -> Session:
        flow = await call(self.frontend.create_native_login_flow)
        method = kratos.UpdateLoginFlowWithPasswordMethod(
            method="password", identifier=email, password=password
        )
        try:
            done = await call(
                self.frontend.update_login_flow,
                flow=flow.id,
                update_login_flow_body=kratos.UpdateLoginFlowBody(method),
            )
        except KratosError as exc:
            if exc.status in (400, 401):
                raise InvalidCredentials from None
            raise
        if done.session is not None and done.session.identity is None:
            # Kratos names nobody behind a session that waits for its second factor; its
            # admin API does.
            found = await call(self.admin.get_session, id=done.session.id, expand=["Identity"])
            done.session.identity = found.identity
        return _session(done)

    async def logout(self, token: str) -> None:
        body = kratos.PerformNativeLogoutBody(session_token=token)
        try:
            await call(self.frontend.perform_native_logout, perform_native_logout_body=body)
        except KratosError as exc:
            if exc.status not in (400, 401, 403, 404):  # unknown or revoked already: done
                raise

    async def authenticate(self, credentials: Credentials) -> Principal | None:
        if not credentials.token and not credentials.kratos_cookie:
            return None
        cookie = (
            f"{KRATOS_COOKIE}={credentials.kratos_cookie}" if credentials.kratos_cookie else None
        )
        try:
            session = await call(
                self.frontend.to_session, x_session_token=credentials.token, cookie=cookie
            )
        except KratosError as exc:
            if exc.status in (401, 403):
                return None
            raise
        if not session.active or session.identity is None:
            return None
        return principal_of(session.identity)


class KetoPermissions:
    """Relation tuples in Keto. A subject is a subject set of the namespace the model gives the
    relation (``Order:o1#owners@User:u1``, ``Order:o1#parents@Ticket:t1``), as the OPL types it."""

    def __init__(self, read_url: str, write_url: str, api_key: str | None = None) -> None:
        read = api_client(keto, read_url, api_key)
        self.permissions = keto.PermissionApi(read)
        self.reader = keto.RelationshipApi(read)
        self.writer = keto.RelationshipApi(api_client(keto, write_url, api_key))
        self.metadata = keto.MetadataApi(read)

    async def ping(self) -> None:
        await call(self.metadata.is_ready)

    async def check(self, namespace: str, obj: str, permit: str, subject_id: str) -> bool:
        result = await call(
            self.permissions.check_permission,
            namespace=namespace,
            object=obj,
            relation=permit,
            subject_set_namespace="User",
            subject_set_object=subject_id,
            subject_set_relation="",
        )
        return bool(result.allowed)

    async def write(self, tuples: list[RelationTuple]) -> None:
        for rt in tuples:
            validate(rt)
            body = keto.CreateRelationshipBody(
                namespace=rt.namespace,
                object=rt.object,
                relation=rt.relation,
                subject_set=keto.SubjectSet(
                    namespace=_target(rt), object=rt.subject_id, relation=""
                ),
            )
            await call(self.writer.create_relationship, create_relationship_body=body)

    async def delete(self, tuples: list[RelationTuple]) -> None:
        for rt in tuples:
            await call(
                self.writer.delete_relationships,
                namespace=rt.namespace,
                object=rt.object,
                relation=rt.relation,
                subject_set_namespace=_target(rt),
                subject_set_object=rt.subject_id,
                subject_set_relation="",
            )

    async def objects(self, namespace: str, relation: str, subject_id: str) -> list[str]:
        found = await call(
            self.reader.get_relationships,
            namespace=namespace,
            relation=relation,
            subject_set_namespace=MODEL[namespace].relations[relation],
            subject_set_object=subject_id,
            subject_set_relation="",
        )
        return [t.object for t in found.relation_tuples or []]


def _target(rt: RelationTuple) -> str:
    return MODEL[rt.namespace].relations[rt.relation]
