"""The money pages: a seller's payouts (setting up the payout account on Stripe, and each
sale's payout with its date), and the admins' disputes (a buyer opens one on the order page)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from ticketing.web import rules
from ticketing.web.api import ApiError, Dispute, Link, Payout, PayoutAccount
from ticketing.web.pages import Form, Me, Settings, page


class ResolutionForm(msgspec.Struct):
    outcome: str = ""


class PayoutPages(Controller):
    @get("/payouts")
    async def payouts(self, me: Me) -> Template:
        try:
            account = await me.api.get("/api/payments/accounts/me", me.token, PayoutAccount)
        except ApiError as exc:
            if exc.status != 404:
                raise
            account = None
        payouts = await me.api.get("/api/payments/payouts", me.token, list[Payout])
        shown = [(p, rules.payout_status(p)) for p in payouts]
        return page("payouts.html", me.user, account=account, payouts=shown, money=rules.money)

    @post("/payouts/setup")
    async def set_up(self, me: Me, settings: Settings) -> Redirect:
        """Off to Stripe's onboarding, which sends the seller back to the payouts page."""
        back = f"{(settings.public_url or settings.api_url).rstrip('/')}/payouts"
        body = {"return_url": back, "refresh_url": back}
        path = "/api/payments/accounts/me/onboarding"
        link = await me.api.call("POST", path, me.token, Link, json=body)
        assert link is not None
        return Redirect(link.url, status_code=303)


class DisputePages(Controller):
    path = "/disputes"

    @get("/")
    async def queue(self, me: Me) -> Template:
        disputes = await me.api.get("/api/payments/disputes", me.token, list[Dispute])
        return page("disputes.html", me.user, disputes=disputes, reasons=rules.DISPUTE_REASONS)

    @post("/{dispute_id:str}/resolve")
    async def resolve(
        self, dispute_id: FromPath[str], data: Annotated[ResolutionForm, Form], me: Me
    ) -> Redirect:
        path = f"/api/payments/disputes/{dispute_id}/resolution"
        await me.api.call("POST", path, me.token, json={"outcome": data.outcome})
        return Redirect("/disputes", status_code=303)
