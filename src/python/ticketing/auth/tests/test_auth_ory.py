"""The auth service in Ory mode: the same REST interface, served by Kratos' native flows.
Kratos and Keto here are the stand-ins speaking their REST wire format (no Docker engine to
run the real ones); MongoDB-wire and RabbitMQ are real."""

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pyotp
import pytest

from ticketing.auth.app import create_app
from ticketing.auth.codes import CodeRefused
from ticketing.auth.kratos import KratosAccounts
from ticketing.auth.models import User
from ticketing.auth.settings import AuthSettings
from ticketing.shared.ory import KetoPermissions, KratosIdentity
from ticketing.testing.fixtures import running
from ticketing.testing.keto_standin import KetoStandIn
from ticketing.testing.kratos_standin import KratosStandIn

PASSWORD = "correct horse battery staple"
SECRET = "webhook-secret"


@pytest.fixture
async def kratos() -> AsyncIterator[KratosStandIn]:
    standin = await KratosStandIn().start()
    yield standin
    await standin.stop()


@pytest.fixture
async def client(
    isolated: dict[str, Any], kratos: KratosStandIn
) -> AsyncIterator[httpx.AsyncClient]:
    keto = await KetoStandIn().start()
    settings = AuthSettings(
        **isolated,
        kratos_public_url=kratos.url,
        kratos_admin_url=kratos.url,
        keto_read_url=keto.url,
        keto_write_url=keto.url,
        kratos_webhook_secret=SECRET,
    )
    app = create_app(settings)
    assert isinstance(app.state.platform.identity, KratosIdentity)  # chosen by settings alone
    assert isinstance(app.state.platform.permissions, KetoPermissions)
    async with running(app) as test_client:
        yield test_client
    await keto.stop()


async def test_sign_up_in_and_out_through_kratos(
    client: httpx.AsyncClient, kratos: KratosStandIn
) -> None:
    signed_up = await client.post(
        "/api/users/signup", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert signed_up.status_code == 201, signed_up.text
    token = signed_up.json()["token"]
    assert token in kratos.sessions  # the Kratos session token
    bearer = {"Authorization": f"Bearer {token}"}
    me = (await client.get("/api/users/currentuser", headers=bearer)).json()
    assert me["current_user"]["email"] == "ada@example.com"
    assert await User.get(signed_up.json()["id"]) is not None

    signed_in = await client.post(
        "/api/users/signin", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert signed_in.status_code == 200
    wrong = await client.post(
        "/api/users/signin", json={"email": "ada@example.com", "password": "wrong one!"}
    )
    assert wrong.status_code == 401

    assert (await client.post("/api/users/signout", headers=bearer)).status_code == 204
    assert token not in kratos.sessions
    client.cookies.clear()
    after = (await client.get("/api/users/currentuser", headers=bearer)).json()
    assert after == {"current_user": None}


async def test_kratos_refusals_come_back_as_our_problem_details(client: httpx.AsyncClient) -> None:
    body = {"email": "ada@example.com", "password": PASSWORD}
    assert (await client.post("/api/users/signup", json=body)).status_code == 201
    taken = await client.post("/api/users/signup", json=body)
    assert taken.status_code == 409
    assert taken.headers["content-type"].startswith("application/problem+json")
    assert "ui" not in taken.json()  # not Kratos' raw body


def mailed_code(kratos: KratosStandIn, to: str) -> str:
    """The code in the last mail Kratos' courier sent to ``to``."""
    mail = next(m for m in reversed(kratos.courier.sent) if m["To"] == to)
    found = re.search(r"\b(\d{6})\b", mail.get_content())
    assert found is not None
    return found.group(1)


async def test_kratos_caps_a_codes_submissions_behind_our_own_limit(
    client: httpx.AsyncClient, kratos: KratosStandIn
) -> None:
    body = {"email": "ada@example.com", "password": PASSWORD}
    assert (await client.post("/api/users/signup", json=body)).status_code == 201
    code = mailed_code(kratos, "ada@example.com")
    accounts = KratosAccounts(KratosIdentity(kratos.url, kratos.url))  # past our CodeLimits
    for _ in range(5):
        with pytest.raises(CodeRefused):
            await accounts.verify("ada@example.com", f"{(int(code) + 1) % 10**6:06d}")
    with pytest.raises(CodeRefused):  # a sixth submission, right or not
        await accounts.verify("ada@example.com", code)


async def test_changing_the_email_needs_a_recent_sign_in(
    client: httpx.AsyncClient, kratos: KratosStandIn
) -> None:
    body = {"email": "ada@example.com", "password": PASSWORD}
    token = (await client.post("/api/users/signup", json=body)).json()["token"]
    kratos.privileged_session_max_age = timedelta(0)  # as if signed in long ago
    bearer = {"Authorization": f"Bearer {token}"}
    named = await client.put(
        "/api/users/me", json={"email": "ada@example.com", "first_name": "Ada"}, headers=bearer
    )
    assert named.status_code == 200, named.text  # a name is not a protected trait
    moved = await client.put("/api/users/me", json={"email": "ada@example.org"}, headers=bearer)
    assert moved.status_code == 403, moved.text
    assert "sign in again" in moved.json()["detail"]


async def test_the_webhook_records_the_user_once_and_checks_the_secret(
    client: httpx.AsyncClient,
) -> None:
    url = "/api/users/webhooks/kratos/after-registration"
    body = {"identity_id": "kratos-id-1", "email": "ada@example.com"}
    assert (await client.post(url, json=body)).status_code == 401
    assert (
        await client.post(url, json=body, headers={"X-Webhook-Secret": "guess"})
    ).status_code == 401
    assert await User.count() == 0
    for _ in range(2):
        response = await client.post(url, json=body, headers={"X-Webhook-Secret": SECRET})
        assert response.status_code == 200
    assert await User.find(User.id == "kratos-id-1").count() == 1
    bad = await client.post(url, json={"identity_id": ""}, headers={"X-Webhook-Secret": SECRET})
    assert bad.status_code == 400


async def test_without_a_secret_the_webhook_is_off(isolated: dict[str, Any]) -> None:
    app = create_app(AuthSettings(**isolated))
    async with running(app) as client:
        response = await client.post(
            "/api/users/webhooks/kratos/after-registration",
            json={"identity_id": "x", "email": "ada@example.com"},
            headers={"X-Webhook-Secret": ""},
        )
    assert response.status_code == 404


async def test_recovering_an_account_with_a_second_factor_is_refused_cleanly(
    client: httpx.AsyncClient, kratos: KratosStandIn
) -> None:
    """Kratos wants the second factor before a recovery's session sets a password (its
    settings' required_aal); the recovery API takes no such code, so it is a 403 (the embedded
    engine recovers such an account, and signing in then asks for the code)."""
    body = {"email": "ada@example.com", "password": PASSWORD}
    token = (await client.post("/api/users/signup", json=body)).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    secret = (await client.post("/api/users/me/second-factor/totp", headers=bearer)).json()
    code = pyotp.TOTP(secret["secret"]).now()
    confirm = "/api/users/me/second-factor/totp/confirm"
    assert (await client.post(confirm, json={"code": code}, headers=bearer)).status_code == 201
    assert (
        await client.post("/api/users/recovery", json={"email": body["email"]})
    ).status_code == 202
    recovered = await client.post(
        "/api/users/recovery/confirm",
        json={**body, "code": mailed_code(kratos, body["email"]), "password": "a new pass phrase"},
    )
    assert recovered.status_code == 403, recovered.text
    assert "two-factor sign-in is on" in recovered.json()["detail"]
    signed_in = await client.post("/api/users/signin", json=body)  # the password is unchanged
    assert signed_in.json()["needs_code"] is True
