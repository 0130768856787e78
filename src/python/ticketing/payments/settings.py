from datetime import timedelta
from decimal import Decimal

from pydantic import Field

from ticketing.payments.payout_rules import Terms
from ticketing.shared.settings import ServiceSettings, service_port


class PaymentsSettings(ServiceSettings):
    port: int = service_port("payments")
    # Required in every profile: payments always charge the Stripe API at STRIPE_API_BASE.
    stripe_api_key: str = Field(default="", pattern="^$|^(sk|rk)_")
    stripe_api_base: str = Field(default="https://api.stripe.com", pattern="^https?://")
    stripe_currency: str = Field(default="usd", pattern="^[a-z]{3}$")
    # The platform's fee on every sale: a percentage of the price plus a fixed part (in the
    # currency's main unit); the seller receives the rest.
    platform_fee_percent: Decimal = Field(default=Decimal(5), ge=0, le=50, decimal_places=2)
    platform_fee_fixed: Decimal = Field(default=Decimal("0.30"), ge=0, le=100, decimal_places=2)
    # The seller's share is transferred this long after the event starts; buyers may open a
    # dispute until then.
    payout_hold_days: int = Field(default=2, ge=0, le=90)

    @property
    def terms(self) -> Terms:
        hold = timedelta(days=self.payout_hold_days)
        return Terms(self.platform_fee_percent, self.platform_fee_fixed, hold)

    def check(self) -> None:
        if not self.stripe_api_key:
            raise ValueError(
                "STRIPE_API_KEY is not set: payments charge the Stripe API at STRIPE_API_BASE"
                f" ({self.stripe_api_base}) with it. Set STRIPE_API_KEY to a Stripe secret key"
                " (sk_test_... for Stripe's test mode); for a local Stripe stand-in, run"
                " `python -m ticketing.stack.stripe_standin --port 12111` and set"
                " STRIPE_API_BASE=http://127.0.0.1:12111 and STRIPE_API_KEY=sk_test_standin"
            )
        super().check()
