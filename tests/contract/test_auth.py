"""The auth API keeps the contract its OpenAPI document states (schemathesis)."""

from typing import Any

from ticketing.auth.app import create_app
from ticketing.auth.settings import AuthSettings
from ticketing.testing import contract


async def test_the_auth_api_keeps_its_documented_contract(isolated: dict[str, Any]) -> None:
    user = await contract.bearer_of(isolated, "someone@example.com")
    failures = await contract.violations(create_app(AuthSettings(**isolated)), user)
    assert failures == [], "\n\n".join(failures)
