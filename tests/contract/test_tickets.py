"""The tickets API keeps the contract its OpenAPI document states (schemathesis)."""

from typing import Any

from ticketing.testing import contract
from ticketing.tickets.app import create_app
from ticketing.tickets.settings import TicketsSettings


async def test_the_tickets_api_keeps_its_documented_contract(isolated: dict[str, Any]) -> None:
    seller = await contract.bearer_of(isolated, "seller@example.com")
    failures = await contract.violations(create_app(TicketsSettings(**isolated)), seller)
    assert failures == [], "\n\n".join(failures)
