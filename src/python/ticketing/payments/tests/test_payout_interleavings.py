"""The payout's interleavings over real servers and the Stripe stand-in: a dispute and the
release at once give one outcome (ten runs with shifted timing), and a crash between the
transfer sent and the transfer recorded does not pay twice (the idempotency key)."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from ticketing.payments import payouts
from ticketing.payments.connect import StripeConnect, Transfer
from ticketing.payments.models import Payout, PayoutStatus
from ticketing.payments.payout_rules import transfer_key
from ticketing.payments.tests.test_payouts_api import World, paying
from ticketing.stack.stripe_standin import STANDIN_KEY
from ticketing.testing.fixtures import eventually, in_status


@pytest.fixture
async def world(isolated: dict[str, Any]) -> AsyncIterator[World]:
    async with paying(isolated) as world:
        await world.onboard()
        yield world


def stripe_of(world: World) -> StripeConnect:
    return StripeConnect(STANDIN_KEY, world.stripe_url, "usd", world.platform.telemetry)


async def test_a_dispute_and_the_release_at_once_give_one_outcome(world: World) -> None:
    connect = stripe_of(world)
    for run in range(10):
        payout = await world.sale()
        world.clock.current = payout.release_at - timedelta(milliseconds=1)
        seen_due = await Payout.get(payout.id)
        assert seen_due is not None
        body = {"order_id": payout.order_id, "reason": "other", "message": "late"}

        async def release(delay: float = run * 0.004, due: Payout = seen_due) -> None:
            await asyncio.sleep(delay)
            world.clock.current = due.release_at
            await payouts.release(world.platform, connect, due)

        disputed, _ = await asyncio.gather(
            world.client.post("/api/payments/disputes", json=body, headers=world.headers("buyer")),
            release(),
        )
        transfers = [
            t
            for t in world.standin.connect.transfers.values()
            if t["transfer_group"] == payout.order_id
        ]
        if disputed.status_code == 201:
            assert transfers == []
            stored = await Payout.get(payout.id)
            assert stored is not None
            assert stored.status == PayoutStatus.HELD
        else:
            assert disputed.status_code == 409, disputed.text
            await eventually(lambda p=payout: in_status(Payout, p.id, "paid"), within=20)  # type: ignore[misc]
            assert len(transfers) == 1


async def test_a_crash_after_the_transfer_was_sent_does_not_pay_twice(world: World) -> None:
    payout = await world.sale()
    world.clock.current = payout.release_at
    # The sweep decided and sent the transfer, then crashed before recording it: the decision
    # is in the database, the transfer at Stripe, the record nowhere.
    decided = await Payout.get(payout.id)
    assert decided is not None
    decided.status = PayoutStatus.TRANSFERRING
    await decided.save_versioned()
    account = world.standin.connect.accounts
    [account_id] = list(account)
    sent = Transfer(
        account_id, payout.net_cents, payout.order_id, payout.intent_id, transfer_key(payout)
    )
    first = await stripe_of(world).transfer(sent)
    paid = await eventually(lambda: in_status(Payout, payout.id, "paid"), within=20)
    assert paid.transfer_id == first  # Stripe's first answer, replayed for the same key
    assert len(world.standin.connect.transfers) == 1
