"""The auth service over HTTP against real MongoDB-wire and RabbitMQ servers, with the embedded
identity engine (Ory's implementations pass the same port contract in shared/tests)."""

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from ticketing.auth.admin import change_membership
from ticketing.auth.app import create_app
from ticketing.auth.models import User
from ticketing.auth.settings import AuthSettings
from ticketing.shared.errors import NotFound
from ticketing.shared.identity import Credentials
from ticketing.shared.permissions import ADMIN_GROUP
from ticketing.shared.platform import Platform
from ticketing.stack.servers import python_env
from ticketing.testing.fixtures import env_from, running
from ticketing.testing.proxy import Outage

PASSWORD = "correct horse battery staple"


@pytest.fixture
async def app_and_client(
    isolated: dict[str, Any],
) -> AsyncIterator[tuple[Platform, httpx.AsyncClient]]:
    app = create_app(AuthSettings(**isolated))
    async with running(app) as client:
        yield app.state.platform, client


@pytest.fixture
def client(app_and_client: tuple[Platform, httpx.AsyncClient]) -> httpx.AsyncClient:
    return app_and_client[1]


async def signup(client: httpx.AsyncClient, email: str = "Ada@Example.com") -> httpx.Response:
    return await client.post("/api/users/signup", json={"email": email, "password": PASSWORD})


async def test_sign_up_creates_the_user_and_signs_them_in(client: httpx.AsyncClient) -> None:
    response = await signup(client)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "ada@example.com"  # normalised
    assert body["token"]
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"session_token={body['token']}")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    stored = await User.get(body["id"])
    assert stored is not None
    assert stored.email == "ada@example.com"

    by_cookie = (await client.get("/api/users/currentuser")).json()
    expected = {"id": body["id"], "email": "ada@example.com", "admin": False, "door": False}
    assert by_cookie == {"current_user": expected}
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {body['token']}"}
    by_bearer = (await client.get("/api/users/currentuser", headers=bearer)).json()
    assert by_bearer["current_user"]["id"] == body["id"]
    by_header = await client.get(
        "/api/users/currentuser", headers={"X-Session-Token": body["token"]}
    )
    assert by_header.json()["current_user"]["id"] == body["id"]
    assert (await client.get("/api/users/currentuser")).json() == {"current_user": None}


async def test_a_taken_email_is_a_409(client: httpx.AsyncClient) -> None:
    assert (await signup(client)).status_code == 201
    again = await signup(client, "ADA@example.com ")
    assert again.status_code == 409
    assert again.json()["field"] == "email"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "a@b", "password": PASSWORD}, "email"),
        ({"email": "x" * 250 + "@example.com", "password": PASSWORD}, "email"),
        ({"email": "ada@example.com", "password": "short"}, "password"),
        ({"email": "ada@example.com", "password": "a" * 129}, "password"),
        ({"email": "ada@example.com", "password": "aaaaaaaaaa"}, "password"),
        ({"email": "ada@example.com", "password": "ada@example.com"}, "password"),
        ({"email": "ada@example.com"}, "password"),
        ({"email": 5, "password": PASSWORD}, "email"),
    ],
)
async def test_bad_email_or_password_is_a_400_naming_the_rule(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/users/signup", json=body)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["type"].endswith(("/invalid-input", "/validation"))
    assert [error["field"] for error in problem["errors"]] == [field]
    assert await User.count() == 0


async def test_sign_in_and_wrong_credentials_give_no_hint(client: httpx.AsyncClient) -> None:
    user = (await signup(client)).json()
    ok = await client.post(
        "/api/users/signin", json={"email": "ADA@example.com", "password": PASSWORD}
    )
    assert ok.status_code == 200
    assert ok.json()["id"] == user["id"]
    assert ok.json()["token"] != user["token"]  # a new session
    wrong_password = await client.post(
        "/api/users/signin", json={"email": "ada@example.com", "password": "nope nope nope"}
    )
    unknown_email = await client.post(
        "/api/users/signin", json={"email": "bob@example.com", "password": PASSWORD}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json()["detail"] == unknown_email.json()["detail"]


async def test_sign_out_ends_the_session_for_every_service(
    app_and_client: tuple[Platform, httpx.AsyncClient],
) -> None:
    platform, client = app_and_client
    token = (await signup(client)).json()["token"]
    assert await platform.identity.authenticate(Credentials(token=token)) is not None
    response = await client.post("/api/users/signout")
    assert response.status_code == 204
    assert (
        'session_token=""' in response.headers["set-cookie"]
        or "Max-Age=0" in response.headers["set-cookie"]
    )
    # Another service asks the same identity port: the session is gone.
    assert await platform.identity.authenticate(Credentials(token=token)) is None
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/users/currentuser", headers=bearer)).json() == {
        "current_user": None
    }
    assert (await client.post("/api/users/signout")).status_code == 204  # harmless twice


async def test_admin_membership_is_granted_and_revoked_by_email(
    app_and_client: tuple[Platform, httpx.AsyncClient],
) -> None:
    platform, client = app_and_client
    user_id = (await signup(client)).json()["id"]
    assert not await platform.permissions.check("Group", ADMIN_GROUP, "members", user_id)
    await change_membership(platform, "grant", "ADA@example.com")
    assert await platform.permissions.check("Group", ADMIN_GROUP, "members", user_id)
    current = (await client.get("/api/users/currentuser")).json()["current_user"]
    assert current["admin"] is True  # what a client needs to offer the moderation pages
    await change_membership(platform, "revoke", "ada@example.com")
    assert not await platform.permissions.check("Group", ADMIN_GROUP, "members", user_id)
    with pytest.raises(NotFound, match="must sign up first"):
        await change_membership(platform, "grant", "nobody@example.com")


async def test_the_admin_command_grants_by_email(
    app_and_client: tuple[Platform, httpx.AsyncClient], isolated: dict[str, Any]
) -> None:
    platform, client = app_and_client
    user_id = (await signup(client)).json()["id"]
    env = {**python_env(), **env_from(isolated)}

    async def admin(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "ticketing.auth.admin", *args]
        return await asyncio.to_thread(
            subprocess.run, command, env=env, capture_output=True, text=True
        )

    granted = await admin("grant", "ada@example.com")
    assert granted.returncode == 0, granted.stderr
    assert f"({user_id}) is now a member of Group:admin" in granted.stdout
    assert await platform.permissions.check("Group", ADMIN_GROUP, "members", user_id)
    unknown = await admin("grant", "bob@example.com")
    assert unknown.returncode == 1
    assert "must sign up first" in unknown.stderr


async def test_sign_out_while_the_database_is_unreachable_is_a_503_to_retry(
    isolated: dict[str, Any],
) -> None:
    outage, via_proxy = await Outage.in_front_of(isolated["mongodb_url"])
    app = create_app(AuthSettings(**{**isolated, "mongodb_url": via_proxy}))
    async with running(app) as client:
        token = (await signup(client)).json()["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        await outage.cut()
        response = await client.post("/api/users/signout", headers=bearer)
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["retry-after"]
        await outage.restore()
        assert (await client.get("/api/users/currentuser", headers=bearer)).json()["current_user"]
        assert (await client.post("/api/users/signout", headers=bearer)).status_code == 204
        anonymous = await client.get("/api/users/currentuser", headers=bearer)
        assert anonymous.json() == {"current_user": None}
    await outage.cut()
