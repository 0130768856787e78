"""The pages: each handler reads the form or query, calls the public API with the visitor's own
session, and renders a template or redirects. Refusals from the API become pages (app.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from ticketing.shared.web import ended_session_cookie, session_cookie
from ticketing.web import domain
from ticketing.web.api import (
    Api,
    ApiError,
    Case,
    Order,
    SignedIn,
    Ticket,
    TicketPage,
    User,
)
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


class AccountForm(msgspec.Struct):
    email: str = ""
    password: str = ""


class TicketForm(msgspec.Struct):
    title: str = ""
    price: str = ""


class RejectForm(msgspec.Struct):
    reason: str = ""


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
        return None, domain.field_errors(exc.problem)


def signed_in(session: SignedIn, settings: Settings) -> Redirect:
    if session.token is None:  # verify first (or sign in, if a dependency failed meanwhile)
        return Redirect("/verify", query_params={"email": session.email}, status_code=303)
    cookie = session_cookie(session.token, settings.secure_cookies)
    return Redirect("/", cookies=[cookie], status_code=303)


async def account_form(
    api: Api, settings: WebSettings, action: str, data: AccountForm
) -> Response[Any]:
    """Sign up or in with the form's email and password; the form again with the API's refusal
    (field errors for sign-up, one message for sign-in, which never says which was wrong)."""
    body = {"email": data.email, "password": data.password}
    try:
        session = await api.call("POST", f"/api/users/{action}", None, SignedIn, json=body)
    except ApiError as exc:
        if exc.status not in (400, 401, 403, 409, 429):
            raise
        errors = domain.field_errors(exc.problem) if action == "signup" else {"form": exc.detail}
        return page("credentials.html", None, exc.status, action=action, form=data, errors=errors)
    assert session is not None
    return signed_in(session, settings)


def action_of(request: Request[Any, Any, Any]) -> str:
    """``signup`` or ``signin``: the two pages differ only in what they ask the API."""
    return request.url.path.rsplit("/", 1)[-1]


class AccountPages(Controller):
    @get(["/signup", "/signin"])
    async def credentials_form(self, request: Request[Any, Any, Any], visitor: Visitor) -> Template:
        action = action_of(request)
        return page("credentials.html", visitor, action=action, form=AccountForm(), errors={})

    @post(["/signup", "/signin"])
    async def credentials(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[AccountForm, Form],
        api: ApiClient,
        settings: WebSettings,
    ) -> Response[Any]:
        return await account_form(api, settings, action_of(request), data)

    @post("/signout")
    async def signout(self, api: ApiClient, token: SessionToken) -> Redirect:
        await api.call("POST", "/api/users/signout", token)
        return Redirect("/", cookies=[ended_session_cookie()])


class TicketPages(Controller):
    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        api: ApiClient,
        visitor: Visitor,
    ) -> Template:
        names = ("title", "sort", "min_price", "max_price", "cursor")
        query = {k: v for k in names if (v := request.query_params.get(k))}
        found = await api.get("/api/tickets", None, TicketPage, params=query)
        return page("tickets.html", visitor, page=found, query=query)

    @get("/tickets/new")
    async def new_form(self, user: SignedInUser) -> Template:
        return page("ticket_form.html", user, form=TicketForm(), errors={}, ticket=None)

    @post("/tickets/new")
    async def create(self, data: Annotated[TicketForm, Form], me: Me) -> Response[Any]:
        body = {"title": data.title, "price": data.price}
        ticket, errors = await submit(
            me.api, "POST", "/api/tickets", me.token, body, Ticket, (400,)
        )
        if errors:
            return page("ticket_form.html", me.user, 400, form=data, errors=errors, ticket=None)
        assert ticket is not None
        return Redirect(f"/tickets/{ticket.id}", status_code=303)

    @get("/tickets/{ticket_id:str}")
    async def show(
        self,
        ticket_id: FromPath[str],
        api: ApiClient,
        visitor: Visitor,
    ) -> Template:
        ticket = await api.get(f"/api/tickets/{ticket_id}", None, Ticket)
        return page(
            "ticket.html",
            visitor,
            ticket=ticket,
            reserve=domain.reserve(ticket, visitor),
            edit=domain.edit(ticket, visitor),
            moderation=domain.moderation_status(ticket),
        )

    @get("/tickets/{ticket_id:str}/edit")
    async def edit_form(
        self, ticket_id: FromPath[str], api: ApiClient, user: SignedInUser
    ) -> Template:
        ticket = await api.get(f"/api/tickets/{ticket_id}", None, Ticket)
        form = TicketForm(title=ticket.title, price=str(ticket.price))
        return page("ticket_form.html", user, form=form, errors={}, ticket=ticket)

    @post("/tickets/{ticket_id:str}/edit")
    async def save(
        self, ticket_id: FromPath[str], data: Annotated[TicketForm, Form], me: Me
    ) -> Response[Any]:
        body = {"title": data.title, "price": data.price}
        path = f"/api/tickets/{ticket_id}"
        _, errors = await submit(me.api, "PUT", path, me.token, body, refusals=(400,))
        if errors:
            ticket = await me.api.get(path, None, Ticket)
            return page("ticket_form.html", me.user, 400, form=data, errors=errors, ticket=ticket)
        return Redirect(f"/tickets/{ticket_id}", status_code=303)

    @post("/tickets/{ticket_id:str}/reserve")
    async def reserve(self, ticket_id: FromPath[str], me: Me) -> Redirect:
        body = {"ticket_id": ticket_id}
        order = await me.api.call("POST", "/api/orders", me.token, Order, json=body)
        assert order is not None
        return Redirect(f"/orders/{order.id}", status_code=303)


class ModerationPages(Controller):
    path = "/moderation"

    @get("/")
    async def queue(self, me: Me) -> Template:
        query = {"status": "review"}
        cases = await me.api.get("/api/moderations", me.token, list[Case], params=query)
        return page("moderation.html", me.user, cases=cases)

    @post("/{case_id:str}/approve")
    async def approve(self, case_id: FromPath[str], me: Me) -> Redirect:
        await me.api.call("POST", f"/api/moderations/{case_id}/approve", me.token)
        return Redirect("/moderation", status_code=303)

    @post("/{case_id:str}/reject")
    async def reject(
        self, case_id: FromPath[str], data: Annotated[RejectForm, Form], me: Me
    ) -> Redirect:
        body = {"reason": data.reason}
        await me.api.call("POST", f"/api/moderations/{case_id}/reject", me.token, json=body)
        return Redirect("/moderation", status_code=303)
