"""The payments service as its own process (started as the stack starts it), charging the
Stripe API at STRIPE_API_BASE with STRIPE_API_KEY: here the Stripe stand-in, also its own
process. Payments starts no stand-in itself, and refuses to start without a key."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
import stripe

from ticketing.shared import events
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.platform import Platform
from ticketing.shared.settings import ServiceSettings
from ticketing.stack.processes import ServiceProcess
from ticketing.stack.servers import free_port, python_env
from ticketing.stack.stripe_standin import STANDIN_KEY, StripeStandInProcess
from ticketing.testing.events import inject
from ticketing.testing.fixtures import env_from, eventually, sign_up


@pytest.fixture(scope="module")
def stripe_url() -> Iterator[str]:
    """A Stripe stand-in of this module's own (the platform of the other stories is not needed)."""
    standin = StripeStandInProcess().start()
    try:
        yield standin.url
    finally:
        standin.stop()


def started(env: dict[str, str], log: Path) -> ServiceProcess:
    payments = ServiceProcess("payments", free_port(), log)
    payments.start({**python_env(), **env})
    return payments


async def test_payments_as_a_process_authorises_and_captures_through_the_stripe_api(
    isolated: dict[str, Any], stripe_url: str, tmp_path: Path
) -> None:
    env = {**env_from(isolated), "STRIPE_API_KEY": STANDIN_KEY, "STRIPE_API_BASE": stripe_url}
    payments = started(env, tmp_path / "payments.log")
    platform = Platform("payments", ServiceSettings(**isolated), [])  # its identity, permissions
    await platform.open_stores()
    try:
        await eventually(lambda: _ready(payments), within=60)
        buyer, headers = await sign_up(platform.identity, "buyer@example.com")
        order_id, ticket_id = str(uuid4()), str(uuid4())
        await platform.permissions.write([RelationTuple("Order", order_id, "owners", buyer.id)])
        placed = events.OrderCreated(
            id=order_id,
            version=0,
            status=events.OrderStatus.CREATED,
            user_id=buyer.id,
            expires_at=datetime.now(UTC) + timedelta(minutes=10),
            ticket=events.OrderTicket(id=ticket_id, price=Decimal("12.34"), user_id="seller"),
        )
        await inject(isolated, placed)  # as orders announces it

        async with httpx.AsyncClient(base_url=payments.url, headers=headers) as client:

            async def pay() -> httpx.Response | None:
                body = {"order_id": order_id, "token": "tok_visa"}
                response = await client.post("/api/payments", json=body)
                return None if response.status_code == 404 else response  # not arrived yet

            paid = await eventually(pay)
            assert paid.status_code == 201, paid.text
            payment = paid.json()
            assert payment["status"] == "authorized"
            intents = stripe.StripeClient(STANDIN_KEY, base_addresses={"api": stripe_url})
            held = await intents.v1.payment_intents.retrieve_async(payment["stripe_id"])
            assert (held.status, held.amount) == ("requires_capture", 1234)

            await inject(
                isolated,
                events.OrderCompleted(
                    id=order_id,
                    version=1,
                    payment_id=payment["id"],
                    ticket_id="t1",
                    user_id="buyer",
                ),
            )

            async def captured() -> bool:
                current = await client.get(f"/api/payments/{payment['id']}")
                return bool(current.json()["status"] == "captured")

            await eventually(captured)
            taken = await intents.v1.payment_intents.retrieve_async(payment["stripe_id"])
            assert (taken.status, taken.amount_received) == ("succeeded", 1234)
    finally:
        payments_process = payments.process
        assert payments_process is not None
        payments_process.terminate()
        payments_process.wait(10)
        await platform.db.close()


def test_without_a_stripe_key_the_process_stops_naming_what_to_set(
    isolated: dict[str, Any], tmp_path: Path
) -> None:
    ory = {
        f"{name}_URL": "http://ory:4433"
        for name in ("KRATOS_PUBLIC", "KRATOS_ADMIN", "KETO_READ", "KETO_WRITE")
    }
    for profile, extra in (("dev", {}), ("production", ory)):  # production also needs Ory
        log = tmp_path / f"{profile}.log"
        env = {**env_from(isolated), "TICKETING_PROFILE": profile, **extra}
        payments = started(env, log)
        deadline = time.monotonic() + 60
        while payments.exited() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert payments.exited() not in (None, 0), payments.log_tail()
        assert "STRIPE_API_KEY is not set" in log.read_text(), payments.log_tail()
        assert "STRIPE_API_BASE" in log.read_text()


async def _ready(payments: ServiceProcess) -> bool:
    assert payments.exited() is None, payments.log_tail()
    return payments.ready()
