"""The payments service: Stripe charges for orders; without a Stripe key, a local stand-in."""

import structlog
from litestar import Litestar
from litestar.di import Provide

from ticketing.payments import events
from ticketing.payments.charges import Stripe
from ticketing.payments.models import OrderReplica, Payment
from ticketing.payments.routes import PaymentsController
from ticketing.payments.settings import PaymentsSettings
from ticketing.payments.stripe_standin import STANDIN_KEY, StripeStandIn
from ticketing.shared.platform import Platform
from ticketing.shared.runner import serve
from ticketing.shared.web import create_app as create_web_app

log = structlog.get_logger(__name__)


def create_app(settings: PaymentsSettings) -> Litestar:
    platform = Platform("payments", settings, [OrderReplica, Payment])
    events.subscribe(platform)
    if settings.stripe_api_key:
        charges = Stripe(
            settings.stripe_api_key, settings.stripe_api_base, settings.stripe_currency
        )
    else:
        standin = StripeStandIn()
        platform.on_start(standin.start)
        platform.on_stop(standin.stop)
        log.warning("no STRIPE_API_KEY: charging the local Stripe stand-in", url=standin.url)
        charges = Stripe(STANDIN_KEY, standin.url, settings.stripe_currency)
    provide_charges = Provide(lambda: charges, sync_to_thread=False, use_cache=True)
    app = create_web_app(
        platform,
        [PaymentsController],
        description=__doc__ or "",
        dependencies={"charges": provide_charges},
    )
    app.state.stripe_standin = standin  # for tests: what the stand-in was asked to charge
    return app


def run() -> None:
    serve(create_app, PaymentsSettings, "payments")
