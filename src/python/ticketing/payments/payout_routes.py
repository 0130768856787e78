"""HTTP API of sellers' payouts: /api/payments/fees (public), /api/payments/accounts (a
seller's Stripe Connect account) and /api/payments/payouts (a seller's own payouts)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from ticketing.payments import payouts
from ticketing.payments.connect import Connect
from ticketing.payments.models import PayoutStatus
from ticketing.payments.payout_rules import quote
from ticketing.payments.settings import PaymentsSettings
from ticketing.shared.guards import signed_in
from ticketing.shared.identity import Principal
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems
from ticketing.shared.responses import View

# An absolute http(s) address in visible ASCII (percent-encoded), as Stripe takes it.
Url = Annotated[str, msgspec.Meta(pattern="^https?://[!-~]+$", max_length=2000)]
Price = Annotated[
    str | None,
    QueryParameter(pattern=r"^\d{1,7}(\.\d{1,2})?$", description="a price, e.g. 45.50"),
]


class FeesOut(msgspec.Struct):
    currency: str
    fee_percent: Annotated[Decimal, msgspec.Meta(description="of the price, per sale")]
    fee_fixed: Annotated[Decimal, msgspec.Meta(description="added to the percentage, per sale")]
    payout_hold_days: Annotated[
        int, msgspec.Meta(description="the seller is paid this long after the event starts")
    ]
    price: Decimal | None = None
    fee: Annotated[Decimal | None, msgspec.Meta(description="the fee on price")] = None
    seller_receives: Annotated[Decimal | None, msgspec.Meta(description="price - fee")] = None


class AccountOut(View):
    stripe_account_id: Annotated[str, msgspec.Meta(description="the Stripe Connect account")]
    payouts_enabled: Annotated[
        bool, msgspec.Meta(description="onboarding is done: sales are paid out to it")
    ]
    created_at: datetime


class OnboardingIn(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {
        "return_url": "https://ticketing.example/payouts",
        "refresh_url": "https://ticketing.example/payouts",
    }
    return_url: Annotated[Url, msgspec.Meta(description="where Stripe sends the seller back")]
    refresh_url: Annotated[Url, msgspec.Meta(description="where an expired link leads")]


class OnboardingOut(msgspec.Struct):
    url: Annotated[str, msgspec.Meta(description="Stripe's onboarding page for the seller")]


class PayoutOut(View):
    id: str
    order_id: str
    ticket_id: str
    amount_cents: Annotated[int, msgspec.Meta(description="what the buyer paid")]
    fee_cents: Annotated[int, msgspec.Meta(description="the platform's fee")]
    net_cents: Annotated[int, msgspec.Meta(description="what the seller receives")]
    status: Annotated[
        PayoutStatus,
        msgspec.Meta(
            description="pending (no payout account yet), scheduled (for release_at), held (a"
            " dispute is open), transferring, paid, refunding, reversed (refunded after the"
            " transfer), cancelled (refunded before it)"
        ),
    ]
    release_at: Annotated[datetime, msgspec.Meta(description="when it is transferred")]
    transfer_id: str | None
    created_at: datetime


class PayoutsController(Controller):
    path = "/api/payments"
    tags = ["payouts"]

    @get("/fees", operation_id="getFees")
    async def fees(
        self, settings: NamedDependency[PaymentsSettings], price: Price = None
    ) -> FeesOut:
        """The platform's fee and when sellers are paid; with ``price``, the fee on it and what
        the seller receives (the buyer pays the price, fee included)."""
        terms = settings.terms
        amount = Decimal(price) if price is not None else None
        fee, net = quote(amount, terms) if amount is not None else (None, None)
        return FeesOut(
            settings.stripe_currency,
            terms.fee_percent,
            terms.fee_fixed,
            terms.hold.days,
            amount,
            fee,
            net,
        )

    @post(
        "/accounts", guards=[signed_in], operation_id="createPayoutAccount", responses=problems(502)
    )
    async def open_account(
        self,
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        connect: NamedDependency[Connect],
    ) -> AccountOut:
        """Set up your payout account (a Stripe Connect Express account; 201, the same one
        however often asked); finish it on the onboarding link."""
        return AccountOut.of(await payouts.open_account(platform, connect, user.id))

    @get(
        "/accounts/me", guards=[signed_in], operation_id="getPayoutAccount", responses=problems(404)
    )
    async def account(
        self,
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        connect: NamedDependency[Connect],
    ) -> AccountOut:
        """Your payout account, as Stripe has it now (404 before you set one up)."""
        return AccountOut.of(await payouts.account(platform, connect, user.id))

    @post(
        "/accounts/me/onboarding",
        guards=[signed_in],
        operation_id="createOnboardingLink",
        responses=problems(502),
    )
    async def onboarding(
        self,
        data: JSONBody[OnboardingIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        connect: NamedDependency[Connect],
    ) -> OnboardingOut:
        """A link to Stripe's onboarding for your payout account (made if you had none)."""
        link = await payouts.onboarding_link(
            platform, connect, user.id, data.return_url, data.refresh_url
        )
        return OnboardingOut(link)

    @get("/payouts", guards=[signed_in], operation_id="listPayouts")
    async def payouts(
        self, user: NamedDependency[Principal], platform: NamedDependency[Platform]
    ) -> list[PayoutOut]:
        """Your payouts as a seller, newest first."""
        return [PayoutOut.of(p) for p in await payouts.payouts_of(platform, user.id)]

    @get(
        "/payouts/{payout_id:str}",
        guards=[signed_in],
        operation_id="getPayout",
        responses=problems(404),
    )
    async def payout(
        self,
        payout_id: FromPath[str],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> PayoutOut:
        """One of your payouts (404 for anyone else's)."""
        return PayoutOut.of(await payouts.payout(platform, user.id, payout_id))
