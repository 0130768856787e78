"""The order rules as plain functions: no server starts here."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ticketing.orders.models import Order, TicketReplica
from ticketing.orders.rules import (
    Payment,
    cancelled_event,
    check_orderable,
    created_event,
    must_cancel,
    payment_outcome,
)
from ticketing.shared import events
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
        seller_id="s-1",
        version=0,
    )


@pytest.mark.parametrize(
    ("status", "expires_in", "outcome"),
    [
        (OrderStatus.CREATED, timedelta(seconds=1), Payment.COMPLETES),
        (OrderStatus.CREATED, timedelta(0), Payment.TOO_LATE),  # the reservation has run out
        (OrderStatus.CREATED, timedelta(seconds=-5), Payment.TOO_LATE),
        (OrderStatus.CANCELLED, timedelta(minutes=5), Payment.MOOT),
        (OrderStatus.COMPLETE, timedelta(minutes=5), Payment.MOOT),  # paid once already
    ],
)
def test_a_payment_completes_only_an_open_unexpired_order(
    status: OrderStatus, expires_in: timedelta, outcome: Payment
) -> None:
    assert payment_outcome(order(status, expires_in), NOW) is outcome


def test_a_created_order_is_cancelled_a_cancelled_one_stays_a_complete_one_cannot_be() -> None:
    assert must_cancel(order(OrderStatus.CREATED, timedelta(minutes=5))) is True
    assert must_cancel(order(OrderStatus.CANCELLED, timedelta(minutes=5))) is False
    with pytest.raises(Conflict, match="completed order"):
        must_cancel(order(OrderStatus.COMPLETE, timedelta(minutes=5)))


def test_an_order_announces_its_ticket_and_seller_and_its_cancellation_the_ticket() -> None:
    placed = order(OrderStatus.CREATED, timedelta(minutes=15))
    created = created_event(placed)
    assert created.ticket == events.OrderTicket(id="t-1", price=Decimal("10.00"), user_id="s-1")
    assert (created.id, created.version, created.user_id) == ("o-1", 0, "u-1")
    assert created.expires_at == NOW + timedelta(minutes=15)
    assert cancelled_event(placed) == events.OrderCancelled(id="o-1", version=0, ticket_id="t-1")


def ticket(status: TicketStatus, seller: str = "seller") -> TicketReplica:
    return TicketReplica.model_construct(
        id="t-1",
        version=1,
        source_version=1,
        title="Gig",
        price=Decimal("10.00"),
        user_id=seller,
        status=status,
        event_starts_at=NOW + timedelta(days=1),
    )


def test_anyone_but_the_seller_may_order_an_approved_ticket() -> None:
    check_orderable(ticket(TicketStatus.APPROVED), "buyer", NOW)
    with pytest.raises(Forbidden):
        check_orderable(ticket(TicketStatus.APPROVED), "seller", NOW)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (TicketStatus.WAITING_MODERATION, "still being screened"),
        (TicketStatus.REJECTED, "moderation rejected it"),
        (TicketStatus.SOLD, "it is sold"),
        (TicketStatus.ADMITTED, "used at the door"),
    ],
)
def test_a_ticket_moderation_has_not_approved_cannot_be_ordered(
    status: TicketStatus, reason: str
) -> None:
    with pytest.raises(Conflict, match=reason) as refused:
        check_orderable(ticket(status), "buyer", NOW)
    assert refused.value.extra == {"ticket_status": status}


def test_a_ticket_is_orderable_until_its_event_starts_and_only_with_a_date() -> None:
    listed = ticket(TicketStatus.APPROVED)
    assert listed.event_starts_at is not None
    check_orderable(listed, "buyer", listed.event_starts_at - timedelta(milliseconds=1))
    with pytest.raises(Conflict, match="the event has started"):
        check_orderable(listed, "buyer", listed.event_starts_at)
    listed.event_starts_at = None  # listed before events were dated
    with pytest.raises(Conflict, match="no event date"):
        check_orderable(listed, "buyer", NOW)
