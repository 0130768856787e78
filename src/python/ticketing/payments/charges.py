"""Charging through Stripe's official client: PaymentIntents, confirmed at once, with an
idempotency key per order attempt."""

from __future__ import annotations

from decimal import Decimal

import stripe

from ticketing.shared.errors import InvalidInput, PaymentDeclined, UpstreamFailed


class Stripe:
    def __init__(self, api_key: str, api_base: str, currency: str) -> None:
        self.client = stripe.StripeClient(
            api_key, base_addresses={"api": api_base}, max_network_retries=2
        )
        self.currency = currency

    async def charge(self, order_id: str, attempt: int, price: Decimal, token: str) -> str:
        """The PaymentIntent id of a successful charge.

        The idempotency key names the order and the attempt: concurrent or repeated requests
        for one attempt (a retry after a crash between charging and recording included) get
        Stripe's first answer back instead of charging twice; after a decline the attempt
        number moves on, so another card may be tried.
        """
        try:
            intent = await self.client.v1.payment_intents.create_async(
                {
                    "amount": int(price * 100),
                    "currency": self.currency,
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
            raise UpstreamFailed(f"Stripe did not take the charge: {type(exc).__name__}") from None
        return intent.id
