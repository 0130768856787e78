from pydantic import Field

from ticketing.shared.settings import ServiceSettings, service_port


class PaymentsSettings(ServiceSettings):
    port: int = service_port("payments")
    # Required in every profile: payments always charge the Stripe API at STRIPE_API_BASE.
    stripe_api_key: str = Field(default="", pattern="^$|^(sk|rk)_")
    stripe_api_base: str = Field(default="https://api.stripe.com", pattern="^https?://")
    stripe_currency: str = Field(default="usd", pattern="^[a-z]{3}$")

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
