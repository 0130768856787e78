"""One contract for the identity port, passed by the embedded engine (over a real MongoDB-wire
server) and by the Kratos adapter (against Kratos in a container where Docker answers, else
the Kratos stand-in speaking its REST wire format: see the test ids)."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from ory_kratos_client.exceptions import ApiException as KratosError
from pymongo import AsyncMongoClient

from ticketing.shared.identity import (
    Credentials,
    EmailTaken,
    EmbeddedIdentity,
    IdentityPort,
    InvalidCredentials,
    RegistrationRejected,
)
from ticketing.shared.ory import KratosIdentity, call
from ticketing.testing import ory_servers

PASSWORD = "correct horse battery staple"


@pytest.fixture(params=["embedded", f"kratos-{ory_servers.KIND}"])
async def identity(
    request: pytest.FixtureRequest, isolated: dict[str, Any]
) -> AsyncIterator[IdentityPort]:
    if request.param == "embedded":
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(isolated["mongodb_url"])
        engine = EmbeddedIdentity(client, isolated["embedded_auth_database"], timedelta(hours=1))
        await engine.init()
        yield engine
        await client.close()
        return
    async with ory_servers.kratos() as (public, admin):
        yield KratosIdentity(public, admin, ory_servers.API_KEY)


async def test_register_then_sign_in_and_the_session_names_the_user(identity: IdentityPort) -> None:
    await identity.ping()
    registered = (await identity.register("ada@example.com", PASSWORD)).principal
    assert registered.email == "ada@example.com"
    session = await identity.login("ada@example.com", PASSWORD)
    assert session.principal == registered
    assert session.token
    assert await identity.authenticate(Credentials(token=session.token)) == registered


async def test_registration_names_the_flow_its_first_code_went_out_on(
    identity: IdentityPort,
) -> None:
    registration = await identity.register("ada@example.com", PASSWORD)
    if isinstance(identity, KratosIdentity):
        assert registration.verification_flow  # Kratos mailed the code itself, on this flow
    else:
        assert registration.verification_flow is None  # the auth service mails its own


async def test_registration_opens_a_live_session_only_when_asked(identity: IdentityPort) -> None:
    assert (await identity.register("ada@example.com", PASSWORD)).session is None
    registration = await identity.register("grace@example.com", PASSWORD, sign_in=True)
    grace, session = registration.principal, registration.session
    if isinstance(identity, KratosIdentity):
        # Our Kratos configuration has no ``session`` hook after registration: signing in
        # is a login of its own there (auth's sign-up does it).
        assert session is None
        return
    assert session is not None
    assert session.principal == grace
    assert await identity.authenticate(Credentials(token=session.token)) == grace


async def test_a_taken_email_is_refused(identity: IdentityPort) -> None:
    await identity.register("ada@example.com", PASSWORD)
    with pytest.raises(EmailTaken):
        await identity.register("ada@example.com", "another good password")


async def test_wrong_credentials_are_refused_alike(identity: IdentityPort) -> None:
    await identity.register("ada@example.com", PASSWORD)
    with pytest.raises(InvalidCredentials):
        await identity.login("ada@example.com", "not the password")
    with pytest.raises(InvalidCredentials):
        await identity.login("nobody@example.com", PASSWORD)


async def test_logout_ends_the_session_and_is_harmless_twice(identity: IdentityPort) -> None:
    await identity.register("ada@example.com", PASSWORD)
    session = await identity.login("ada@example.com", PASSWORD)
    other = await identity.login("ada@example.com", PASSWORD)
    await identity.logout(session.token)
    await identity.logout(session.token)
    assert await identity.authenticate(Credentials(token=session.token)) is None
    assert await identity.authenticate(Credentials(token=other.token)) is not None  # only that one


async def test_no_or_forged_credentials_are_nobody(identity: IdentityPort) -> None:
    assert await identity.authenticate(Credentials()) is None
    assert await identity.authenticate(Credentials(token="forged")) is None


async def test_kratos_field_errors_become_our_rejections() -> None:
    async with ory_servers.kratos() as (public, admin):
        kratos = KratosIdentity(public, admin)
        with pytest.raises(RegistrationRejected) as short:
            await kratos.register("ada@example.com", "short")
        assert short.value.field == "password"
        with pytest.raises(RegistrationRejected) as email:
            await kratos.register("not-an-email", PASSWORD)
        assert email.value.field == "email"


async def test_kratos_browser_cookie_is_accepted_too() -> None:
    async with ory_servers.kratos() as (public, admin):
        kratos = KratosIdentity(public, admin)
        registered = (await kratos.register("ada@example.com", PASSWORD)).principal
        session = await kratos.login("ada@example.com", PASSWORD)
        assert await kratos.authenticate(Credentials(kratos_cookie=session.token)) == registered


async def test_kratos_admin_calls_carry_the_api_key() -> None:
    """Ory Network wants the project's API key on Kratos' admin API, as the stand-in does (a
    self-hosted Kratos in a container takes no key)."""
    async with ory_servers.kratos() as (public, admin):
        keyed = KratosIdentity(public, admin, ory_servers.API_KEY)
        registered = (await keyed.register("ada@example.com", PASSWORD)).principal
        assert (await call(keyed.admin.get_identity, id=registered.id)).id == registered.id
        if ory_servers.KIND == "standin":
            unkeyed = KratosIdentity(public, admin)
            with pytest.raises(KratosError) as refused:
                await call(unkeyed.admin.get_identity, id=registered.id)
            assert refused.value.status == 401
