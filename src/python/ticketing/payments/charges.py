"""Stripe, through its official client: a card is authorised first (a PaymentIntent with
``capture_method=manual``, confirmed at once), then captured or its authorisation cancelled
once the orders service has decided the order's fate. Every call carries an idempotency key,
and runs in a client span named after it (Stripe's client is not instrumented itself)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol, runtime_checkable

import stripe
from opentelemetry.trace import SpanKind

from ticketing.shared.errors import InvalidInput, PaymentDeclined, UpstreamFailed
from ticketing.shared.telemetry import Telemetry


@runtime_checkable  # Litestar checks a dependency against its annotation
class Charges(Protocol):
    """What payments asks of its card processor (``Stripe``; a fake in the unit tier)."""

    async def authorize(self, order_id: str, attempt: int, cents: int, token: str) -> str:
        """Hold ``cents`` on the card; the id of the hold. ``PaymentDeclined``, ``InvalidInput``
        (a refused token) or ``UpstreamFailed``."""
        ...

    async def capture(self, intent_id: str, payment_id: str) -> None: ...

    async def void(self, intent_id: str, payment_id: str) -> None: ...


class Stripe:
    def __init__(self, api_key: str, api_base: str, currency: str, telemetry: Telemetry) -> None:
        self.client = stripe.StripeClient(
            api_key, base_addresses={"api": api_base}, max_network_retries=2
        )
        self.currency = currency
        self.telemetry = telemetry

    def _span(self, operation: str) -> Any:
        return self.telemetry.span(
            f"stripe {operation}",
            kind=SpanKind.CLIENT,
            attributes={"rpc.system": "stripe", "rpc.method": operation},
        )

    async def authorize(self, order_id: str, attempt: int, cents: int, token: str) -> str:
        """The id of a PaymentIntent holding ``cents`` on the card, not yet captured.

        The idempotency key names the order and the attempt: concurrent or repeated requests
        for one attempt (a retry after a crash between authorising and recording included)
        get Stripe's first answer back instead of a second hold; after a decline the attempt
        number moves on, so another card may be tried.
        """
        with self._span("payment_intents.create"):
            try:
                intent = await self.client.v1.payment_intents.create_async(
                    {
                        "amount": cents,
                        "currency": self.currency,
                        "capture_method": "manual",
                        "confirm": True,
                        "payment_method_data": {"type": "card", "card": {"token": token}},  # type: ignore[typeddict-unknown-key]
                        "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
                        "metadata": {"order_id": order_id},
                    },
                    {"idempotency_key": f"order-{order_id}-attempt-{attempt}"},
                )
            except stripe.CardError as exc:
                raise PaymentDeclined(
                    exc.user_message or "the card was declined",
                    decline_code=(exc.error.decline_code if exc.error else None) or exc.code,
                ) from None
            except stripe.InvalidRequestError as exc:
                raise InvalidInput(
                    exc.user_message or "the payment token was refused", field="token"
                ) from None
            except stripe.StripeError as exc:
                raise UpstreamFailed(
                    f"Stripe did not take the charge: {type(exc).__name__}"
                ) from None
            return intent.id

    async def capture(self, intent_id: str, payment_id: str) -> None:
        """Take the authorised money; done already counts as done."""
        payment_intents = self.client.v1.payment_intents
        options: stripe.RequestOptions = {"idempotency_key": f"capture-{payment_id}"}
        with self._span("payment_intents.capture"):
            await self._settle(
                payment_intents.capture_async(intent_id, options=options), "succeeded"
            )

    async def void(self, intent_id: str, payment_id: str) -> None:
        """Release the authorisation; done already counts as done."""
        payment_intents = self.client.v1.payment_intents
        options: stripe.RequestOptions = {"idempotency_key": f"void-{payment_id}"}
        with self._span("payment_intents.cancel"):
            await self._settle(payment_intents.cancel_async(intent_id, options=options), "canceled")

    async def _settle(self, call: Awaitable[stripe.PaymentIntent], done: str) -> None:
        try:
            await call
        except stripe.InvalidRequestError as exc:
            # Stripe names the intent's state when it refuses; the wanted one means it is done
            # (by an earlier call whose answer we lost).
            state = exc.error.payment_intent if exc.error else None
            if exc.code == "payment_intent_unexpected_state" and state and state.status == done:
                return
            raise UpstreamFailed(f"Stripe refused to settle: {exc.user_message}") from None
        except stripe.StripeError as exc:
            raise UpstreamFailed(f"Stripe did not answer: {type(exc).__name__}") from None
