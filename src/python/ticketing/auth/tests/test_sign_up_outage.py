"""A sign-up that meets an outage after the account exists answers "created" (no session yet),
never a 5xx for work that was done; signing in later completes it. Real MongoDB-wire server;
the outage is a mail server that refuses connections."""

from collections.abc import AsyncIterator
from typing import Any, cast

import httpx
import pytest

from ticketing.auth import use_cases
from ticketing.auth.accounts import AccountsPort
from ticketing.auth.app import create_app
from ticketing.auth.models import User
from ticketing.auth.settings import AuthSettings
from ticketing.shared.platform import Platform
from ticketing.testing.fixtures import running

PASSWORD = "correct horse battery staple"


class MailServerDown:
    """The accounts port at the moment the mail server refuses connections."""

    async def registered(self, email: str, verification_flow: str | None) -> None:
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
async def app(isolated: dict[str, Any]) -> AsyncIterator[tuple[Platform, httpx.AsyncClient]]:
    created = create_app(AuthSettings(**isolated))
    async with running(created) as client:
        yield created.state.platform, client


async def test_an_outage_after_the_account_exists_is_not_a_5xx(
    app: tuple[Platform, httpx.AsyncClient],
) -> None:
    platform, client = app
    down = cast(AccountsPort, MailServerDown())  # only `registered` is reached
    principal, session = await use_cases.sign_up(
        platform.identity, down, "ada@example.com", PASSWORD, verified_only=False
    )
    assert session is None  # created, and told so: no session yet, no error
    signed_in = await client.post(
        "/api/users/signin", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["id"] == principal.id
    assert await User.get(principal.id) is not None  # our own record is there


async def test_a_failure_that_is_not_an_outage_still_fails(
    app: tuple[Platform, httpx.AsyncClient],
) -> None:
    platform, _ = app

    class Broken:
        async def registered(self, email: str, verification_flow: str | None) -> None:
            raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):
        await use_cases.sign_up(
            platform.identity,
            cast(AccountsPort, Broken()),
            "bob@example.com",
            PASSWORD,
            verified_only=False,
        )
