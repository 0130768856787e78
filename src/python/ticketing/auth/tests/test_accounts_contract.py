"""One contract for the account port (accounts.py), over the auth service's REST API, passed
by the embedded engine and by Kratos' native self-service flows (KratosAccounts against the
Kratos stand-in speaking its wire format: no Docker engine runs the real one here; see the test
ids). MongoDB-wire and Redis are real, and every code is read from the mail that a real SMTP
mail catcher received, sent by the embedded engine or by the stand-in's courier."""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from litestar import Litestar

from ticketing.auth import codes
from ticketing.auth.app import create_app
from ticketing.auth.codes import StoredCode
from ticketing.auth.settings import AuthSettings
from ticketing.shared.ory import KratosIdentity
from ticketing.stack.mail_catcher import MailCatcher
from ticketing.testing.fixtures import running
from ticketing.testing.keto_standin import KetoStandIn
from ticketing.testing.kratos_standin import KratosStandIn

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new secret phrase"
ADA = "ada@example.com"
KEY = "ory_pat_accounts_contract"


@dataclass
class Service:
    app: Litestar
    client: httpx.AsyncClient
    mail: MailCatcher
    expire_codes: Callable[[], Awaitable[None]]  # every code sent so far runs out


@pytest.fixture
def catcher() -> Iterator[MailCatcher]:
    started = MailCatcher().start()
    yield started
    started.stop()


async def _expire_stored_codes() -> None:
    past = datetime.now(UTC) - timedelta(seconds=1)
    await StoredCode.get_pymongo_collection().update_many({}, {"$set": {"expires_at": past}})


@pytest.fixture(params=["embedded", "kratos-standin"])
async def service_of(
    request: pytest.FixtureRequest, isolated: dict[str, Any], catcher: MailCatcher
) -> AsyncIterator[Callable[..., Awaitable[Service]]]:
    """Starts the auth service in the mode under test, its settings overridden by keywords."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(**more: Any) -> Service:
            fields = {**isolated, "smtp_port": catcher.port, "code_interval_seconds": 0, **more}
            expire = _expire_stored_codes
            if request.param != "embedded":
                # Each wants an API key, as Ory Network does: the adapters must send it.
                kratos = await KratosStandIn(smtp=("127.0.0.1", catcher.port), api_key=KEY).start()
                keto = await KetoStandIn(api_key=KEY).start()
                stack.push_async_callback(kratos.stop)
                stack.push_async_callback(keto.stop)
                fields |= {
                    "kratos_public_url": kratos.url,
                    "kratos_admin_url": kratos.url,
                    "keto_read_url": keto.url,
                    "keto_write_url": keto.url,
                    "ory_kratos_api_key": KEY,
                    "ory_keto_api_key": KEY,
                }

                async def expire_kratos() -> None:
                    kratos.expire_codes()

                expire = expire_kratos
            app = create_app(AuthSettings(**fields))
            client = await stack.enter_async_context(running(app))
            return Service(app, client, catcher, expire)

        yield start


@pytest.fixture
async def service(service_of: Callable[..., Awaitable[Service]]) -> Service:
    return await service_of()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def sign_up(client: httpx.AsyncClient, email: str = ADA) -> dict[str, Any]:
    response = await client.post("/api/users/signup", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    client.cookies.clear()  # each call below says which session it uses
    return dict(response.json())


async def sign_in(
    client: httpx.AsyncClient, password: str = PASSWORD, email: str = ADA
) -> httpx.Response:
    response = await client.post("/api/users/signin", json={"email": email, "password": password})
    client.cookies.clear()
    return response


async def verification(client: httpx.AsyncClient, **body: str) -> httpx.Response:
    return await client.post("/api/users/verification", json=body)


async def recovery(client: httpx.AsyncClient, **body: str) -> httpx.Response:
    path = "/api/users/recovery/confirm" if "code" in body else "/api/users/recovery"
    return await client.post(path, json=body)


async def signed_in_as(client: httpx.AsyncClient, token: str) -> str | None:
    current = (await client.get("/api/users/currentuser", headers=bearer(token))).json()
    return current["current_user"] and current["current_user"]["email"]


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


async def test_the_mode_is_chosen_by_settings_alone(
    request: pytest.FixtureRequest, service: Service
) -> None:
    identity = service.app.state.platform.identity
    assert isinstance(identity, KratosIdentity) == ("kratos" in request.node.callspec.id)


async def test_sign_up_then_verify_the_mailed_code_then_sign_in(
    service_of: Callable[..., Awaitable[Service]],
) -> None:
    service = await service_of(require_verified_email=True)
    client = service.client
    assert (await sign_up(client))["token"] is None
    refused = await sign_in(client)
    assert refused.status_code == 403, refused.text
    assert refused.json()["rule"] == "verified-email"
    mail = await service.mail.next_for(ADA)
    verified = await verification(client, email=ADA, code=mail.code)
    assert verified.status_code == 200, verified.text
    assert verified.json() == {"status": "verified"}
    signed_in = await sign_in(client)
    assert signed_in.status_code == 200, signed_in.text
    me = await client.get("/api/users/me", headers=bearer(signed_in.json()["token"]))
    assert me.json()["email_verified"] is True


async def test_a_new_code_replaces_the_last(service: Service) -> None:
    client = service.client
    token = (await sign_up(client))["token"]
    first = await service.mail.next_for(ADA)
    assert (await verification(client, email=ADA)).status_code == 202
    second = await service.mail.next_for(ADA, 2)
    assert (await verification(client, email=ADA, code=first.code)).status_code == 403
    assert (await verification(client, email=ADA, code=second.code)).status_code == 200
    assert (await client.get("/api/users/me", headers=bearer(token))).json()["email_verified"]


async def test_recovery_ends_every_session_and_the_new_password_works(service: Service) -> None:
    client = service.client
    first = (await sign_up(client))["token"]
    second = (await sign_in(client)).json()["token"]
    assert (await recovery(client, email=ADA)).status_code == 202
    code = (await service.mail.next_for(ADA, 2)).code  # after the sign-up's verification mail
    common = await recovery(client, email=ADA, code=code, password="password1")
    assert common.json()["rule"] == "common"  # refused before the code is spent
    done = await recovery(client, email=ADA, code=code, password=NEW_PASSWORD)
    assert done.status_code == 200, done.text
    assert done.json() == {"status": "recovered"}
    assert await signed_in_as(client, first) is None
    assert await signed_in_as(client, second) is None
    assert (await sign_in(client)).status_code == 401
    assert (await sign_in(client, NEW_PASSWORD)).status_code == 200
    reused = await recovery(client, email=ADA, code=code, password="yet another phrase")
    assert reused.status_code == 403
    assert reused.json()["field"] == "code"


async def test_wrong_expired_and_reused_codes_are_refused_alike(service: Service) -> None:
    client = service.client
    await sign_up(client)
    code = (await service.mail.next_for(ADA)).code
    wrong = await verification(client, email=ADA, code=other_than(code))
    await service.expire_codes()
    expired = await verification(client, email=ADA, code=code)
    await verification(client, email=ADA)
    fresh = (await service.mail.next_for(ADA, 2)).code
    assert (await verification(client, email=ADA, code=fresh)).status_code == 200
    reused = await verification(client, email=ADA, code=fresh)
    for refused in (wrong, expired, reused):
        assert refused.status_code == 403, refused.text
        assert refused.json()["detail"] == wrong.json()["detail"]
        assert refused.json()["field"] == "code"


async def test_too_many_wrong_codes_are_a_429_even_for_the_right_one(service: Service) -> None:
    client = service.client
    await sign_up(client)
    code = (await service.mail.next_for(ADA)).code
    for _ in range(codes.MAX_ATTEMPTS):
        assert (await verification(client, email=ADA, code=other_than(code))).status_code == 403
    locked = await verification(client, email=ADA, code=code)
    assert locked.status_code == 429, locked.text
    assert int(locked.headers["retry-after"]) >= 1


async def test_no_answer_tells_a_known_address_from_an_unknown_one(
    service_of: Callable[..., Awaitable[Service]],
) -> None:
    service = await service_of(code_interval_seconds=60)
    client = service.client
    await sign_up(client)
    unknown = "nobody@example.com"
    answers: dict[str, list[tuple[int, str | None, dict[str, Any]]]] = {}
    for email in (ADA, unknown):
        asked = [
            await recovery(client, email=email),
            await recovery(client, email=email),  # again at once: too soon
            await verification(client, email=email, code="000000"),
            await recovery(client, email=email, code="000000", password=NEW_PASSWORD),
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
    assert [status for status, _, _ in answers[ADA]] == [202, 429, 403, 403]
    assert service.mail.to(unknown) == []  # nothing was sent to the unknown address


async def test_changing_the_email_needs_verifying_it_again(service: Service) -> None:
    client = service.client
    token = (await sign_up(client))["token"]
    await verification(client, email=ADA, code=(await service.mail.next_for(ADA)).code)
    body = {"email": "Ada.Lovelace@Example.com", "first_name": " Ada ", "last_name": "Lovelace"}
    changed = await client.put("/api/users/me", json=body, headers=bearer(token))
    assert changed.status_code == 200, changed.text
    new = "ada.lovelace@example.com"
    assert changed.json() == {
        "id": changed.json()["id"],
        "email": new,
        "email_verified": False,
        "first_name": "Ada",
        "last_name": "Lovelace",
    }
    assert await signed_in_as(client, token) == new
    code = (await service.mail.next_for(new)).code
    assert (await verification(client, email=ADA, code=code)).status_code == 403  # old address
    assert (await verification(client, email=new, code=code)).status_code == 200
    assert (await client.get("/api/users/me", headers=bearer(token))).json()["email_verified"]
    assert (await sign_in(client)).status_code == 401  # the old address signs nobody in
    assert (await sign_in(client, email=new)).status_code == 200

    await sign_up(client, "bob@example.com")
    taken = await client.put(
        "/api/users/me", json={"email": "bob@example.com"}, headers=bearer(token)
    )
    assert taken.status_code == 409, taken.text
    assert (await client.get("/api/users/me", headers=bearer(token))).json()["email"] == new
    too_long = await client.put(
        "/api/users/me", json={"email": new, "first_name": "x" * 101}, headers=bearer(token)
    )
    assert too_long.status_code == 400, too_long.text
    assert (await client.put("/api/users/me", json={"email": new})).status_code == 401


async def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    service: Service,
) -> None:
    client = service.client
    token = (await sign_up(client))["token"]
    other = (await sign_in(client)).json()["token"]
    url = "/api/users/me/password"
    wrong = {"current_password": "not the password", "new_password": NEW_PASSWORD}
    refused = await client.post(url, json=wrong, headers=bearer(token))
    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"][0]["field"] == "current_password"
    assert await signed_in_as(client, other) == ADA  # a refused change ends nothing
    common = {"current_password": PASSWORD, "new_password": "iloveyou"}
    weak = await client.post(url, json=common, headers=bearer(token))
    assert weak.status_code == 400, weak.text
    assert weak.json()["rule"] == "common"
    good = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    changed = await client.post(url, json=good, headers=bearer(token))
    assert changed.status_code == 204, changed.text
    assert await signed_in_as(client, token) == ADA  # this session goes on
    assert await signed_in_as(client, other) is None
    assert (await sign_in(client)).status_code == 401
    assert (await sign_in(client, NEW_PASSWORD)).status_code == 200
    assert (await client.post(url, json=good)).status_code == 401  # signed in only


async def test_sessions_are_listed_and_ended_one_or_all(service: Service) -> None:
    client = service.client
    token = (await sign_up(client))["token"]
    other = (await sign_in(client)).json()["token"]
    bob = (await sign_up(client, "bob@example.com"))["token"]
    listed = (await client.get("/api/users/me/sessions", headers=bearer(token))).json()
    assert [s["current"] for s in listed] == [True, False]
    other_id = listed[1]["id"]
    bobs = await client.delete(f"/api/users/me/sessions/{other_id}", headers=bearer(bob))
    assert bobs.status_code == 404  # not Bob's to end
    assert await signed_in_as(client, other) == ADA
    for unknown in ("not-an-id", "0" * 24, str(uuid4())):
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


async def test_ending_the_current_session_by_its_id_signs_it_out(service: Service) -> None:
    client = service.client
    token = (await sign_up(client))["token"]
    mine = (await client.get("/api/users/me/sessions", headers=bearer(token))).json()[0]["id"]
    ended = await client.delete(f"/api/users/me/sessions/{mine}", headers=bearer(token))
    assert ended.status_code == 204
    assert await signed_in_as(client, token) is None
