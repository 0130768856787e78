"""The orders API keeps the contract its OpenAPI document states (schemathesis)."""

from typing import Any

from ticketing.orders.app import create_app
from ticketing.orders.settings import OrdersSettings
from ticketing.testing import contract


async def test_the_orders_api_keeps_its_documented_contract(isolated: dict[str, Any]) -> None:
    buyer = await contract.bearer_of(isolated, "buyer@example.com")
    failures = await contract.violations(create_app(OrdersSettings(**isolated)), buyer)
    assert failures == [], "\n\n".join(failures)
