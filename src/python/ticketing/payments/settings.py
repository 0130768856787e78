from pydantic import Field

from ticketing.shared.settings import ServiceSettings


class PaymentsSettings(ServiceSettings):
    port: int = Field(default=8004, ge=1, le=65535)
    # Unset: payments start a local Stripe stand-in (Stripe's wire format, test tokens only).
    stripe_api_key: str | None = Field(default=None, pattern="^(sk|rk)_")
    stripe_api_base: str = Field(default="https://api.stripe.com", pattern="^https?://")
    stripe_currency: str = Field(default="usd", pattern="^[a-z]{3}$")
