"""The payments service: authorises cards through Stripe, and captures or releases the
money once the orders service has completed or cancelled the order."""

from functools import partial

from litestar import Litestar
from litestar.di import Provide

from ticketing.payments import events, use_cases
from ticketing.payments.charges import Stripe
from ticketing.payments.models import OrderReplica, Payment
from ticketing.payments.routes import PaymentsController
from ticketing.payments.settings import PaymentsSettings
from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.service_app import service_app

SETTLE_EVERY_SECONDS = 2.0


def create_app(settings: PaymentsSettings) -> Litestar:
    platform = Platform("payments", settings, [OrderReplica, Payment])
    charges = Stripe(
        settings.stripe_api_key,
        settings.stripe_api_base,
        settings.stripe_currency,
        platform.telemetry,
    )
    events.subscribe(platform, charges)
    # Captures and voids Stripe could not confirm at once are retried until it does.
    platform.repeat(SETTLE_EVERY_SECONDS, partial(use_cases.settle_pending, platform, charges))
    provide_charges = Provide(lambda: charges, sync_to_thread=False, use_cache=True)
    return service_app(
        platform,
        [PaymentsController],
        description=__doc__ or "",
        dependencies={"charges": provide_charges},
    )


run = partial(serve, create_app, PaymentsSettings, "payments")  # the pex_binary's entry point
