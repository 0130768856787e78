"""The web server's one API client, shared by every visitor, over a real local HTTP server:
it routes each path to its service and never carries one visitor's cookies into another's
call."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar, Request, Response, get

from ticketing.stack.background import BackgroundServer
from ticketing.web.api import Api, ApiError, BackendDown, CurrentUser


@get("/api/users/currentuser", sync_to_thread=False)
def echo(request: Request[Any, Any, Any]) -> Any:
    seen = {"current_user": None, "cookie": request.headers.get("cookie")}
    cookie = f"session_token=for-{request.headers.get('authorization', 'nobody')}"
    return Response(seen, headers={"Set-Cookie": f"{cookie}; Path=/"})


@get("/api/tickets/missing", sync_to_thread=False)
def missing() -> Any:
    problem = {"status": 404, "detail": "no ticket missing"}
    return Response(problem, status_code=404, media_type="application/problem+json")


@pytest.fixture
async def server() -> AsyncIterator[str]:
    running = BackgroundServer(Litestar([echo, missing]))
    await running.start()
    yield running.url
    await running.stop()


async def test_no_cookie_from_one_call_rides_along_on_the_next(server: str) -> None:
    api = Api(server, 5.0)
    try:
        first = await api.call("GET", "/api/users/currentuser", "alice-token", into=dict)
        second = await api.call("GET", "/api/users/currentuser", None, into=dict)
        assert first == {"current_user": None, "cookie": None}
        assert second == {"current_user": None, "cookie": None}
        assert not api.http.cookies
        user = await api.get("/api/users/currentuser", None, CurrentUser)
        assert user.current_user is None
    finally:
        await api.close()


async def test_refusals_and_outages_are_told_apart(server: str) -> None:
    api = Api(server, 5.0)
    try:
        with pytest.raises(ApiError) as refused:
            await api.call("GET", "/api/tickets/missing", None)
        assert refused.value.status == 404
        assert refused.value.detail == "no ticket missing"
    finally:
        await api.close()
    down = Api("http://127.0.0.1:9", 1.0)  # nothing listens on the discard port
    with pytest.raises(BackendDown):
        await down.call("GET", "/api/tickets", None)
    await down.close()


def test_each_prefix_goes_to_its_service_and_the_rest_to_the_api_url() -> None:
    api = Api("http://edge", 1.0, {"/api/users": "http://auth:8001/", "/api/u": "http://other"})
    assert api.url("/api/users/signin") == "http://auth:8001/api/users/signin"
    assert api.url("/api/users") == "http://auth:8001/api/users"
    assert api.url("/api/usersx") == "http://edge/api/usersx"
    assert api.url("/api/tickets") == "http://edge/api/tickets"
