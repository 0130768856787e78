"""What every page module uses: the dependencies app.py provides, the signed-in ``Member``,
``page`` to render a template and ``submit`` to send a form to the public API.

Each page handler reads the form or query, calls the public API with the visitor's own
session, and renders a template or redirects. Refusals from the API become pages (app.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from ticketing.web import rules
from ticketing.web.api import Api, ApiError, User
from ticketing.web.settings import WebSettings

T = TypeVar("T")
Form = Body(media_type=RequestEncodingType.URL_ENCODED)
# The dependencies app.py provides.
ApiClient = NamedDependency[Api]  # the public API
StripeClient = NamedDependency[Api]  # the Stripe stand-in's token endpoint (test cards)
SessionToken = NamedDependency[str | None]  # the visitor's session, from their cookie
Visitor = NamedDependency[User | None]  # who is signed in, if anyone
SignedInUser = NamedDependency[User]  # who is signed in; else the sign-in page
Settings = NamedDependency[WebSettings]


@dataclass(frozen=True)
class Member:
    """Who is signed in, and the API to call with their session."""

    api: Api
    token: str | None
    user: User


Me = NamedDependency[Member]  # who is signed in, with their API session; else the sign-in page


def page(template: str, visitor: Visitor, status_code: int = 200, **context: Any) -> Template:
    return Template(template, context={"visitor": visitor, **context}, status_code=status_code)


async def submit(
    api: Api,
    method: str,
    path: str,
    token: str | None,
    body: dict[str, str],
    into: type[T] | None = None,
    refusals: tuple[int, ...] = (400, 403, 409, 429),
) -> tuple[T | None, dict[str, str]]:
    """Send a form's fields to the API: what it answered, or, for a refusal the form shows
    again, the errors by field (one without a field under ``form``)."""
    try:
        return await api.call(method, path, token, into, json=body), {}
    except ApiError as exc:
        if exc.status not in refusals:
            raise
        return None, rules.field_errors(exc.problem)
