"""A stand-in for Stripe's PaymentIntents API, used when no STRIPE_API_KEY is configured.

Stripe's API cannot run here, so this speaks its wire format over real HTTP for the one call
payments makes: form-encoded ``POST /v1/payment_intents`` with ``Authorization: Bearer sk_...``
and an ``Idempotency-Key`` (the same key replays the same response, as Stripe does). It
accepts Stripe's test token ``tok_visa`` and declines ``tok_chargeDeclined``.
"""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Litestar, Request, Response, post

from ticketing.testing.background import BackgroundServer

STANDIN_KEY = "sk_test_standin"


def _error(status: int, kind: str, message: str, **extra: Any) -> Response[dict[str, Any]]:
    return Response({"error": {"type": kind, "message": message, **extra}}, status_code=status)


class StripeStandIn:
    def __init__(self) -> None:
        self.replies: dict[str, Response[dict[str, Any]]] = {}  # by idempotency key
        self.charges: list[dict[str, Any]] = []  # every succeeded payment intent
        self._server = BackgroundServer(self._app())

    @property
    def url(self) -> str:
        return self._server.url

    async def start(self) -> None:
        await self._server.start()

    async def stop(self) -> None:
        await self._server.stop()

    def _app(self) -> Litestar:
        @post("/v1/payment_intents", status_code=200)
        async def create(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
            if not request.headers.get("authorization", "").startswith("Bearer sk_"):
                return _error(401, "invalid_request_error", "Invalid API Key provided")
            key = request.headers.get("idempotency-key")
            if key and key in self.replies:
                return self.replies[key]
            reply = self._payment_intent(dict(await request.form()))
            if key:
                self.replies[key] = reply
            return reply

        return Litestar([create])

    def _payment_intent(self, form: dict[str, Any]) -> Response[dict[str, Any]]:
        amount = str(form.get("amount", ""))
        if not amount.isdigit() or int(amount) < 50:
            return _error(
                400, "invalid_request_error", "Amount must be at least 50 cents", param="amount"
            )
        token = form.get("payment_method_data[card][token]")
        if form.get("payment_method_data[type]") != "card" or not token:
            return _error(
                400,
                "invalid_request_error",
                "Missing payment_method_data",
                param="payment_method_data",
            )
        intent = {
            "id": f"pi_{secrets.token_hex(12)}",
            "object": "payment_intent",
            "amount": int(amount),
            "currency": form.get("currency", "usd"),
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "livemode": False,
        }
        if token == "tok_chargeDeclined":
            declined = {**intent, "status": "requires_payment_method"}
            return _error(
                402,
                "card_error",
                "Your card was declined.",
                code="card_declined",
                decline_code="generic_decline",
                param="",
                payment_intent=declined,
            )
        if token != "tok_visa":
            return _error(400, "invalid_request_error", f"No such token: '{token}'", param="token")
        succeeded = {
            **intent,
            "status": "succeeded",
            "latest_charge": f"ch_{secrets.token_hex(12)}",
        }
        self.charges.append(succeeded)
        return Response(succeeded)
