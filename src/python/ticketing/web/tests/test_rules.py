"""What the pages decide, as plain functions: no server starts here."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ticketing.web import rules
from ticketing.web.api import Order, OrderTicket, Ticket, User

SELLER, BUYER = User("u-seller", "s@example.com"), User("u-buyer", "b@example.com")


def ticket(**fields: object) -> Ticket:
    base: dict[str, object] = {
        "id": "t-1",
        "title": "Gig",
        "price": Decimal("10.00"),
        "user_id": SELLER.id,
        "order_id": None,
        "status": "approved",
        "status_reason": None,
        "version": 1,
    }
    return Ticket(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "visitor", "reason"),
    [
        ({}, None, "Sign in to reserve this ticket."),
        ({}, SELLER, "This is your own ticket."),
        ({"order_id": "o-1"}, BUYER, "Someone has reserved this ticket."),
        ({"status": "waiting_moderation"}, BUYER, "This ticket is waiting for moderation."),
        (
            {"status": "rejected", "status_reason": "listed word"},
            BUYER,
            "Moderation rejected this ticket: listed word.",
        ),
    ],
)
def test_reserve_says_why_not(fields: dict[str, object], visitor: User | None, reason: str) -> None:
    assert rules.reserve(ticket(**fields), visitor) == rules.Action(False, reason)


def test_an_approved_free_ticket_of_someone_else_can_be_reserved() -> None:
    assert rules.reserve(ticket(), BUYER) == rules.Action(True)


def test_only_the_seller_edits_and_not_while_reserved() -> None:
    assert rules.edit(ticket(), SELLER).allowed
    assert not rules.edit(ticket(), BUYER).allowed
    assert "reserved" in str(rules.edit(ticket(order_id="o-1"), SELLER).reason)


def test_seconds_left_counts_down_only_for_an_open_order() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    gig = OrderTicket("t", "Gig", Decimal(1))
    order = Order("o-1", "created", now + timedelta(seconds=90), gig, "u", 1)
    assert rules.seconds_left(order, now) == 90
    assert rules.seconds_left(order, now + timedelta(minutes=5)) == 0
    order.status = "complete"
    assert rules.seconds_left(order, now) == 0


def test_field_errors_come_from_problem_details() -> None:
    problem = {"errors": [{"field": "title", "message": "title must not be empty"}]}
    assert rules.field_errors(problem) == {"title": "title must not be empty"}
    assert rules.field_errors({"field": "email", "detail": "taken"}) == {"email": "taken"}
    assert rules.field_errors({"detail": "wrong email or password"}) == {
        "form": "wrong email or password"
    }


def test_card_fields_in_stripes_format() -> None:
    assert rules.card("4242 4242 4242 4242", "1/34", "123") == {
        "card[number]": "4242424242424242",
        "card[exp_month]": "1",
        "card[exp_year]": "2034",
        "card[cvc]": "123",
    }


@pytest.mark.parametrize(
    ("number", "expiry", "cvc", "field"),
    [
        ("4242", "12/34", "123", "number"),
        ("4242 4242 4242 424x", "12/34", "123", "number"),
        ("4242424242424242", "13/34", "123", "expiry"),
        ("4242424242424242", "1234", "123", "expiry"),
        ("4242424242424242", "12/34", "12", "cvc"),
    ],
)
def test_bad_card_fields_name_the_field(number: str, expiry: str, cvc: str, field: str) -> None:
    with pytest.raises(rules.CardError) as raised:
        rules.card(number, expiry, cvc)
    assert raised.value.field == field
