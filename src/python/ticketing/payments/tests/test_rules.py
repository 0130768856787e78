"""The payment rules as plain functions: no server starts here."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ticketing.payments.models import OrderReplica, Payment, PaymentStatus
from ticketing.payments.rules import (
    authorized_event,
    cents,
    check_payable,
    decided,
    recorded,
)
from ticketing.shared import events
from ticketing.shared.errors import Conflict
from ticketing.shared.events import OrderStatus

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("0.50", 50), ("45.50", 4550), ("19.99", 1999), ("1000000.00", 100000000), ("0.1", 10)],
)
def test_an_amount_is_counted_in_whole_cents_exactly(amount: str, expected: int) -> None:
    assert cents(Decimal(amount)) == expected


def test_a_fraction_of_a_cent_is_refused_rather_than_rounded() -> None:
    with pytest.raises(ValueError, match="whole number of cents"):
        cents(Decimal("1.005"))


def order(
    status: OrderStatus = OrderStatus.CREATED,
    expires_in: timedelta = timedelta(minutes=5),
    payment_id: str | None = None,
) -> OrderReplica:
    return OrderReplica.model_construct(
        id="o-1",
        version=0,
        source_version=0,
        user_id="buyer",
        status=status,
        price=Decimal("45.50"),
        ticket_id="t-1",
        expires_at=NOW + expires_in,
        attempt=0,
        payment_id=payment_id,
    )


def test_an_open_unexpired_unpaid_order_may_be_paid() -> None:
    check_payable(order(), NOW)


@pytest.mark.parametrize(
    ("given", "why"),
    [
        (order(OrderStatus.CANCELLED), "cancelled"),
        (order(payment_id="p-0"), "paid already"),
        (order(OrderStatus.COMPLETE), "paid already"),
        (order(expires_in=timedelta(0)), "expired"),
    ],
)
def test_a_cancelled_paid_or_expired_order_may_not(given: OrderReplica, why: str) -> None:
    with pytest.raises(Conflict, match=why):
        check_payable(given, NOW)


def payment(status: PaymentStatus = PaymentStatus.AUTHORIZED) -> Payment:
    return Payment.model_construct(
        id="p-1",
        version=0,
        order_id="o-1",
        user_id="buyer",
        stripe_id="pi_1",
        amount_cents=4550,
        status=status,
    )


def test_a_payment_recorded_on_an_open_order_is_authorised_and_announced() -> None:
    open_order, paid = order(), payment()
    recorded(open_order, paid)
    assert (open_order.payment_id, paid.status) == ("p-1", PaymentStatus.AUTHORIZED)
    announced = authorized_event(paid)
    assert announced == events.PaymentAuthorized(id="p-1", version=0, order_id="o-1")


def test_a_payment_for_an_order_cancelled_meanwhile_is_released_and_not_announced() -> None:
    cancelled, paid = order(OrderStatus.CANCELLED), payment()
    recorded(cancelled, paid)
    assert (cancelled.payment_id, paid.status) == (None, PaymentStatus.VOIDING)
    assert authorized_event(paid) is None


@pytest.mark.parametrize("decision", [PaymentStatus.CAPTURING, PaymentStatus.VOIDING])
def test_only_an_authorised_payment_takes_a_decision(decision: PaymentStatus) -> None:
    authorised = payment()
    assert decided(authorised, decision) is True
    assert authorised.status == decision
    for later in (PaymentStatus.CAPTURED, PaymentStatus.VOIDED, PaymentStatus.CAPTURING):
        settled = payment(later)
        assert decided(settled, decision) is False
        assert settled.status == later
