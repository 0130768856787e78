"""The Stripe stand-in (ticketing/stack/stripe_standin.py) speaks Stripe's wire format to
Stripe's official client, for every call payments makes, and keeps Stripe's idempotency."""

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import stripe

from ticketing.stack.servers import free_port, python_env
from ticketing.stack.stripe_standin import (
    PUBLISHABLE_KEY,
    STANDIN_KEY,
    StripeStandIn,
    StripeStandInProcess,
)


def card(number: str) -> Any:
    return {"card": {"number": number, "exp_month": "12", "exp_year": "2040", "cvc": "123"}}


@pytest.fixture
async def standin() -> AsyncIterator[StripeStandIn]:
    running = await StripeStandIn().start()
    yield running
    await running.stop()


def client_of(url: str, key: str = STANDIN_KEY) -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": url}, max_network_retries=0)


def authorization(token: str, amount: int = 1234) -> Any:
    return {
        "amount": amount,
        "currency": "eur",
        "capture_method": "manual",
        "confirm": True,
        "payment_method_data": {"type": "card", "card": {"token": token}},
        "metadata": {"order_id": "o1"},
    }


async def test_authorise_then_capture_or_cancel(standin: StripeStandIn) -> None:
    intents = client_of(standin.url).v1.payment_intents
    held = await intents.create_async(authorization("tok_visa"))
    assert isinstance(held, stripe.PaymentIntent)
    assert (held.status, held.amount, held.amount_capturable, held.currency) == (
        "requires_capture",
        1234,
        1234,
        "eur",
    )
    assert held.metadata.to_dict() == {"order_id": "o1"}
    captured = await intents.capture_async(held.id)
    assert (captured.status, captured.amount_received) == ("succeeded", 1234)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        await intents.cancel_async(held.id)
    assert refused.value.code == "payment_intent_unexpected_state"
    assert refused.value.error is not None
    assert refused.value.error.payment_intent is not None
    assert refused.value.error.payment_intent.status == "succeeded"

    released = await intents.cancel_async(
        (await intents.create_async(authorization("tok_visa"))).id
    )
    assert released.status == "canceled"
    with pytest.raises(stripe.InvalidRequestError, match="status of canceled"):
        await intents.capture_async(released.id)
    assert (await intents.retrieve_async(released.id)).status == "canceled"
    listed = await intents.list_async({"limit": 100})
    assert [i.id for i in listed.data] == [released.id, held.id]  # newest first
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await intents.retrieve_async("pi_nope")
    assert missing.value.http_status == 404


async def test_card_tokens_and_stripes_test_cards(standin: StripeStandIn) -> None:
    client = client_of(standin.url)
    good = await client.v1.tokens.create_async(card("4242424242424242"))
    assert (good.object, good.type, good.used) == ("token", "card", False)
    assert good.card is not None
    assert good.card.last4 == "4242"
    held = await client.v1.payment_intents.create_async(authorization(good.id))
    assert held.status == "requires_capture"
    with pytest.raises(stripe.InvalidRequestError) as reused:  # tokens are single-use
        await client.v1.payment_intents.create_async(authorization(good.id))
    assert reused.value.code == "token_already_used"

    bad = await client.v1.tokens.create_async(card("4000000000000002"))
    for token in (bad.id, "tok_chargeDeclined"):  # declined on use, as Stripe documents
        with pytest.raises(stripe.CardError) as declined:
            await client.v1.payment_intents.create_async(authorization(token))
        assert (declined.value.code, declined.value.http_status) == ("card_declined", 402)
    with pytest.raises(stripe.CardError) as wrong:
        await client.v1.tokens.create_async(card("4242424242424241"))
    assert wrong.value.code == "incorrect_number"
    with pytest.raises(stripe.InvalidRequestError, match="No such token"):
        await client.v1.payment_intents.create_async(authorization("tok_nonsense"))
    with pytest.raises(stripe.InvalidRequestError) as small:
        await client.v1.payment_intents.create_async(authorization("tok_visa", amount=49))
    assert small.value.code == "amount_too_small"
    with pytest.raises(stripe.AuthenticationError):
        await client_of(standin.url, "sk_test_wrong").v1.payment_intents.create_async(
            authorization("tok_visa")
        )


async def test_twenty_concurrent_requests_with_one_key_create_one_intent(
    standin: StripeStandIn,
) -> None:
    intents = client_of(standin.url).v1.payment_intents
    options: Any = {"idempotency_key": "order-o1-attempt-0"}
    answers = await asyncio.gather(
        *(intents.create_async(authorization("tok_visa"), options) for _ in range(20))
    )
    assert len({answer.id for answer in answers}) == 1
    assert len(standin.intents) == 1
    with pytest.raises(stripe.IdempotencyError):  # the same key for other parameters
        await intents.create_async(authorization("tok_visa", amount=999), options)
    captures = await asyncio.gather(
        *(intents.capture_async(answers[0].id, options={"idempotency_key": "c1"}) for _ in range(5))
    )
    assert {c.status for c in captures} == {"succeeded"}  # replayed, not refused


def test_it_runs_as_its_own_process_and_prints_its_url() -> None:
    port = free_port()
    command = [sys.executable, "-m", "ticketing.stack.stripe_standin", "--port", str(port)]
    process = subprocess.Popen(command, env=python_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert f"http://127.0.0.1:{port}" in process.stdout.readline()
    finally:
        process.terminate()
        process.wait(10)
    standin = StripeStandInProcess().start()
    try:
        held = client_of(standin.url).v1.payment_intents.create(authorization("tok_visa"))
        assert held.status == "requires_capture"
        unauthorised = httpx.get(f"{standin.url}/v1/payment_intents", timeout=5)
        assert unauthorised.status_code == 401
        assert unauthorised.json()["error"]["type"] == "invalid_request_error"
    finally:
        standin.stop()
    assert standin.process is not None
    assert standin.process.poll() is not None


async def test_a_publishable_key_makes_card_tokens_and_nothing_else(
    standin: StripeStandIn,
) -> None:
    browser = stripe.StripeClient(PUBLISHABLE_KEY, base_addresses={"api": standin.url})
    token = await browser.v1.tokens.create_async(card("4242424242424242"))
    assert token.id.startswith("tok_")
    with pytest.raises(stripe.AuthenticationError):
        await browser.v1.payment_intents.create_async(authorization(token.id))
