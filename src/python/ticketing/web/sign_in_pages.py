"""Signing up, in and out: one form for the first two, which differ only in what they ask the
API."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template

from ticketing.shared.responses import ended_session_cookie, session_cookie
from ticketing.web import rules
from ticketing.web.api import Api, ApiError, SignedIn
from ticketing.web.pages import (
    ApiClient,
    Form,
    SessionToken,
    Settings,
    Visitor,
    page,
    submit,
)
from ticketing.web.settings import WebSettings


class AccountForm(msgspec.Struct):
    email: str = ""
    password: str = ""


class CodeForm(msgspec.Struct):
    code: str = ""


def session_redirect(session: SignedIn, settings: Settings) -> Redirect:
    """Home with the new session's cookie; or, with no session yet, on to verify the address;
    or, for a session that waits for its second factor, on to the code."""
    if session.token is None:  # verify first (or sign in, if a dependency failed meanwhile)
        return Redirect("/verify", query_params={"email": session.email}, status_code=303)
    cookie = session_cookie(session.token, settings.secure_cookies)
    return Redirect(
        "/signin/code" if session.needs_code else "/", cookies=[cookie], status_code=303
    )


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
        errors = rules.field_errors(exc.problem) if action == "signup" else {"form": exc.detail}
        return page("credentials.html", None, exc.status, action=action, form=data, errors=errors)
    assert session is not None
    return session_redirect(session, settings)


def action_of(request: Request[Any, Any, Any]) -> str:
    """``signup`` or ``signin``: the two pages differ only in what they ask the API."""
    return request.url.path.rsplit("/", 1)[-1]


class SignInPages(Controller):
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

    @get("/signin/code")
    async def code_form(self) -> Template:
        return page("sign_in_code.html", None, errors={})

    @post("/signin/code")
    async def code(
        self,
        data: Annotated[CodeForm, Form],
        api: ApiClient,
        token: SessionToken,
        settings: WebSettings,
    ) -> Response[Any]:
        """The second step of signing in: the code completes the session the password
        opened (its cookie); without that session (401), the first step again."""
        path = "/api/users/signin/code"
        session, errors = await submit(api, "POST", path, token, {"code": data.code}, SignedIn)
        if session is None:
            return page("sign_in_code.html", None, 400, errors=errors)
        return session_redirect(session, settings)

    @post("/signout")
    async def signout(self, api: ApiClient, token: SessionToken) -> Redirect:
        await api.call("POST", "/api/users/signout", token)
        return Redirect("/", cookies=[ended_session_cookie()])
