"""The tickets use cases on in-memory fakes: listing, editing, reservation by orders and
moderation's verdicts, duplicates and overtaking events included. No server starts here."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden, InvalidInput
from ticketing.shared.events import TicketStatus
from ticketing.shared.messaging import RetryLater
from ticketing.shared.permissions import RelationTuple
from ticketing.testing.fakes import FakeContext, offline
from ticketing.tickets import use_cases
from ticketing.tickets.models import Ticket


@pytest.fixture
async def ctx() -> FakeContext:
    await offline(Ticket)
    return FakeContext()


def ordered(ticket: Ticket, order_id: str) -> events.OrderCreated:
    return events.OrderCreated(
        id=order_id,
        version=0,
        status=events.OrderStatus.CREATED,
        user_id="buyer",
        expires_at=datetime(2026, 6, 1, tzinfo=UTC),
        ticket=events.OrderTicket(id=ticket.id, price=ticket.price, user_id=ticket.user_id),
    )


async def stored(ctx: FakeContext, ticket_id: str) -> Ticket:
    ticket = await ctx.store.get(Ticket, ticket_id)
    assert ticket is not None
    return ticket


async def test_listing_announces_the_ticket_and_makes_the_seller_its_owner(
    ctx: FakeContext,
) -> None:
    ticket = await use_cases.create(ctx, "seller", "  Quartet   night ", "42.5")
    assert (ticket.title, ticket.price, ticket.status) == (
        "Quartet night",
        Decimal("42.50"),
        TicketStatus.WAITING_MODERATION,
    )
    [created] = ctx.store.published(events.TicketCreated)
    assert (created.id, created.version, created.title) == (ticket.id, 0, "Quartet night")
    assert RelationTuple("Ticket", ticket.id, "owners", "seller") in ctx.permissions.tuples


async def test_a_bad_listing_is_refused_and_nothing_is_written(ctx: FakeContext) -> None:
    with pytest.raises(InvalidInput):
        await use_cases.create(ctx, "seller", "Gig", "0.10")
    assert ctx.store.commits == 0


async def test_only_the_owner_edits_and_a_new_title_is_screened_again(ctx: FakeContext) -> None:
    ticket = await use_cases.create(ctx, "seller", "Gig", "20")
    with pytest.raises(Forbidden):
        await use_cases.update(ctx, "stranger", ticket.id, "Mine now", "1")
    edited = await use_cases.update(ctx, "seller", ticket.id, "Gig, front row", "25")
    assert (edited.version, edited.title_version, edited.status) == (
        1,
        1,
        TicketStatus.WAITING_MODERATION,
    )
    [updated] = ctx.store.published(events.TicketUpdated)
    assert (updated.version, updated.title_changed) == (1, True)
    repriced = await use_cases.update(ctx, "seller", ticket.id, "Gig, front row", "30")
    assert repriced.title_version == 1  # same title: not screened again
    assert ctx.store.published(events.TicketUpdated)[-1].title_changed is False


async def test_a_reserved_ticket_cannot_be_edited_until_released(ctx: FakeContext) -> None:
    ticket = await use_cases.create(ctx, "seller", "Gig", "20")
    await use_cases.reserve(ctx, ordered(ticket, "o1"))
    with pytest.raises(Conflict, match="reserved"):
        await use_cases.update(ctx, "seller", ticket.id, "Gig", "30")
    await use_cases.release(ctx, events.OrderCancelled(id="o1", version=1, ticket_id=ticket.id))
    assert (await use_cases.update(ctx, "seller", ticket.id, "Gig", "30")).price == Decimal("30")


async def test_an_edit_that_lost_a_race_is_a_conflict_to_reload(ctx: FakeContext) -> None:
    ticket = await use_cases.create(ctx, "seller", "Gig", "20")
    ctx.store.race(lambda: use_cases.reserve(ctx, ordered(ticket, "o1")))  # while editing
    with pytest.raises(Conflict, match="changed while you were editing"):
        await use_cases.update(ctx, "seller", ticket.id, "Gig", "30")
    now = await stored(ctx, ticket.id)
    assert (now.order_id, now.price) == ("o1", Decimal("20.00"))


async def test_a_second_order_waits_while_the_first_holds_the_ticket(ctx: FakeContext) -> None:
    ticket = await use_cases.create(ctx, "seller", "Gig", "20")
    await use_cases.reserve(ctx, ordered(ticket, "o1"))
    await use_cases.reserve(ctx, ordered(ticket, "o1"))  # a duplicate
    with pytest.raises(RetryLater):
        await use_cases.reserve(ctx, ordered(ticket, "o2"))
    await use_cases.release(ctx, events.OrderCancelled(id="o1", version=1, ticket_id=ticket.id))
    await use_cases.reserve(ctx, ordered(ticket, "o2"))
    assert (await stored(ctx, ticket.id)).order_id == "o2"


async def test_a_cancellation_that_overtook_its_order_keeps_the_ticket_free(
    ctx: FakeContext,
) -> None:
    ticket = await use_cases.create(ctx, "seller", "Gig", "20")
    await use_cases.release(ctx, events.OrderCancelled(id="o1", version=1, ticket_id=ticket.id))
    await use_cases.reserve(ctx, ordered(ticket, "o1"))
    assert (await stored(ctx, ticket.id)).order_id is None


async def test_a_verdict_applies_to_the_title_it_screened_only(ctx: FakeContext) -> None:
    ticket = await use_cases.create(ctx, "seller", "Gig", "20")
    await use_cases.update(ctx, "seller", ticket.id, "Gig, retitled", "20")  # title_version 1
    await use_cases.apply_verdict(ctx, events.TicketApproved(id=ticket.id, version=0, case_id="c0"))
    assert (await stored(ctx, ticket.id)).status == TicketStatus.WAITING_MODERATION
    rejected = events.TicketRejected(id=ticket.id, version=1, case_id="c1", reason="listed word")
    await use_cases.apply_verdict(ctx, rejected)
    await use_cases.apply_verdict(ctx, rejected)  # a duplicate changes nothing
    now = await stored(ctx, ticket.id)
    assert (now.status, now.status_reason, now.version) == (
        TicketStatus.REJECTED,
        "listed word",
        2,
    )
