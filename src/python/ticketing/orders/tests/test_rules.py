"""The order rules as plain functions: no server starts here."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ticketing.orders.domain import accepts_payment, check_orderable
from ticketing.orders.models import Order, TicketReplica
from ticketing.shared.errors import Conflict, Forbidden
from ticketing.shared.events import OrderStatus, TicketStatus

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


def ticket(status: TicketStatus, seller: str = "seller") -> TicketReplica:
    return TicketReplica.model_construct(
        id="t-1", version=1, title="Gig", price=Decimal("10.00"), user_id=seller, status=status
    )


def test_anyone_but_the_seller_may_order_an_approved_ticket() -> None:
    check_orderable(ticket(TicketStatus.APPROVED), "buyer")
    with pytest.raises(Forbidden):
        check_orderable(ticket(TicketStatus.APPROVED), "seller")


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (TicketStatus.WAITING_MODERATION, "still being screened"),
        (TicketStatus.REJECTED, "moderation rejected it"),
    ],
)
def test_a_ticket_moderation_has_not_approved_cannot_be_ordered(
    status: TicketStatus, reason: str
) -> None:
    with pytest.raises(Conflict, match=reason) as refused:
        check_orderable(ticket(status), "buyer")
    assert refused.value.extra == {"ticket_status": status}
