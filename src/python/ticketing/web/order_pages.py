"""The order pages: a reservation with its countdown, cancelling it, paying for it (the card
becomes a token at Stripe, or at the Stripe stand-in for the test-card form), and my orders."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from ticketing.web import rules
from ticketing.web.api import Api, ApiError, Order, Token
from ticketing.web.pages import Form, Me, Member, Settings, StripeClient, page
from ticketing.web.settings import WebSettings


class CardForm(msgspec.Struct):
    number: str = ""
    expiry: str = ""
    cvc: str = ""
    token: str = ""  # from Stripe.js, when the card fields are Stripe's


class OrderPages(Controller):
    @get("/orders")
    async def mine(self, me: Me) -> Template:
        orders = await me.api.get("/api/orders", me.token, list[Order])
        return page("orders.html", me.user, orders=orders)

    @get("/orders/{order_id:str}")
    async def show(self, order_id: FromPath[str], me: Me, settings: Settings) -> Template:
        return await order_page(order_id, me, settings)

    @post("/orders/{order_id:str}/cancel")
    async def cancel(self, order_id: FromPath[str], me: Me) -> Redirect:
        await me.api.call("DELETE", f"/api/orders/{order_id}", me.token)
        return Redirect(f"/orders/{order_id}", status_code=303)

    @post("/orders/{order_id:str}/pay")
    async def pay(
        self,
        order_id: FromPath[str],
        data: Annotated[CardForm, Form],
        me: Me,
        stripe: StripeClient,
        settings: Settings,
    ) -> Response[Any]:
        try:
            card_token = data.token or await test_card_token(stripe, settings, data)
            body = {"order_id": order_id, "token": card_token}
            await me.api.call("POST", "/api/payments", me.token, json=body)
        except rules.CardError as exc:
            return await order_page(order_id, me, settings, {exc.field: str(exc)}, 400)
        except ApiError as exc:
            if exc.status not in (400, 402):
                raise
            return await order_page(order_id, me, settings, {"card": exc.detail}, exc.status)
        return Redirect(f"/orders/{order_id}", status_code=303)


async def test_card_token(stripe: Api, settings: WebSettings, data: CardForm) -> str:
    """A card token from the Stripe stand-in's POST /v1/tokens (Stripe's endpoint and format)."""
    fields = rules.card(data.number, data.expiry, data.cvc)
    try:
        key = settings.stripe_publishable_key
        made = await stripe.call("POST", "/v1/tokens", key, Token, data=fields)
    except ApiError as exc:
        message = (exc.problem.get("error") or {}).get("message", "The card was refused.")
        raise rules.CardError("number", message) from None
    assert made is not None
    return made.id


async def order_page(
    order_id: str,
    me: Member,
    settings: WebSettings,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    order = await me.api.get(f"/api/orders/{order_id}", me.token, Order)
    return page(
        "order.html",
        me.user,
        status_code,
        order=order,
        seconds_left=rules.seconds_left(order, datetime.now(UTC)),
        mine=order.user_id == me.user.id,
        card_form=settings.card_form,
        publishable_key=settings.stripe_publishable_key,
        errors=errors or {},
    )
