"""The payments service: authorises cards through Stripe, captures or releases the money once
the orders service has completed or cancelled the order, and pays each seller their share
(the price less the platform's fee) through Stripe Connect a hold after the event."""

from functools import partial

from litestar import Litestar
from litestar.di import Provide

from ticketing.payments import disputes, events, payouts, use_cases
from ticketing.payments.connect import StripeConnect
from ticketing.payments.dispute_routes import DisputesController
from ticketing.payments.models import (
    Admission,
    Dispute,
    OrderReplica,
    Payment,
    Payout,
    PayoutAccount,
)
from ticketing.payments.payout_routes import PayoutsController
from ticketing.payments.routes import PaymentsController
from ticketing.payments.settings import PaymentsSettings
from ticketing.shared.clock import Clock
from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.service_app import service_app

SETTLE_EVERY_SECONDS = 2.0


def create_app(settings: PaymentsSettings, clock: Clock | None = None) -> Litestar:
    models = [OrderReplica, Payment, PayoutAccount, Payout, Admission, Dispute]
    platform = Platform("payments", settings, models, clock=clock)
    stripe = StripeConnect(
        settings.stripe_api_key,
        settings.stripe_api_base,
        settings.stripe_currency,
        platform.telemetry,
    )
    events.subscribe(platform, stripe, settings.terms)
    # Captures and voids Stripe could not confirm at once are retried until it does; sellers'
    # shares are transferred once due, and refunds made; each retried likewise.
    platform.repeat(SETTLE_EVERY_SECONDS, partial(use_cases.settle_pending, platform, stripe))
    platform.repeat(SETTLE_EVERY_SECONDS, partial(payouts.release_due, platform, stripe))
    platform.repeat(SETTLE_EVERY_SECONDS, partial(disputes.refund_pending, platform, stripe))

    def provide() -> Provide:
        return Provide(lambda: stripe, sync_to_thread=False, use_cache=True)

    return service_app(
        platform,
        [PayoutsController, DisputesController, PaymentsController],
        description=__doc__ or "",
        dependencies={"charges": provide(), "connect": provide()},
    )


run = partial(serve, create_app, PaymentsSettings, "payments")  # the pex_binary's entry point
