"""The app plumbing every service shares, served for real (lifespan connects to real servers)."""

import os
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import msgspec
import pytest
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from ticketing.shared.errors import Conflict, InvalidInput
from ticketing.shared.identity import Principal
from ticketing.shared.platform import Platform
from ticketing.shared.service_app import service_app
from ticketing.shared.settings import ServiceSettings
from ticketing.testing.fixtures import running


class Thing(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=10)]
    count: Annotated[int, msgspec.Meta(gt=0)]


@post("/things")
async def make_thing(data: JSONBody[Thing]) -> Thing:
    return data


@get("/conflict")
async def conflicting() -> None:
    raise Conflict("That seat is taken.", ticket_id="t1")


@post("/checked")
async def checked() -> None:
    raise InvalidInput("price must have at most two decimal places", field="price")


@get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internals")


@get("/me")
async def me(user: NamedDependency[Principal]) -> dict[str, str]:
    return {"id": user.id}


def build(isolated: dict[str, Any], **overrides: Any) -> Platform:
    return Platform("demo", ServiceSettings(**{**isolated, **overrides}), [])


@pytest.fixture
async def client(isolated: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    app = service_app(
        build(isolated), [make_thing, checked, conflicting, boom, me], description="demo"
    )
    async with running(app) as test_client:
        yield test_client


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    health = (await client.get("/healthz")).json()
    assert health == {"status": "ok", "service": "demo", "pid": os.getpid()}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text


async def test_readiness_names_the_dependency_that_does_not_answer(
    isolated: dict[str, Any],
) -> None:
    platform = build(isolated)

    async def redis_down() -> None:
        raise ConnectionError("Connection refused")

    platform.checks["redis"] = redis_down
    app = service_app(platform, [], description="demo")
    async with running(app) as client:
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["detail"] == "Not ready: redis not answering."
        assert body["failing"] == {"redis": "ConnectionError: Connection refused"}
        assert (await client.get("/healthz")).status_code == 200  # liveness stays up


async def test_validation_errors_are_problem_details_naming_each_field(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/things", json={"name": "", "count": 0})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith("/validation")
    assert body["status"] == 400
    assert body["errors"], body
    assert any("name" in (e["field"] or "") + e["message"] for e in body["errors"]), body


async def test_a_rule_broken_in_the_domain_names_its_field_the_same_way(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/checked")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "price",
            "message": "price must have at most two decimal places",
            "source": "body",
        }
    ]


async def test_malformed_json_is_a_400_not_a_500(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/things", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_domain_errors_map_to_their_status_with_extra_fields(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/conflict")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "That seat is taken."
    assert body["ticket_id"] == "t1"
    assert body["type"].endswith("/conflict")


async def test_unexpected_errors_are_a_500_problem_that_hides_internals(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/boom", headers={"x-request-id": "req-42"})
    assert response.status_code == 500
    assert "secret" not in response.text
    assert response.headers["x-request-id"] == "req-42"


async def test_unknown_route_and_unauthenticated_are_problem_details(
    client: httpx.AsyncClient,
) -> None:
    missing = await client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    anonymous = await client.get("/me")
    assert anonymous.status_code == 401
    assert anonymous.json()["type"].endswith("/unauthenticated")


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    first = await client.get("/healthz")
    second = await client.get("/healthz")
    assert len(first.headers["x-request-id"]) == 32
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_openapi_and_asyncapi_are_served(client: httpx.AsyncClient) -> None:
    openapi = (await client.get("/schema/openapi.json")).json()
    assert "/things" in openapi["paths"]
    asyncapi = (await client.get("/asyncapi.json")).json()
    assert asyncapi["asyncapi"] == "3.0.0"


@pytest.mark.parametrize("sent", ["retry-€", "a\x01b", "x" * 65, "two words"])
async def test_a_request_id_that_is_not_a_short_token_is_replaced_not_a_500(
    client: httpx.AsyncClient, sent: str
) -> None:
    headers = {b"X-Request-ID": sent.encode()}
    response = await client.post("/things", json={"name": "a", "count": 1}, headers=headers)
    assert response.status_code == 201, response.text
    assert response.headers["x-request-id"] != sent
    assert len(response.headers["x-request-id"]) == 32  # a new uuid4 hex


async def test_a_short_token_request_id_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "edge-1.a_B"})
    assert response.headers["x-request-id"] == "edge-1.a_B"


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
async def test_a_body_that_is_not_declared_json_is_a_415(
    client: httpx.AsyncClient, content_type: str
) -> None:
    response = await client.post(
        "/things", content=b'{"name": "a", "count": 1}', headers={"Content-Type": content_type}
    )
    assert response.status_code == 415, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "application/json" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["application/json", "application/merge-patch+json"])
async def test_json_media_types_are_accepted(client: httpx.AsyncClient, content_type: str) -> None:
    response = await client.post(
        "/things", content=b'{"name": "a", "count": 1}', headers={"Content-Type": content_type}
    )
    assert response.status_code == 201, response.text
