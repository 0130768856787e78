from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ticketing.shared import events

SAMPLES: list[events.Event] = [
    events.TicketCreated(id="t1", version=0, title="Gig", price=Decimal("10.50"), user_id="u1"),
    events.TicketUpdated(
        id="t1", version=3, title="Gig", price=Decimal("12"), user_id="u1", order_id="o1"
    ),
    events.TicketSold(
        id="t1",
        version=4,
        title="Gig",
        price=Decimal("12"),
        user_id="u2",
        status=events.TicketStatus.SOLD,
        event_starts_at=datetime(2027, 6, 5, 19, 30, tzinfo=UTC),
        sales=1,
        order_id="o1",
        seller_id="u1",
    ),
    events.TicketAdmitted(
        id="t1",
        version=5,
        title="Gig",
        price=Decimal("12"),
        user_id="u2",
        status=events.TicketStatus.ADMITTED,
        sales=1,
        admitted_at=datetime(2027, 6, 5, 19, 2, tzinfo=UTC),
    ),
    events.TicketApproved(id="t1", version=1, case_id="c1"),
    events.TicketRejected(id="t1", version=1, case_id="c1", reason="listed word: scam"),
    events.OrderCreated(
        id="o1",
        version=0,
        status=events.OrderStatus.CREATED,
        user_id="u2",
        expires_at=datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
        ticket=events.OrderTicket(id="t1", price=Decimal("10.50"), user_id="u1"),
    ),
    events.OrderCancelled(id="o1", version=1, ticket_id="t1"),
    events.OrderCompleted(id="o1", version=1, payment_id="p1", ticket_id="t1", user_id="buyer"),
    events.ExpirationComplete(id="o1", version=0),
    events.PaymentAuthorized(id="p1", version=0, order_id="o1"),
    events.SellerPayoutsEnabled(id="u1", version=0, stripe_account_id="acct_1"),
    events.DisputeOpened(
        id="d1",
        version=0,
        order_id="o1",
        user_id="u2",
        reason="refused_at_door",
        status=events.DisputeStatus.OPEN,
    ),
    events.DisputeResolved(
        id="d1",
        version=1,
        order_id="o1",
        user_id="u2",
        reason="refused_at_door",
        status=events.DisputeStatus.REFUNDED,
    ),
    events.PaymentRefunded(id="po1", version=2, order_id="o1", amount_cents=1050, reversed=True),
]


def test_every_event_has_a_sample_and_a_unique_subject() -> None:
    assert {type(e) for e in SAMPLES} == set(events.ALL_EVENTS)
    assert len(events.BY_SUBJECT) == len(events.ALL_EVENTS)


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.SUBJECT)
def test_round_trip(event: events.Event) -> None:
    decoded = events.decode(events.encode(event), type(event))
    assert decoded == event
    assert events.BY_SUBJECT[event.SUBJECT] is type(event)


def test_prices_travel_as_exact_decimals() -> None:
    raw = events.encode(SAMPLES[0])
    assert b'"price":"10.50"' in raw


@pytest.mark.parametrize(
    ("payload", "complaint"),
    [
        (b"not json", "malformed"),
        (b'{"id": "t1", "version": -1, "title": "x", "price": "1", "user_id": "u"}', "version"),
        (b'{"id": "", "version": 0, "title": "x", "price": "1", "user_id": "u"}', "id"),
        (b'{"id": "t1", "version": 0, "price": "1", "user_id": "u"}', "title"),
        (b'{"id": "t1", "version": 0, "title": "x", "price": "abc", "user_id": "u"}', "price"),
    ],
)
def test_malformed_payloads_are_rejected_with_a_clear_error(payload: bytes, complaint: str) -> None:
    with pytest.raises(events.MalformedEvent) as raised:
        events.decode(payload, events.TicketCreated)
    message = str(raised.value)
    assert message.startswith("ticket.created:")
    assert complaint in message.lower()


def test_json_schema_names_required_fields() -> None:
    schema = events.json_schema(events.OrderCreated)
    definition = schema["$defs"]["OrderCreated"]
    assert {"id", "version", "ticket", "expires_at"} <= set(definition["required"])
