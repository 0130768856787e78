"""The payout rules as plain functions: the fee, the seller's share, when it is released."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ticketing.payments.models import OrderReplica, Payment, Payout, PayoutAccount, PayoutStatus
from ticketing.payments.payout_rules import (
    Terms,
    booked,
    check_seller,
    due,
    fee_cents,
    quote,
    scheduled,
    transferring,
)
from ticketing.payments.tests.doubles import TERMS
from ticketing.shared.errors import NotFound
from ticketing.shared.events import OrderStatus
from ticketing.testing.fakes import offline

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
EVENT = NOW + timedelta(days=10)


@pytest.fixture(autouse=True)
async def _models() -> None:
    await offline(OrderReplica, Payment, PayoutAccount, Payout)


@pytest.mark.parametrize(
    ("cents", "fee"),
    [
        (4550, 228 + 30),  # 5 % of 45.50 is 2.275: half a cent rounds up
        (1000, 50 + 30),
        (50, 3 + 30),  # the smallest price Stripe charges
        (100_000_000, 5_000_000 + 30),
    ],
)
def test_the_fee_is_the_percentage_rounded_half_up_plus_the_fixed_part(
    cents: int, fee: int
) -> None:
    assert fee_cents(cents, TERMS) == fee


def test_the_fee_is_never_more_than_the_price() -> None:
    steep = Terms(Decimal(50), Decimal(1), timedelta(0))
    assert fee_cents(100, steep) == 100


def test_a_quote_names_the_fee_and_the_sellers_share_in_the_main_unit() -> None:
    assert quote(Decimal("45.50"), TERMS) == (Decimal("2.58"), Decimal("42.92"))
    assert quote(Decimal("10"), TERMS) == (Decimal("0.80"), Decimal("9.20"))


def sale(event_starts_at: datetime | None = EVENT) -> tuple[Payment, OrderReplica]:
    order = OrderReplica(
        id="o1",
        user_id="buyer",
        status=OrderStatus.COMPLETE,
        price=Decimal("45.50"),
        ticket_id="t1",
        expires_at=NOW,
        seller_id="seller",
        event_starts_at=event_starts_at,
    )
    payment = Payment(
        order_id="o1", user_id="buyer", stripe_id="pi_1", amount_cents=4550, created_at=NOW
    )
    return payment, order


def account(enabled: bool) -> PayoutAccount:
    return PayoutAccount(
        id="seller", stripe_account_id="acct_1", payouts_enabled=enabled, created_at=NOW
    )


def test_a_sale_books_price_fee_and_share_released_a_hold_after_the_event() -> None:
    payout = booked(*sale(), account(enabled=True), TERMS)
    assert (payout.amount_cents, payout.fee_cents, payout.net_cents) == (4550, 258, 4292)
    assert (payout.seller_id, payout.buyer_id, payout.intent_id) == ("seller", "buyer", "pi_1")
    assert payout.status == PayoutStatus.SCHEDULED
    assert payout.release_at == EVENT + timedelta(days=2)


def test_a_seller_without_a_payout_account_waits_and_is_scheduled_once_they_have_one() -> None:
    for missing in (None, account(enabled=False)):
        payout = booked(*sale(), missing, TERMS)
        assert payout.status == PayoutStatus.PENDING
    assert scheduled(payout)
    assert payout.status == PayoutStatus.SCHEDULED
    assert not scheduled(payout)  # once


def test_an_undated_sale_is_released_a_hold_after_the_payment() -> None:
    payout = booked(*sale(event_starts_at=None), None, TERMS)
    assert payout.release_at == NOW + timedelta(days=2)


def test_only_a_scheduled_payout_past_its_release_is_transferred() -> None:
    payout = booked(*sale(), account(enabled=True), TERMS)
    assert not due(payout, payout.release_at - timedelta(seconds=1))
    assert not transferring(payout, payout.release_at - timedelta(seconds=1))
    assert transferring(payout, payout.release_at)
    assert payout.status == PayoutStatus.TRANSFERRING
    assert not transferring(payout, payout.release_at)  # decided once
    for status in (PayoutStatus.PENDING, PayoutStatus.HELD, PayoutStatus.PAID):
        payout.status = status
        assert not due(payout, payout.release_at + timedelta(days=1))


def test_a_payout_is_its_sellers_alone() -> None:
    payout = booked(*sale(), None, TERMS)
    check_seller(payout, "seller")
    for other in ("buyer", "stranger"):
        with pytest.raises(NotFound):
            check_seller(payout, other)
