"""One contract for two-factor sign-in (factors.py), over the auth service's REST API, passed
by the embedded engine and by Kratos' totp and lookup_secret methods (against the Kratos
stand-in; see the test ids). Codes are computed as an authenticator app would, with pyotp,
from the secret the API shows. MongoDB-wire and Redis are real."""

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest

from ticketing.auth import rules
from ticketing.auth.tests.test_accounts_contract import (  # both engines and their fixtures
    ADA,
    NEW_PASSWORD,
    PASSWORD,
    Service,
    bearer,
    catcher,
    service,
    service_of,
    sign_in,
    sign_up,
    signed_in_as,
)

__all__ = ["catcher", "service", "service_of"]

ME = "/api/users/me/second-factor"


def code_at(secret: str, steps_ahead: int = 0) -> str:
    """What the app shows ``steps_ahead`` 30-second steps from now (a step ahead is accepted
    too, as clocks drift): a code not used yet when the current one was."""
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * steps_ahead))


async def enrolled(client: httpx.AsyncClient, token: str) -> tuple[str, str, list[str]]:
    """Enrol an app in the session ``token``: its secret, the code that confirmed it (used
    now) and the backup codes."""
    started = await client.post(f"{ME}/totp", headers=bearer(token))
    assert started.status_code == 201, started.text
    secret = started.json()["secret"]
    first = code_at(secret)
    confirmed = await client.post(f"{ME}/totp/confirm", json={"code": first}, headers=bearer(token))
    assert confirmed.status_code == 201, confirmed.text
    return secret, first, confirmed.json()["backup_codes"]


async def complete(client: httpx.AsyncClient, token: str | None, code: str) -> httpx.Response:
    headers = bearer(token) if token else {}
    response = await client.post("/api/users/signin/code", json={"code": code}, headers=headers)
    client.cookies.clear()
    return response


async def status(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    response = await client.get(ME, headers=bearer(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_enrolling_shows_the_uri_the_qr_code_and_the_secret(service: Service) -> None:
    client = service.client
    token = (await sign_up(client))["token"]
    assert await status(client, token) == {"totp": False, "backup_codes_left": 0, "aal": "aal1"}
    started = (await client.post(f"{ME}/totp", headers=bearer(token))).json()
    uri = urlsplit(started["uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert uri.path == "/Ticketing:ada%40example.com"
    assert parse_qs(uri.query)["secret"] == [started["secret"]]
    assert parse_qs(uri.query)["issuer"] == ["Ticketing"]
    assert started["qr_svg"].startswith("<svg")
    again = (await client.post(f"{ME}/totp", headers=bearer(token))).json()
    assert again["secret"] != started["secret"]  # a new start replaces the unconfirmed one
    stale = await client.post(
        f"{ME}/totp/confirm", json={"code": code_at(started["secret"])}, headers=bearer(token)
    )
    wrong = await client.post(
        f"{ME}/totp/confirm", json={"code": "not-a-code!"}, headers=bearer(token)
    )
    assert wrong.status_code == 400, wrong.text
    if code_at(started["secret"]) != code_at(again["secret"]):
        assert stale.status_code == 403, stale.text
        assert stale.json()["field"] == "code"
    assert (await status(client, token))["totp"] is False  # nothing changed unconfirmed
    confirmed = await client.post(
        f"{ME}/totp/confirm", json={"code": code_at(again["secret"])}, headers=bearer(token)
    )
    assert confirmed.status_code == 201, confirmed.text
    backup = confirmed.json()["backup_codes"]
    assert len(set(backup)) == len(backup) >= 10  # Kratos makes twelve
    assert await status(client, token) == {
        "totp": True,
        "backup_codes_left": len(backup),
        "aal": "aal2",
    }
    twice = await client.post(f"{ME}/totp", headers=bearer(token))
    assert twice.status_code == 409, twice.text
    assert (await client.get(ME)).status_code == 401


async def test_signing_in_needs_the_code_and_a_used_code_is_refused(service: Service) -> None:
    client = service.client
    first = (await sign_up(client))["token"]
    secret, used_code, backup = await enrolled(client, first)

    half = (await sign_in(client)).json()
    assert (half["needs_code"], half["aal"]) == (True, "aal1")
    assert await signed_in_as(client, half["token"]) is None  # no service takes it yet
    for path in ("/api/users/me", ME):
        assert (await client.get(path, headers=bearer(half["token"]))).status_code == 401
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    refused = await client.post(
        "/api/users/me/password", json=change, headers=bearer(half["token"])
    )
    assert refused.status_code == 401  # changing anything takes the second factor
    used = await complete(client, half["token"], used_code)  # spent on confirming
    assert used.status_code == 403, used.text
    assert used.json()["field"] == "code"
    ahead = code_at(secret, 1)
    done = await complete(client, half["token"], ahead)
    assert done.status_code == 200, done.text
    assert (done.json()["aal"], done.json()["needs_code"]) == ("aal2", False)
    token = done.json()["token"]
    assert await signed_in_as(client, token) == ADA
    assert (await complete(client, token, ahead)).status_code == 409

    other = (await sign_in(client)).json()["token"]
    assert (await complete(client, other, ahead)).status_code == 403  # used
    assert (await complete(client, other, backup[0].upper())).status_code == 200
    assert await signed_in_as(client, other) == ADA
    again = (await sign_in(client)).json()["token"]
    assert (await complete(client, again, backup[0])).status_code == 403  # once only
    assert (await complete(client, again, backup[1])).status_code == 200
    assert (await status(client, again))["backup_codes_left"] == len(backup) - 2
    assert (await complete(client, None, backup[2])).status_code == 401


async def test_sessions_older_than_the_factor_must_complete_with_a_code(
    service: Service,
) -> None:
    client = service.client
    first = (await sign_up(client))["token"]
    older = (await sign_in(client)).json()["token"]
    _, _, backup = await enrolled(client, first)
    assert await signed_in_as(client, first) == ADA  # the session that proved the factor
    assert await signed_in_as(client, older) is None
    assert (await complete(client, older, backup[0])).status_code == 200
    assert await signed_in_as(client, older) == ADA


async def test_disabling_needs_a_fresh_code(service: Service) -> None:
    client = service.client
    token = (await sign_up(client))["token"]
    secret, used_code, backup = await enrolled(client, token)
    disable = f"{ME}/disable"
    stale = await client.post(disable, json={"code": used_code}, headers=bearer(token))
    assert stale.status_code == 403, stale.text  # the confirming code is spent
    done = await client.post(disable, json={"code": code_at(secret, 1)}, headers=bearer(token))
    assert done.status_code == 204, done.text
    assert await status(client, token) == {"totp": False, "backup_codes_left": 0, "aal": "aal2"}
    off = await client.post(disable, json={"code": backup[0]}, headers=bearer(token))
    assert off.status_code == 409, off.text
    plain = (await sign_in(client)).json()
    assert plain["needs_code"] is False
    assert await signed_in_as(client, plain["token"]) == ADA


async def test_renewed_backup_codes_replace_the_old_ones(service: Service) -> None:
    client = service.client
    token = (await sign_up(client))["token"]
    _, _, old = await enrolled(client, token)
    renewed = await client.post(f"{ME}/backup-codes", headers=bearer(token))
    assert renewed.status_code == 201, renewed.text
    new = renewed.json()["backup_codes"]
    assert len(new) == len(old)
    assert not set(new) & set(old)
    half = (await sign_in(client)).json()["token"]
    assert (await complete(client, half, old[0])).status_code == 403
    assert (await complete(client, half, new[0])).status_code == 200
    bob = (await sign_up(client, "bob@example.com"))["token"]
    assert (await client.post(f"{ME}/backup-codes", headers=bearer(bob))).status_code == 409


async def test_wrong_codes_are_limited_like_sign_ins(service: Service) -> None:
    client = service.client
    token = (await sign_up(client))["token"]
    _, _, backup = await enrolled(client, token)
    half = (await sign_in(client)).json()["token"]
    answers = [
        (await complete(client, half, "000000")).status_code
        for _ in range(rules.FREE_ATTEMPTS["account"] + 1)
    ]
    assert answers == [403] * (rules.FREE_ATTEMPTS["account"] + 1)
    locked = await complete(client, half, backup[0])
    assert locked.status_code == 429, locked.text
    assert int(locked.headers["retry-after"]) >= 1
    # A new session does not start the count again: the account is locked, not the session.
    fresh = await sign_in(client)
    assert fresh.status_code == 429, fresh.text


@pytest.mark.parametrize("path", ["/totp/confirm", "/disable"])
async def test_a_stranger_has_no_second_factor(service: Service, path: str) -> None:
    response = await service.client.post(f"{ME}{path}", json={"code": "123456"})
    assert response.status_code == 401
