"""Each service's API keeps the contract its own OpenAPI document states (schemathesis).

One test process for all of them: each would otherwise start its own MongoDB-wire server.
"""

from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar

from ticketing.auth.app import create_app as auth_app
from ticketing.auth.settings import AuthSettings
from ticketing.moderation.app import create_app as moderation_app
from ticketing.moderation.settings import ModerationSettings
from ticketing.orders.app import create_app as orders_app
from ticketing.orders.settings import OrdersSettings
from ticketing.payments.app import create_app as payments_app
from ticketing.payments.settings import PaymentsSettings
from ticketing.stack.stripe_standin import STANDIN_KEY, StripeStandIn
from ticketing.testing import contract
from ticketing.tickets.app import create_app as tickets_app
from ticketing.tickets.settings import TicketsSettings

SERVICES: dict[str, tuple[Callable[[dict[str, Any]], Litestar], bool]] = {
    # service: (its app for the test's servers, whether the caller is an admin)
    "auth": (lambda isolated: auth_app(AuthSettings(**isolated)), False),
    "tickets": (lambda isolated: tickets_app(TicketsSettings(**isolated)), False),
    "orders": (lambda isolated: orders_app(OrdersSettings(**isolated)), False),
    "moderation": (lambda isolated: moderation_app(ModerationSettings(**isolated)), True),
    # Payments charge the Stripe stand-in this test runs (STRIPE below).
    "payments": (
        lambda isolated: payments_app(
            PaymentsSettings(**isolated, stripe_api_key=STANDIN_KEY, stripe_api_base=STRIPE[0])
        ),
        False,
    ),
}
STRIPE: list[str] = []  # the stand-in's URL while the payments contract runs


@pytest.mark.parametrize("service", list(SERVICES))
async def test_the_api_keeps_its_documented_contract(
    isolated: dict[str, Any], service: str
) -> None:
    app, admin = SERVICES[service]
    caller = await contract.bearer_of(isolated, f"{service}-caller@example.com", admin=admin)
    standin = await StripeStandIn().start()
    STRIPE[:] = [standin.url]
    try:
        failures = await contract.violations(app(isolated), caller)
    finally:
        await standin.stop()
    assert failures == [], "\n\n".join(failures)
