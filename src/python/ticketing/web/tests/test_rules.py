"""What the pages decide, as plain functions: no server starts here."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ticketing.web import rules
from ticketing.web.api import Fees, Order, OrderTicket, Payout, Ticket, User

SELLER, BUYER = User("u-seller", "s@example.com"), User("u-buyer", "b@example.com")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


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
        "event_starts_at": NOW + timedelta(days=3),
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
        ({"status": "sold", "user_id": "u-other"}, BUYER, "This ticket is sold."),
        ({"status": "admitted", "user_id": "u-other"}, BUYER, "This ticket was used at the door."),
        ({"event_starts_at": NOW}, BUYER, "The event has started."),
        ({"event_starts_at": None}, BUYER, "The seller has not said when the event starts yet."),
    ],
)
def test_reserve_says_why_not(fields: dict[str, object], visitor: User | None, reason: str) -> None:
    assert rules.reserve(ticket(**fields), visitor, NOW) == rules.Action(False, reason)


def test_an_approved_free_ticket_of_someone_else_can_be_reserved() -> None:
    assert rules.reserve(ticket(), BUYER, NOW) == rules.Action(True)


def test_only_the_seller_edits_and_not_while_reserved_or_once_bought() -> None:
    assert rules.edit(ticket(), SELLER).allowed
    assert not rules.edit(ticket(), BUYER).allowed
    assert "reserved" in str(rules.edit(ticket(order_id="o-1"), SELLER).reason)
    assert "Sell again" in str(rules.edit(ticket(status="sold"), SELLER).reason)


def test_only_the_holder_of_a_bought_ticket_sells_it_again_before_the_event() -> None:
    bought = ticket(status="sold", user_id=BUYER.id)
    assert rules.resell(bought, BUYER, NOW).allowed
    assert not rules.resell(bought, SELLER, NOW).allowed
    assert not rules.resell(ticket(status="approved", user_id=BUYER.id), BUYER, NOW).allowed
    assert rules.resell(bought, BUYER, NOW + timedelta(days=3)).reason == "The event has started."


def test_the_holder_sees_the_code_until_it_is_used() -> None:
    assert rules.show_code(ticket(), SELLER)
    assert not rules.show_code(ticket(), BUYER)
    assert not rules.show_code(ticket(), None)
    assert not rules.show_code(ticket(status="admitted"), SELLER)


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({}, "For sale"),
        ({"order_id": "o-1"}, "Reserved"),
        ({"status": "sold"}, "Sold"),
        ({"status": "admitted"}, "Used at the door"),
        ({"status": "rejected", "status_reason": "x"}, "Rejected by moderation: x"),
    ],
)
def test_where_a_ticket_is_in_words(fields: dict[str, object], said: str) -> None:
    assert rules.status(ticket(**fields)) == said


def test_the_highest_asking_price_rounds_down_to_a_cent() -> None:
    assert rules.max_price(Decimal("40.00"), Decimal("1.20")) == Decimal("48.00")
    assert rules.max_price(Decimal("33.33"), Decimal("1.20")) == Decimal("39.99")


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


@pytest.mark.parametrize(("cents", "shown"), [(0, "$0.00"), (5, "$0.05"), (4245, "$42.45")])
def test_cents_read_as_dollars(cents: int, shown: str) -> None:
    assert rules.money(cents) == shown


def payout(status: str) -> Payout:
    release = datetime(2026, 7, 3, 20, 0, tzinfo=UTC)
    return Payout("p1", "o1", "t1", 4500, 255, 4245, status, release)


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("scheduled", "Scheduled for 3 July 2026"),
        ("pending", "Waiting for your payout account"),
        ("held", "On hold: the buyer opened a dispute"),
        ("paid", "Paid"),
        ("reversed", "Refunded to the buyer; the transfer was reversed"),
    ],
)
def test_a_payout_says_where_it_is(status: str, shown: str) -> None:
    assert rules.payout_status(payout(status)) == shown


def test_the_fee_terms_in_words() -> None:
    fees = Fees("usd", Decimal("5.00"), Decimal("0.30"), 2)
    assert rules.fee_terms(fees) == (
        "The platform's fee is 5% of the price plus $0.30; sellers are paid the rest 2 days"
        " after the event."
    )
