"""The Stripe stand-in's Connect part (stack/stripe_connect.py) against Stripe's official
client and payments' own adapter (``StripeConnect``): accounts and onboarding, transfers from a
captured charge, their reversals, refunds, and idempotency under concurrency."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import stripe

from ticketing.payments.connect import StripeConnect, Transfer
from ticketing.shared.errors import UpstreamFailed
from ticketing.shared.telemetry import Telemetry
from ticketing.stack.stripe_standin import STANDIN_KEY, StripeStandIn


@pytest.fixture
async def standin() -> AsyncIterator[StripeStandIn]:
    running = await StripeStandIn().start()
    yield running
    await running.stop()


@pytest.fixture
def connect(standin: StripeStandIn) -> StripeConnect:
    return StripeConnect(STANDIN_KEY, standin.url, "usd", Telemetry("payments-test"))


async def captured_intent(connect: StripeConnect, cents: int = 4550) -> stripe.PaymentIntent:
    intents = connect.client.v1.payment_intents
    held = await intents.create_async(
        {
            "amount": cents,
            "currency": "usd",
            "capture_method": "manual",
            "confirm": True,
            "payment_method_data": {"type": "card", "card": {"token": "tok_visa"}},  # type: ignore[typeddict-unknown-key]
        }
    )
    return await intents.capture_async(held.id)


async def onboarded(connect: StripeConnect, user_id: str = "seller") -> str:
    account_id = await connect.create_account(user_id)
    url = await connect.onboarding_link(account_id, "http://web/back", "http://web/again")
    async with httpx.AsyncClient() as http:
        back = await http.get(url)
    assert (back.status_code, back.headers["location"]) == (302, "http://web/back")
    return account_id


async def test_an_express_account_takes_payouts_once_onboarded(connect: StripeConnect) -> None:
    account_id = await connect.create_account("seller")
    assert account_id == await connect.create_account("seller")  # one per seller
    account = await connect.client.v1.accounts.retrieve_async(account_id)
    assert isinstance(account, stripe.Account)
    assert (account.type, account.payouts_enabled) == ("express", False)
    assert account.metadata is not None
    assert account.metadata.to_dict() == {"user_id": "seller"}
    assert not await connect.payouts_enabled(account_id)
    await onboarded(connect, "other")
    link = await connect.client.v1.account_links.create_async(
        {
            "account": account_id,
            "type": "account_onboarding",
            "return_url": "http://web/back",
            "refresh_url": "http://web/again",
        }
    )
    assert isinstance(link, stripe.AccountLink)
    async with httpx.AsyncClient() as http:
        await http.get(link.url)
    assert await connect.payouts_enabled(account_id)


async def test_a_transfer_from_the_charge_once_per_key(
    connect: StripeConnect, standin: StripeStandIn
) -> None:
    account_id = await onboarded(connect)
    intent = await captured_intent(connect)
    order = Transfer(account_id, 4023, "o1", intent.id, "payout-p1")
    made = await asyncio.gather(*(connect.transfer(order) for _ in range(10)))
    assert len(set(made)) == 1
    [transfer] = standin.connect.transfers.values()
    assert (
        transfer["amount"],
        transfer["destination"],
        transfer["transfer_group"],
        transfer["source_transaction"],
    ) == (4023, account_id, "o1", intent.latest_charge)
    read = await connect.client.v1.transfers.retrieve_async(made[0])
    assert isinstance(read, stripe.Transfer)
    assert read.amount == 4023


async def test_transfers_are_refused_to_an_account_not_onboarded_or_beyond_the_charge(
    connect: StripeConnect,
) -> None:
    intent = await captured_intent(connect, 1000)
    not_ready = await connect.create_account("seller")
    with pytest.raises(UpstreamFailed, match="capabilities"):
        await connect.transfer(Transfer(not_ready, 500, "o1", intent.id, "k1"))
    ready = await onboarded(connect, "other")
    with pytest.raises(UpstreamFailed, match="exceeds"):
        await connect.transfer(Transfer(ready, 1001, "o1", intent.id, "k2"))


async def available(connect: StripeConnect) -> int:
    balance = await connect.client.v1.balance.retrieve_async()
    assert isinstance(balance, stripe.Balance)
    return balance.available[0].amount


async def test_refund_and_reversal_each_once_and_the_balance_follows(
    connect: StripeConnect,
) -> None:
    account_id = await onboarded(connect)
    intent = await captured_intent(connect)
    assert await available(connect) == 4550
    transfer_id = await connect.transfer(Transfer(account_id, 4023, "o1", intent.id, "t"))
    assert await available(connect) == 4550 - 4023
    refunds = await asyncio.gather(*(connect.refund(intent.id, 4550, "r1") for _ in range(5)))
    reversals = await asyncio.gather(*(connect.reverse(transfer_id, "v1") for _ in range(5)))
    assert (len(set(refunds)), len(set(reversals))) == (1, 1)
    refund = await connect.client.v1.refunds.retrieve_async(refunds[0])
    assert isinstance(refund, stripe.Refund)
    assert (refund.amount, refund.payment_intent, refund.status) == (4550, intent.id, "succeeded")
    transfer = await connect.client.v1.transfers.retrieve_async(transfer_id)
    assert (transfer.reversed, transfer.amount_reversed) == (True, 4023)
    assert await available(connect) == 0  # refunded in full, the seller's share taken back
    with pytest.raises(UpstreamFailed, match="already been refunded"):
        await connect.refund(intent.id, 4550, "r2")  # a new key: a second refund is refused
    with pytest.raises(UpstreamFailed, match="fully reversed"):
        await connect.reverse(transfer_id, "v2")
