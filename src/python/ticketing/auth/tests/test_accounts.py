"""What only the embedded engine does (the account contract both modes pass is in
test_accounts_contract.py): the mails it writes, the codes it keeps hashed, and our own user
record following an email change. Over HTTP, against real MongoDB-wire and Redis servers and
a real SMTP mail catcher."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from ticketing.auth import codes
from ticketing.auth.app import create_app
from ticketing.auth.codes import StoredCode
from ticketing.auth.models import User
from ticketing.auth.settings import AuthSettings
from ticketing.stack.mail_catcher import MailCatcher
from ticketing.testing.fixtures import running

PASSWORD = "correct horse battery staple"
ADA = "ada@example.com"


@pytest.fixture
def catcher() -> Iterator[MailCatcher]:
    started = MailCatcher().start()
    yield started
    started.stop()


def settings(isolated: dict[str, Any], catcher: MailCatcher, **more: Any) -> AuthSettings:
    """Mail to this test's own catcher, so counting mails to an address counts only its own."""
    return AuthSettings(
        **{**isolated, "smtp_port": catcher.port, "code_interval_seconds": 0, **more}
    )


@pytest.fixture
async def client(
    isolated: dict[str, Any], catcher: MailCatcher
) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(settings(isolated, catcher))) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def sign_up(client: httpx.AsyncClient, email: str = ADA) -> dict[str, Any]:
    response = await client.post("/api/users/signup", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    client.cookies.clear()  # each call below says which session it uses
    return dict(response.json())


async def verification(client: httpx.AsyncClient, **body: str) -> httpx.Response:
    return await client.post("/api/users/verification", json=body)


async def recovery(client: httpx.AsyncClient, **body: str) -> httpx.Response:
    """Ask for a code ({email}) or set a new password with it ({email, code, password})."""
    path = "/api/users/recovery/confirm" if "code" in body else "/api/users/recovery"
    return await client.post(path, json=body)


async def test_the_mails_say_what_their_code_is_for(
    client: httpx.AsyncClient, catcher: MailCatcher
) -> None:
    await sign_up(client)
    verify = await catcher.next_for(ADA)
    assert verify.subject == "Your Ticketing verification code"
    assert verify.code in verify.text
    assert (await recovery(client, email=ADA)).status_code == 202
    recover = await catcher.next_for(ADA, 2)
    assert recover.subject == "Your Ticketing recovery code"
    assert "signs you out everywhere" in recover.text


async def test_codes_are_kept_hashed(client: httpx.AsyncClient, catcher: MailCatcher) -> None:
    await sign_up(client)
    code = (await catcher.next_for(ADA)).code
    stored = await StoredCode.get(codes.key(codes.Purpose.VERIFY, ADA))
    assert stored is not None
    assert code not in stored.model_dump_json()
    assert (await verification(client, email=ADA, code=code)).status_code == 200


async def test_an_email_change_reaches_our_own_user_record(
    client: httpx.AsyncClient, catcher: MailCatcher
) -> None:
    token = (await sign_up(client))["token"]
    body = {"email": "ada.lovelace@example.com"}
    changed = await client.put("/api/users/me", json=body, headers=bearer(token))
    assert changed.status_code == 200, changed.text
    user = await User.get(changed.json()["id"])
    assert user is not None
    assert user.email == "ada.lovelace@example.com"
