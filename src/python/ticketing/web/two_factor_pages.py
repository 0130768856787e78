"""Two-factor sign-in from the account page: enrol an authenticator app (its QR code and key),
turn it on with a first code, see the backup codes once, make new ones, turn it off."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, post
from litestar.datastructures import CacheControlHeader
from litestar.response import Redirect, Template

from ticketing.web import qr
from ticketing.web.account_pages import account_page
from ticketing.web.api import BackupCodes, TotpEnrolment
from ticketing.web.pages import Form, Me, Member, page, submit

API = "/api/users/me/second-factor"


class ConfirmForm(msgspec.Struct):
    code: str = ""
    # What the setup page showed, to show it again with a refused code (the API keeps the
    # enrolment; starting again would change the key).
    secret: str = ""
    uri: str = ""


class CodeForm(msgspec.Struct):
    code: str = ""


def setup_page(
    me: Member, enrolment: TotpEnrolment, errors: dict[str, str], status_code: int = 200
) -> Template:
    picture = qr.svg(enrolment.uri, "QR code for your authenticator app")
    return page(
        "two_factor_setup.html",
        me.user,
        status_code,
        enrolment=enrolment,
        qr=picture,
        errors=errors,
    )


def codes_page(me: Member, codes: BackupCodes) -> Template:
    return page("backup_codes.html", me.user, codes=codes.backup_codes)


class TwoFactorPages(Controller):
    path = "/account/two-factor"
    cache_control = CacheControlHeader(no_store=True)  # keys and backup codes: keep none

    @post("/")
    async def start(self, me: Me) -> Template:
        enrolment = await me.api.call("POST", f"{API}/totp", me.token, TotpEnrolment)
        assert enrolment is not None  # the API answered 201 with it
        return setup_page(me, enrolment, {})

    @post("/confirm")
    async def confirm(self, data: Annotated[ConfirmForm, Form], me: Me) -> Template:
        body = {"code": data.code.strip()}
        codes, errors = await submit(
            me.api, "POST", f"{API}/totp/confirm", me.token, body, BackupCodes
        )
        if codes is None:
            shown = TotpEnrolment(secret=data.secret, uri=data.uri)
            return setup_page(me, shown, errors, 400)
        return codes_page(me, codes)

    @post("/backup-codes")
    async def renew(self, me: Me) -> Template:
        codes = await me.api.call("POST", f"{API}/backup-codes", me.token, BackupCodes)
        assert codes is not None  # the API answered 201 with them
        return codes_page(me, codes)

    @post("/disable")
    async def disable(self, data: Annotated[CodeForm, Form], me: Me) -> Response[Any]:
        body = {"code": data.code.strip()}
        _, errors = await submit(me.api, "POST", f"{API}/disable", me.token, body)
        if errors:
            return await account_page(me, errors, 400)
        return Redirect("/account", status_code=303)
