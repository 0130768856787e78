"""The generated Python client (clients/python) walks the user story against the real edge with
bearer tokens: sign up, list a ticket, search, order, pay, read the order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx

from ticketing.stack.story import TEST_CARD, account, until
from ticketing_client import AuthenticatedClient, Client
from ticketing_client.api.orders import get_order, place_order
from ticketing_client.api.payments import pay
from ticketing_client.api.tickets import create_ticket, get_ticket, list_tickets
from ticketing_client.api.users import current_user, sign_up
from ticketing_client.models import (
    NewAccount,
    OrderIn,
    OrderOut,
    OrderStatus,
    PaymentIn,
    PaymentOut,
    Problem,
    SignedIn,
    TicketIn,
    TicketOut,
    TicketPage,
)

TIMEOUT = httpx.Timeout(30)


def signed_up(edge: str, role: str) -> AuthenticatedClient:
    body = NewAccount.from_dict(account(role, uuid4().hex[:8]))
    answer = sign_up.sync(client=Client(base_url=edge), body=body)
    assert isinstance(answer, SignedIn), answer
    assert answer.token
    return AuthenticatedClient(base_url=edge, token=answer.token, timeout=TIMEOUT)


def test_the_generated_client_walks_the_story_with_bearer_tokens(edge: str) -> None:
    seller, buyer = signed_up(edge, "seller"), signed_up(edge, "buyer")
    me = current_user.sync(client=buyer)
    assert me is not None
    assert not isinstance(me, Problem)
    assert me.current_user is not None
    title = f"Client story {uuid4().hex[:8]}"
    listing = TicketIn(
        title=title,
        price=42.5,  # a JSON number, as a client of the original API sends it
        face_value="40.00",
        event_starts_at=datetime.now(UTC) + timedelta(days=30),
        venue="Town Hall",
    )
    ticket = create_ticket.sync(client=seller, body=listing, idempotency_key=uuid4().hex)
    assert isinstance(ticket, TicketOut), ticket
    assert ticket.price == "42.50"
    # A stranger's client finds it once moderation has approved it.
    anonymous = Client(base_url=edge, timeout=TIMEOUT)

    def found() -> TicketOut | None:
        page = list_tickets.sync(client=anonymous, title=title)
        assert isinstance(page, TicketPage), page
        return next((t for t in page.results if t.id == ticket.id), None)

    assert until("the ticket in the list", found).title == title
    keys: list[str] = []  # a key names one request: a "not yet" answer is kept for its key

    def ordered() -> OrderOut | None:
        keys.append(uuid4().hex)
        answer = place_order.sync(client=buyer, body=OrderIn(ticket.id), idempotency_key=keys[-1])
        return answer if isinstance(answer, OrderOut) else None  # not approved there yet

    order = until("an order", ordered)
    assert order.status == OrderStatus.CREATED

    def paid() -> PaymentOut | None:
        body = PaymentIn(order.id, TEST_CARD)
        answer = pay.sync(client=buyer, body=body, idempotency_key=uuid4().hex)
        return answer if isinstance(answer, PaymentOut) else None  # payments has not heard

    assert until("a payment", paid).order_id == order.id

    def complete() -> OrderOut | None:
        answer = get_order.sync(order.id, client=buyer)
        assert isinstance(answer, OrderOut), answer
        return answer if answer.status == OrderStatus.COMPLETE else None

    assert until("the order complete", complete).payment_id is not None
    # The same key again: the first answer, no second order.
    again = place_order.sync(client=buyer, body=OrderIn(ticket.id), idempotency_key=keys[-1])
    assert isinstance(again, OrderOut)
    assert again.id == order.id
    # A stranger may not read the order; the ticket now belongs to the buyer.
    refused = get_order.sync_detailed(order.id, client=signed_up(edge, "stranger"))
    assert refused.status_code == 403
    assert isinstance(refused.parsed, Problem)
    sold = get_ticket.sync(ticket.id, client=anonymous)
    assert isinstance(sold, TicketOut)
    assert sold.status.value == "sold"
