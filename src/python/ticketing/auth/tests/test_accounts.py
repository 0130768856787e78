"""Verification, recovery, settings and sessions over HTTP with the embedded engine, against
real MongoDB-wire and Redis servers; every code is read from the mail a catcher received."""

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from ticketing.auth import codes
from ticketing.auth.app import create_app
from ticketing.auth.codes import StoredCode
from ticketing.auth.models import User
from ticketing.auth.settings import AuthSettings
from ticketing.testing.fixtures import running
from ticketing.testing.mail_catcher import MailCatcher

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new secret phrase"
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


async def sign_in(client: httpx.AsyncClient, password: str = PASSWORD) -> httpx.Response:
    response = await client.post("/api/users/signin", json={"email": ADA, "password": password})
    client.cookies.clear()
    return response


async def verification(client: httpx.AsyncClient, **body: str) -> httpx.Response:
    return await client.post("/api/users/verification", json=body)


async def recovery(client: httpx.AsyncClient, **body: str) -> httpx.Response:
    """Ask for a code ({email}) or set a new password with it ({email, code, password})."""
    path = "/api/users/recovery/confirm" if "code" in body else "/api/users/recovery"
    return await client.post(path, json=body)


async def signed_in_as(client: httpx.AsyncClient, token: str) -> str | None:
    current = (await client.get("/api/users/currentuser", headers=bearer(token))).json()
    return current["current_user"] and current["current_user"]["email"]


async def test_sign_up_mails_a_code_that_verifies_the_address_before_sign_in(
    isolated: dict[str, Any], catcher: MailCatcher
) -> None:
    app = create_app(settings(isolated, catcher, require_verified_email=True))
    async with running(app) as client:
        signed_up = await sign_up(client)
        assert signed_up["token"] is None  # no session until the address is verified
        refused = await sign_in(client)
        assert refused.status_code == 403, refused.text
        assert refused.json()["rule"] == "verified-email"

        mail = await catcher.next_for(ADA)
        assert "verification code" in mail.subject
        verified = await verification(client, email=ADA, code=mail.code)
        assert verified.status_code == 200, verified.text
        assert verified.json() == {"status": "verified"}

        signed_in = await sign_in(client)
        assert signed_in.status_code == 200, signed_in.text
        me = await client.get("/api/users/me", headers=bearer(signed_in.json()["token"]))
        assert me.json()["email_verified"] is True


async def test_in_dev_sign_up_signs_in_at_once_and_a_new_code_can_be_asked_for(
    client: httpx.AsyncClient, catcher: MailCatcher
) -> None:
    token = (await sign_up(client))["token"]
    me = (await client.get("/api/users/me", headers=bearer(token))).json()
    assert me == {
        "id": me["id"],
        "email": ADA,
        "email_verified": False,
        "first_name": "",
        "last_name": "",
    }
    first = await catcher.next_for(ADA)
    sent = await verification(client, email=ADA)
    assert sent.status_code == 202
    second = await catcher.next_for(ADA, 2)
    # The new code replaced the old one.
    assert (await verification(client, email=ADA, code=first.code)).status_code == 403
    assert (await verification(client, email=ADA, code=second.code)).status_code == 200
    assert (await client.get("/api/users/me", headers=bearer(token))).json()["email_verified"]


async def test_recovery_sets_a_new_password_and_ends_every_session(
    client: httpx.AsyncClient, catcher: MailCatcher
) -> None:
    first = (await sign_up(client))["token"]
    second = (await sign_in(client)).json()["token"]
    assert (await recovery(client, email=ADA)).status_code == 202
    mail = await catcher.next_for(ADA, 2)  # after the sign-up's verification mail
    assert "recovery code" in mail.subject

    common = await recovery(client, email=ADA, code=mail.code, password="password1")
    assert common.status_code == 400
    assert common.json()["rule"] == "common"  # the code was not spent on a refused password
    done = await recovery(client, email=ADA, code=mail.code, password=NEW_PASSWORD)
    assert done.status_code == 200, done.text

    assert await signed_in_as(client, first) is None
    assert await signed_in_as(client, second) is None
    assert (await sign_in(client)).status_code == 401
    assert (await sign_in(client, NEW_PASSWORD)).status_code == 200
    reused = await recovery(client, email=ADA, code=mail.code, password="yet another phrase")
    assert reused.status_code == 403
    assert reused.json()["field"] == "code"


async def test_wrong_expired_and_reused_codes_are_refused_alike(
    client: httpx.AsyncClient, catcher: MailCatcher
) -> None:
    await sign_up(client)
    code = (await catcher.next_for(ADA)).code
    wrong = await verification(client, email=ADA, code=f"{(int(code) + 1) % 10**6:06d}")
    assert wrong.status_code == 403

    stored = await StoredCode.get(codes.key(codes.Purpose.VERIFY, ADA))
    assert stored is not None
    assert code not in stored.model_dump_json()  # kept hashed
    stored.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    await stored.save()
    expired = await verification(client, email=ADA, code=code)
    assert expired.status_code == 403

    await verification(client, email=ADA)
    fresh = (await catcher.next_for(ADA, 2)).code
    assert (await verification(client, email=ADA, code=fresh)).status_code == 200
    reused = await verification(client, email=ADA, code=fresh)
    assert reused.status_code == 403
    for refused in (wrong, expired, reused):
        assert refused.json()["detail"] == wrong.json()["detail"]
        assert refused.json()["field"] == "code"


async def test_too_many_wrong_codes_are_a_429_even_for_the_right_one(
    client: httpx.AsyncClient, catcher: MailCatcher
) -> None:
    await sign_up(client)
    code = (await catcher.next_for(ADA)).code
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(codes.MAX_ATTEMPTS):
        assert (await verification(client, email=ADA, code=wrong)).status_code == 403
    locked = await verification(client, email=ADA, code=code)
    assert locked.status_code == 429, locked.text
    assert int(locked.headers["retry-after"]) >= 1


async def test_no_answer_tells_a_known_address_from_an_unknown_one(
    isolated: dict[str, Any], catcher: MailCatcher
) -> None:
    app = create_app(settings(isolated, catcher, code_interval_seconds=60))
    async with running(app) as client:
        await sign_up(client)
        unknown = "nobody@example.com"
        answers: dict[str, list[tuple[int, str | None, dict[str, Any]]]] = {}
        for email in (ADA, unknown):
            asked = [
                await recovery(client, email=email),
                await recovery(client, email=email),  # again at once: too soon
                await verification(client, email=email, code="000000"),
            ]
            answers[email] = [
                (
                    r.status_code,
                    r.headers.get("retry-after"),
                    {k: v for k, v in r.json().items() if k != "request_id"},
                )
                for r in asked
            ]
        assert answers[ADA] == answers[unknown]
        assert [status for status, _, _ in answers[ADA]] == [202, 429, 403]
        assert catcher.to(unknown) == []  # nothing was sent to the unknown address


async def test_changing_the_email_needs_verifying_it_again(
    client: httpx.AsyncClient, catcher: MailCatcher
) -> None:
    token = (await sign_up(client))["token"]
    await verification(client, email=ADA, code=(await catcher.next_for(ADA)).code)
    body = {"email": "Ada.Lovelace@Example.com", "first_name": " Ada ", "last_name": "Lovelace"}
    changed = await client.put("/api/users/me", json=body, headers=bearer(token))
    assert changed.status_code == 200, changed.text
    assert changed.json() == {
        "id": changed.json()["id"],
        "email": "ada.lovelace@example.com",
        "email_verified": False,
        "first_name": "Ada",
        "last_name": "Lovelace",
    }
    assert await signed_in_as(client, token) == "ada.lovelace@example.com"
    user = await User.get(changed.json()["id"])
    assert user is not None
    assert user.email == "ada.lovelace@example.com"
    code = (await catcher.next_for("ada.lovelace@example.com")).code
    assert (await verification(client, email=ADA, code=code)).status_code == 403  # old address
    verified = await verification(client, email="ada.lovelace@example.com", code=code)
    assert verified.status_code == 200
    assert (await client.get("/api/users/me", headers=bearer(token))).json()["email_verified"]
    assert (await sign_in(client)).status_code == 401  # the old address signs nobody in

    await sign_up(client, "bob@example.com")
    taken = await client.put(
        "/api/users/me", json={"email": "bob@example.com"}, headers=bearer(token)
    )
    assert taken.status_code == 409
    too_long = {"email": "ada.lovelace@example.com", "first_name": "x" * 101}
    assert (
        await client.put("/api/users/me", json=too_long, headers=bearer(token))
    ).status_code == 400


async def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    client: httpx.AsyncClient,
) -> None:
    token = (await sign_up(client))["token"]
    other = (await sign_in(client)).json()["token"]
    url = "/api/users/me/password"
    wrong = {"current_password": "not the password", "new_password": NEW_PASSWORD}
    refused = await client.post(url, json=wrong, headers=bearer(token))
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "current_password"
    common = {"current_password": PASSWORD, "new_password": "iloveyou"}
    weak = await client.post(url, json=common, headers=bearer(token))
    assert weak.status_code == 400
    assert weak.json()["rule"] == "common"
    assert "common" in weak.json()["detail"]
    good = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert (await client.post(url, json=good, headers=bearer(token))).status_code == 204
    assert await signed_in_as(client, token) == ADA  # this session goes on
    assert await signed_in_as(client, other) is None
    assert (await sign_in(client, NEW_PASSWORD)).status_code == 200
    assert (await client.post(url, json=good)).status_code == 401  # signed in only


async def test_sessions_are_listed_and_ended_one_or_all(client: httpx.AsyncClient) -> None:
    token = (await sign_up(client))["token"]
    other = (await sign_in(client)).json()["token"]
    bob = (await sign_up(client, "bob@example.com"))["token"]
    listed = (await client.get("/api/users/me/sessions", headers=bearer(token))).json()
    assert [s["current"] for s in listed] == [True, False]
    other_id = listed[1]["id"]
    bobs = await client.delete(f"/api/users/me/sessions/{other_id}", headers=bearer(bob))
    assert bobs.status_code == 404  # not Bob's to end
    assert await signed_in_as(client, other) == ADA
    for unknown in ("not-an-id", "0" * 24):
        gone = await client.delete(f"/api/users/me/sessions/{unknown}", headers=bearer(token))
        assert gone.status_code == 404
    ended = await client.delete(f"/api/users/me/sessions/{other_id}", headers=bearer(token))
    assert ended.status_code == 204
    assert await signed_in_as(client, other) is None
    assert len((await client.get("/api/users/me/sessions", headers=bearer(token))).json()) == 1

    again = (await sign_in(client)).json()["token"]
    everywhere = await client.delete("/api/users/me/sessions", headers=bearer(token))
    assert everywhere.status_code == 204
    assert await signed_in_as(client, token) is None
    assert await signed_in_as(client, again) is None
    assert await signed_in_as(client, bob) == "bob@example.com"
