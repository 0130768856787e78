"""The public REST API as this server calls it: one pooled HTTP client for every visitor,
which never keeps a cookie (each call carries the visitor's own session token, nothing else),
and the shapes of the answers the pages use."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from http.cookiejar import Cookie, CookieJar
from typing import Any, TypeVar
from urllib.request import Request

import httpx
import msgspec

T = TypeVar("T")


class User(msgspec.Struct):
    id: str
    email: str
    admin: bool = False
    door: bool = False


class CurrentUser(msgspec.Struct):
    current_user: User | None


class Ticket(msgspec.Struct):
    id: str
    title: str
    price: Decimal
    user_id: str  # its holder
    status: str
    version: int
    order_id: str | None = None
    status_reason: str | None = None
    event_starts_at: datetime | None = None
    venue: str | None = None
    face_value: Decimal | None = None


class ListingRules(msgspec.Struct):
    price_cap: Decimal
    price_min: Decimal
    price_max: Decimal


class Code(msgspec.Struct):
    ticket_id: str
    code: str
    version: int


class Admission(msgspec.Struct):
    id: str
    title: str
    user_id: str
    event_starts_at: datetime | None
    venue: str | None
    admitted_at: datetime


class TicketPage(msgspec.Struct):
    results: list[Ticket]
    next: str | None


class SignedIn(msgspec.Struct):
    id: str
    email: str
    token: str | None  # None after sign-up: verify first (or sign in, if a dependency failed)
    needs_code: bool = False  # a second factor's code completes the sign-in


class SecondFactor(msgspec.Struct):
    totp: bool
    backup_codes_left: int


class TotpEnrolment(msgspec.Struct):
    secret: str
    uri: str


class BackupCodes(msgspec.Struct):
    backup_codes: list[str]


class Profile(msgspec.Struct):
    id: str
    email: str
    email_verified: bool
    first_name: str
    last_name: str


class SessionInfo(msgspec.Struct):
    id: str
    current: bool
    authenticated_at: datetime
    expires_at: datetime


class OrderTicket(msgspec.Struct):
    id: str
    title: str
    price: Decimal


class Order(msgspec.Struct):
    id: str
    status: str
    expires_at: datetime
    ticket: OrderTicket
    user_id: str
    version: int


class Case(msgspec.Struct):
    id: str
    ticket_id: str
    title: str
    status: str
    reason: str | None
    category_scores: dict[str, float]
    created_at: datetime


class Token(msgspec.Struct):
    id: str


class ApiError(Exception):
    """The API refused: its status and problem details (``detail``, field ``errors``)."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(problem.get("detail", f"the API answered {status}"))
        self.status = status
        self.problem = problem

    @property
    def detail(self) -> str:
        return str(self)


class BackendDown(Exception):
    """The API did not answer, or answered that a service behind it is down."""


class _KeepNothing(CookieJar):
    """A cookie jar that stores nothing: a Set-Cookie meant for one visitor must never ride
    along on another visitor's call through the shared client."""

    def set_cookie(self, cookie: Cookie) -> None:
        return None

    def extract_cookies(self, response: Any, request: Request) -> None:
        return None


class Api:
    def __init__(self, base_url: str, timeout: float, routes: dict[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        # Longest prefix first, so /api/users/x goes to /api/users's service.
        self.routes = sorted((routes or {}).items(), key=lambda route: -len(route[0]))
        self.http = httpx.AsyncClient(timeout=timeout, cookies=_KeepNothing())

    def url(self, path: str) -> str:
        for prefix, base in self.routes:
            if path == prefix or path.startswith(prefix + "/"):
                return base.rstrip("/") + path
        return self.base_url + path

    async def close(self) -> None:
        await self.http.aclose()

    async def call(
        self,
        method: str,
        path: str,
        token: str | None,
        into: type[T] | None = None,
        **kwargs: Any,
    ) -> T | None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = await self.http.request(method, self.url(path), headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise BackendDown(f"{method} {path}: {type(exc).__name__}") from None
        if response.status_code in (502, 503, 504):
            raise BackendDown(f"{method} {path}: {response.status_code}")
        if response.status_code >= 400:
            try:
                problem = dict(response.json())
            except ValueError:
                problem = {"detail": response.text[:200]}
            raise ApiError(response.status_code, problem)
        if into is None or not response.content:
            return None
        return msgspec.json.decode(response.content, type=into)

    async def get(self, path: str, token: str | None, into: type[T], **kwargs: Any) -> T:
        result = await self.call("GET", path, token, into, **kwargs)
        assert result is not None  # a GET the API answered 200 always has a body
        return result
