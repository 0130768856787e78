"""The moderation API keeps the contract its OpenAPI document states (schemathesis)."""

from typing import Any

from ticketing.moderation.app import create_app
from ticketing.moderation.settings import ModerationSettings
from ticketing.testing import contract


async def test_the_moderation_api_keeps_its_documented_contract(isolated: dict[str, Any]) -> None:
    admin = await contract.bearer_of(isolated, "admin@example.com", admin=True)
    failures = await contract.violations(create_app(ModerationSettings(**isolated)), admin)
    assert failures == [], "\n\n".join(failures)
