"""Sign-in against guessing: failures counted in the real Redis per account and per address,
the same answer and the same work for an unknown address, and answers no cache keeps."""

from collections.abc import AsyncIterator
from typing import Any, Literal

import httpx
import pytest
from argon2 import PasswordHasher

from ticketing.auth import rules
from ticketing.auth.app import create_app
from ticketing.auth.settings import AuthSettings
from ticketing.shared import identity
from ticketing.testing.fixtures import running

PASSWORD = "correct horse battery staple"


@pytest.fixture
async def client(isolated: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(AuthSettings(**isolated))) as test_client:
        yield test_client


async def sign_up(client: httpx.AsyncClient, email: str) -> httpx.Response:
    response = await client.post("/api/users/signup", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return response


async def sign_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/users/signin", json={"email": email, "password": password})


async def test_an_account_is_locked_out_after_repeated_failures(
    client: httpx.AsyncClient,
) -> None:
    await sign_up(client, "ada@example.com")
    await sign_up(client, "bob@example.com")
    for _ in range(rules.FREE_ATTEMPTS["account"]):
        assert (await sign_in(client, "ada@example.com", "wrong guess")).status_code == 401
    assert (await sign_in(client, "ada@example.com", "wrong guess")).status_code == 401
    locked = await sign_in(client, "ada@example.com", PASSWORD)  # even the right password
    assert locked.status_code == 429, locked.text
    assert locked.headers["content-type"] == "application/problem+json"
    assert int(locked.headers["retry-after"]) >= 1
    # Another account from the same address is not affected.
    assert (await sign_in(client, "bob@example.com", PASSWORD)).status_code == 200


async def test_one_address_guessing_many_accounts_is_locked_out(
    client: httpx.AsyncClient,
) -> None:
    await sign_up(client, "ada@example.com")
    for i in range(rules.FREE_ATTEMPTS["address"] + 1):
        response = await sign_in(client, f"guess{i}@example.com", "wrong guess")
        assert response.status_code == 401, (i, response.text)
    assert (await sign_in(client, "ada@example.com", PASSWORD)).status_code == 429


async def test_success_starts_the_account_count_again(client: httpx.AsyncClient) -> None:
    await sign_up(client, "ada@example.com")
    for _ in range(2):
        for _ in range(rules.FREE_ATTEMPTS["account"]):
            assert (await sign_in(client, "ada@example.com", "wrong")).status_code == 401
        assert (await sign_in(client, "ada@example.com", PASSWORD)).status_code == 200


class CountingHasher(PasswordHasher):
    verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        CountingHasher.verified += 1
        return super().verify(hash, password)


async def test_an_unknown_address_gets_the_same_answer_after_the_same_work(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sign_up(client, "ada@example.com")
    monkeypatch.setattr(identity, "HASHER", CountingHasher(time_cost=2, memory_cost=19 * 1024))
    wrong = await sign_in(client, "ada@example.com", "wrong guess")
    assert CountingHasher.verified == 1
    unknown = await sign_in(client, "nobody@example.com", "wrong guess")
    assert CountingHasher.verified == 2  # a dummy hash was verified too
    assert wrong.status_code == unknown.status_code == 401
    strip = {"request_id"}
    assert {k: v for k, v in wrong.json().items() if k not in strip} == {
        k: v for k, v in unknown.json().items() if k not in strip
    }


async def test_answers_with_sessions_are_never_cached(client: httpx.AsyncClient) -> None:
    signed_up = await sign_up(client, "ada@example.com")
    signed_in = await sign_in(client, "ada@example.com", PASSWORD)
    current = await client.get("/api/users/currentuser")
    for response in (signed_up, signed_in, current):
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(("secure", "expected"), [(None, False), (True, True)])
async def test_the_session_cookie_is_secure_when_configured(
    isolated: dict[str, Any], secure: bool | None, expected: bool
) -> None:
    settings = AuthSettings(**isolated, cookie_secure=secure)  # isolated: the dev profile
    async with running(create_app(settings)) as client:
        cookie = (await sign_up(client, "ada@example.com")).headers["set-cookie"]
    assert ("Secure" in cookie) is expected
