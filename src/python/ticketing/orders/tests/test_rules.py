"""The order rules as plain functions: no server starts here."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ticketing.orders.domain import accepts_payment
from ticketing.orders.models import Order
from ticketing.shared.events import OrderStatus

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def order(status: OrderStatus, expires_in: timedelta) -> Order:
    return Order.model_construct(
        id="o-1",
        user_id="u-1",
        status=status,
        expires_at=NOW + expires_in,
        ticket_id="t-1",
        ticket_title="Gig",
        ticket_price=Decimal("10.00"),
        version=0,
    )


@pytest.mark.parametrize(
    ("status", "expires_in", "accepted"),
    [
        (OrderStatus.CREATED, timedelta(seconds=1), True),
        (OrderStatus.CREATED, timedelta(0), False),  # the reservation has run out
        (OrderStatus.CREATED, timedelta(seconds=-5), False),
        (OrderStatus.CANCELLED, timedelta(minutes=5), False),
        (OrderStatus.COMPLETE, timedelta(minutes=5), False),  # paid once already
    ],
)
def test_a_payment_completes_only_an_open_unexpired_order(
    status: OrderStatus, expires_in: timedelta, accepted: bool
) -> None:
    assert accepts_payment(order(status, expires_in), NOW) is accepted
