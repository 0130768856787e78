"""The account pages: verify an address, recover a forgotten password, and the account's
settings (email, name, password, two-factor sign-in, sessions), each a form over the public
API (two-factor's own pages are two_factor_pages.py)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from ticketing.shared.responses import ended_session_cookie
from ticketing.web.api import Api, Profile, SecondFactor, SessionInfo
from ticketing.web.pages import ApiClient, Form, Me, Member, Visitor, page, submit


class CodeForm(msgspec.Struct):
    email: str = ""
    code: str = ""
    password: str = ""


class ProfileForm(msgspec.Struct):
    email: str = ""
    first_name: str = ""
    last_name: str = ""


class PasswordForm(msgspec.Struct):
    current_password: str = ""
    new_password: str = ""


async def attempt(api: Api, path: str, token: str | None, body: dict[str, str]) -> dict[str, str]:
    """POST a form's fields; the errors the form shows again, or {} when it went through."""
    return (await submit(api, "POST", path, token, body))[1]


class CodePages(Controller):
    @get("/verify")
    async def verify_form(self, visitor: Visitor, email: str = "") -> Template:
        return page("verify.html", visitor, form=CodeForm(email=email), errors={}, sent=False)

    @post("/verify")
    async def verify(
        self, data: Annotated[CodeForm, Form], api: ApiClient, visitor: Visitor
    ) -> Response[Any]:
        body = {"email": data.email, "code": data.code}
        errors = await attempt(api, "/api/users/verification", None, body)
        if errors:
            return page("verify.html", visitor, 400, form=data, errors=errors, sent=False)
        return page("verified.html", visitor)

    @post("/verify/send")
    async def send(
        self, data: Annotated[CodeForm, Form], api: ApiClient, visitor: Visitor
    ) -> Template:
        errors = await attempt(api, "/api/users/verification", None, {"email": data.email})
        status = 400 if errors else 200
        return page("verify.html", visitor, status, form=data, errors=errors, sent=not errors)

    @get("/forgot")
    async def forgot_form(self, visitor: Visitor) -> Template:
        return page("forgot.html", visitor, form=CodeForm(), errors={})

    @post("/forgot")
    async def forgot(
        self, data: Annotated[CodeForm, Form], api: ApiClient, visitor: Visitor
    ) -> Response[Any]:
        errors = await attempt(api, "/api/users/recovery", None, {"email": data.email})
        if errors:
            return page("forgot.html", visitor, 400, form=data, errors=errors)
        return Redirect("/recover", query_params={"email": data.email}, status_code=303)

    @get("/recover")
    async def recover_form(self, visitor: Visitor, email: str = "") -> Template:
        return page("recover.html", visitor, form=CodeForm(email=email), errors={})

    @post("/recover")
    async def recover(
        self, data: Annotated[CodeForm, Form], api: ApiClient, visitor: Visitor
    ) -> Response[Any]:
        body = {"email": data.email, "code": data.code, "password": data.password}
        errors = await attempt(api, "/api/users/recovery/confirm", None, body)
        if errors:
            return page("recover.html", visitor, 400, form=data, errors=errors)
        return page("recovered.html", None)


async def account_page(me: Member, errors: dict[str, str], status_code: int = 200) -> Template:
    profile = await me.api.get("/api/users/me", me.token, Profile)
    sessions = await me.api.get("/api/users/me/sessions", me.token, list[SessionInfo])
    factor = await me.api.get("/api/users/me/second-factor", me.token, SecondFactor)
    return page(
        "account.html",
        me.user,
        status_code,
        profile=profile,
        sessions=sessions,
        factor=factor,
        errors=errors,
    )


class SettingsPages(Controller):
    path = "/account"

    @get("/")
    async def show(self, me: Me) -> Template:
        return await account_page(me, {})

    @post("/profile")
    async def profile(self, data: Annotated[ProfileForm, Form], me: Me) -> Response[Any]:
        body = {"email": data.email, "first_name": data.first_name, "last_name": data.last_name}
        path = "/api/users/me"
        _, errors = await submit(me.api, "PUT", path, me.token, body, refusals=(400, 409))
        if errors:
            return await account_page(me, errors, 400)
        return Redirect("/account", status_code=303)

    @post("/password")
    async def password(self, data: Annotated[PasswordForm, Form], me: Me) -> Response[Any]:
        body = {"current_password": data.current_password, "new_password": data.new_password}
        errors = await attempt(me.api, "/api/users/me/password", me.token, body)
        if errors:
            return await account_page(me, errors, 400)
        return Redirect("/account", status_code=303)

    @post("/sessions/{session_id:str}/end")
    async def end(self, session_id: FromPath[str], me: Me) -> Redirect:
        await me.api.call("DELETE", f"/api/users/me/sessions/{session_id}", me.token)
        return Redirect("/account", status_code=303)

    @post("/sessions/end-all")
    async def end_all(self, me: Me) -> Redirect:
        await me.api.call("DELETE", "/api/users/me/sessions", me.token)
        return Redirect("/", cookies=[ended_session_cookie()])
