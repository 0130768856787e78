"""A stand-in for Stripe's API (Stripe cannot run here), for the tests and the local stack.

It speaks Stripe's wire format over real HTTP for every call payments makes, so the official
client drives it unchanged: form-encoded bodies, ``Authorization: Bearer <key>``, Stripe's
JSON objects and errors, and ``Idempotency-Key`` replays (a later POST with the same key and
parameters, concurrent ones included, gets the first answer; one with other parameters gets
Stripe's ``idempotency_error``).

- ``POST /v1/tokens`` with ``card[number]``, ``card[exp_month]``, ``card[exp_year]`` and
  ``card[cvc]``: a single-use card token (the test cards are in ``stripe_wire``:
  4242424242424242 succeeds, 4000000000000002 is declined; ``tok_visa`` and
  ``tok_chargeDeclined`` behave the same and may be used again and again).
- ``POST /v1/payment_intents`` confirmed at once (``status`` ``requires_capture`` with
  ``capture_method=manual``, else ``succeeded``); ``GET /v1/payment_intents[/{id}]``;
  ``POST /v1/payment_intents/{id}/capture`` (``succeeded``) and ``/cancel`` (``canceled``).
- Connect (``stripe_connect``): ``POST /v1/accounts``, ``GET /v1/accounts/{id}``,
  ``POST /v1/account_links`` (its page completes onboarding at once), ``POST /v1/transfers``
  (from a captured charge), ``POST /v1/transfers/{id}/reversals``, ``POST /v1/refunds``,
  ``GET /v1/balance``.

Run it as its own process: ``python -m ticketing.stack.stripe_standin --port 12111``
(it prints its URL); it accepts the API key ``STANDIN_KEY``, and ``PUBLISHABLE_KEY`` for
tokens only. State lives in memory.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from dataclasses import dataclass
from typing import Any, ClassVar

import uvicorn
from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath

from ticketing.stack.background import BackgroundServer, StandIn
from ticketing.stack.servers import ChildServer
from ticketing.stack.stripe_connect import ConnectState, connect_handlers
from ticketing.stack.stripe_wire import (
    DECLINED,
    TEST_TOKENS,
    Json,
    Reply,
    card_error,
    card_token,
    error,
    invalid,
)

STANDIN_KEY = "sk_test_standin"
# As with Stripe, a publishable key may only make card tokens (what a browser form does).
PUBLISHABLE_KEY = "pk_test_standin"
CANCELLABLE = {"requires_payment_method", "requires_capture", "requires_confirmation"}


class StripeStandIn(StandIn):
    """The stand-in's state and its ASGI ``app``; ``start()`` serves it in this event loop."""

    def __init__(self) -> None:
        self.tokens: dict[str, Json] = {}
        self.intents: dict[str, Json] = {}
        self.connect = ConnectState()
        self._replies: dict[str, tuple[str, Json, Reply]] = {}  # key -> (path, form, reply)
        self.app = self._app()
        self._server = BackgroundServer(self.app)

    def _app(self) -> Litestar:
        @post("/v1/tokens")
        async def create_token(request: Request[Any, Any, Any]) -> Response[Json]:
            return await self._answer(request, self._token, publishable=True)

        @post("/v1/payment_intents")
        async def create_intent(request: Request[Any, Any, Any]) -> Response[Json]:
            return await self._answer(request, self._create)

        @post("/v1/payment_intents/{intent_id:str}/capture")
        async def capture(
            request: Request[Any, Any, Any], intent_id: FromPath[str]
        ) -> Response[Json]:
            return await self._answer(request, lambda form: self._capture(intent_id, form))

        @post("/v1/payment_intents/{intent_id:str}/cancel")
        async def cancel(
            request: Request[Any, Any, Any], intent_id: FromPath[str]
        ) -> Response[Json]:
            return await self._answer(request, lambda form: self._cancel(intent_id, form))

        @get("/v1/payment_intents/{intent_id:str}")
        async def retrieve(
            request: Request[Any, Any, Any], intent_id: FromPath[str]
        ) -> Response[Json]:
            return await self._answer(request, lambda _: self._retrieve(intent_id))

        @get("/v1/payment_intents")
        async def listing(request: Request[Any, Any, Any]) -> Response[Json]:
            newest_first = list(reversed(self.intents.values()))
            limit = int(request.query_params.get("limit") or 10)
            body = {"object": "list", "url": "/v1/payment_intents", "has_more": False}
            return await self._answer(
                request, lambda _: (200, {**body, "data": newest_first[:limit]})
            )

        handlers = [create_token, create_intent, capture, cancel, retrieve, listing]
        return Litestar([*handlers, *connect_handlers(self.connect, self._answer, self.intents)])

    async def _answer(
        self, request: Request[Any, Any, Any], handle: Any, publishable: bool = False
    ) -> Response[Json]:
        keys = {STANDIN_KEY, PUBLISHABLE_KEY} if publishable else {STANDIN_KEY}
        if request.headers.get("authorization") not in {f"Bearer {key}" for key in keys}:
            return self._respond(invalid("Invalid API Key provided", 401))
        form = dict(await request.form()) if request.method == "POST" else {}
        key = request.headers.get("idempotency-key")
        # No await from here on: the check, the change and the record of the answer happen in
        # one step of the event loop, so concurrent requests with one key cannot both act.
        if key is None or request.method != "POST":
            return self._respond(handle(form))
        if key in self._replies:
            path, first_form, reply = self._replies[key]
            if (path, first_form) != (request.url.path, form):
                message = (
                    "Keys for idempotent requests can only be used with the same parameters they"
                    f" were first used with. Try using a key other than '{key}' if you meant to"
                    " execute a different request."
                )
                return self._respond(error(400, "idempotency_error", message))
            return self._respond(reply, replayed=True)
        reply = handle(form)
        self._replies[key] = (request.url.path, form, reply)
        return self._respond(reply)

    @staticmethod
    def _respond(reply: Reply, replayed: bool = False) -> Response[Json]:
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return Response(reply[1], status_code=reply[0], headers=headers)

    def _token(self, form: Json) -> Reply:
        reply, number = card_token(form)
        if reply[0] == 200:
            self.tokens[str(reply[1]["id"])] = {**reply[1], "number": number}
        return reply

    def _card_number(self, token: str) -> str | Reply:
        """The number behind a token (using it up), or the error Stripe gives."""
        if token in TEST_TOKENS:
            return TEST_TOKENS[token]
        found = self.tokens.get(token)
        if found is None:
            return invalid(f"No such token: '{token}'", code="resource_missing", param="token")
        if found["used"]:
            return invalid(
                f"You cannot use a Stripe token more than once: {token}.",
                code="token_already_used",
                param="token",
            )
        found["used"] = True
        return str(found["number"])

    def _create(self, form: Json) -> Reply:
        amount = str(form.get("amount", ""))
        if not amount.isdigit() or int(amount) < 50:
            return invalid(
                "Amount must be at least $0.50 usd", code="amount_too_small", param="amount"
            )
        token = form.get("payment_method_data[card][token]")
        if form.get("payment_method_data[type]") != "card" or not token:
            return invalid("Missing payment_method_data", param="payment_method_data")
        number = self._card_number(str(token))
        if isinstance(number, tuple):
            return number
        manual = form.get("capture_method") == "manual"
        intent: Json = {
            "id": f"pi_{secrets.token_hex(12)}",
            "object": "payment_intent",
            "amount": int(amount),
            "amount_capturable": 0,
            "amount_received": 0,
            "capture_method": "manual" if manual else "automatic",
            "currency": form.get("currency", "usd"),
            "created": int(time.time()),
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "latest_charge": None,
            "livemode": False,
            "canceled_at": None,
            "status": "requires_payment_method",
        }
        self.intents[str(intent["id"])] = intent
        if number == DECLINED:
            declined = "Your card was declined."
            extra = {"decline_code": "generic_decline", "payment_intent": intent}
            return card_error("card_declined", declined, "", **extra)
        intent["latest_charge"] = f"ch_{secrets.token_hex(12)}"
        if manual:
            intent.update(status="requires_capture", amount_capturable=intent["amount"])
        else:
            intent.update(status="succeeded", amount_received=intent["amount"])
        return 200, intent

    def _retrieve(self, intent_id: str) -> Reply:
        if intent_id in self.intents:
            return 200, self.intents[intent_id]
        message = f"No such payment_intent: '{intent_id}'"
        return invalid(message, 404, code="resource_missing", param="intent")

    def _unexpected(self, intent: Json, action: str, allowed: set[str]) -> Reply:
        message = (
            f"This PaymentIntent could not be {action} because it has a status of"
            f" {intent['status']}. Only a PaymentIntent with one of the following statuses may"
            f" be {action}: {', '.join(sorted(allowed))}."
        )
        return invalid(message, code="payment_intent_unexpected_state", payment_intent=intent)

    def _capture(self, intent_id: str, form: Json) -> Reply:
        if intent_id not in self.intents:
            return self._retrieve(intent_id)
        intent = self.intents[intent_id]
        if intent["status"] != "requires_capture":
            return self._unexpected(intent, "captured", {"requires_capture"})
        received = int(form.get("amount_to_capture") or intent["amount"])
        intent.update(status="succeeded", amount_capturable=0, amount_received=received)
        return 200, intent

    def _cancel(self, intent_id: str, form: Json) -> Reply:
        if intent_id not in self.intents:
            return self._retrieve(intent_id)
        intent = self.intents[intent_id]
        if intent["status"] not in CANCELLABLE:
            return self._unexpected(intent, "canceled", CANCELLABLE)
        reason = form.get("cancellation_reason")
        intent.update(
            status="canceled",
            amount_capturable=0,
            canceled_at=int(time.time()),
            cancellation_reason=reason,
        )
        return 200, intent


@dataclass
class StripeStandInProcess(ChildServer):
    """The stand-in as its own process (``python -m ticketing.stack.stripe_standin``)."""

    TITLE: ClassVar[str] = "Stripe stand-in"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "ticketing.stack.stripe_standin", "--port", str(self.port)]


def configuration(url: str) -> dict[str, str]:
    """What an operator would set to use Stripe, pointed at the stand-in at ``url``: payments
    charges with the secret key, the web front end makes card tokens with the publishable one."""
    return {
        "STRIPE_API_KEY": STANDIN_KEY,
        "STRIPE_API_BASE": url,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the Stripe stand-in.")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    print(f"Stripe stand-in at http://{args.host}:{args.port} (key {STANDIN_KEY})", flush=True)
    uvicorn.run(StripeStandIn().app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
