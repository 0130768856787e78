from pydantic import Field

from ticketing.shared.settings import SetsCookies, service_port

STRIPE_API = "https://api.stripe.com"


class WebSettings(SetsCookies):
    port: int = service_port("web")
    # The public REST API as this server reaches it: the edge locally, the Ingress (or its
    # in-cluster Service) in a cluster.
    api_url: str = Field(default="http://127.0.0.1:8080", pattern="^https?://")
    # In a cluster: each API prefix straight to its service (JSON, e.g. {"/api/users":
    # "http://ticketing-auth:8001"}); a path no prefix matches goes to API_URL.
    api_routes: dict[str, str] = Field(default_factory=dict)
    api_timeout_seconds: float = Field(default=10.0, gt=0)
    # The site's address as visitors reach it (Stripe sends sellers back to it after setting
    # up payouts). Unset: API_URL, the edge that serves the site too.
    public_url: str | None = Field(default=None, pattern="^https?://")
    # Card entry. With Stripe's own API base, Stripe.js card fields make the token in the
    # browser; with another base (the Stripe stand-in), a labelled test-card form makes it
    # through that base's POST /v1/tokens. Unset key: no card entry.
    stripe_publishable_key: str | None = Field(default=None, pattern="^pk_")
    stripe_api_base: str = Field(default=STRIPE_API, pattern="^https?://")
    # Signs the CSRF cookie. Unset: a random one per process (dev only: every replica and
    # restart would need the same one).
    csrf_secret: str | None = Field(default=None, min_length=32)

    @property
    def card_form(self) -> str | None:
        """ "stripe.js", "test" (the stand-in's token endpoint) or None (no payments)."""
        if not self.stripe_publishable_key:
            return None
        return "stripe.js" if self.stripe_api_base == STRIPE_API else "test"

    @property
    def onboarding_origin(self) -> str:
        """Where the payouts page sends a seller to set up payouts: Stripe Connect's
        onboarding, or the stand-in's at its API base."""
        return (
            "https://connect.stripe.com"
            if self.stripe_api_base == STRIPE_API
            else (self.stripe_api_base.rstrip("/"))
        )

    def dev_only(self) -> list[str]:
        found = super().dev_only()
        if not self.csrf_secret:
            found.append("a random CSRF secret (set CSRF_SECRET, 32 characters or more)")
        if self.card_form == "test":
            found.append("the test-card form (STRIPE_API_BASE must be Stripe's)")
        return found
