"""The tickets use cases on in-memory fakes: listing within the cap, editing, reservation by
orders, moderation's verdicts, the sale that hands the ticket to its buyer, resale, codes and
the door. Duplicates, overtaking events and races included. No server starts here."""

from datetime import timedelta
from decimal import Decimal

import pytest

from ticketing.shared import events
from ticketing.shared.errors import Conflict, Forbidden, InvalidInput
from ticketing.shared.events import TicketStatus
from ticketing.shared.messaging import RetryLater
from ticketing.shared.permissions import RelationTuple
from ticketing.testing.fakes import FakeContext, offline
from ticketing.tickets import use_cases
from ticketing.tickets.codes import CodeKeys
from ticketing.tickets.models import Payee, Ticket
from ticketing.tickets.rules import DEFAULT_CAP, Edit, Listing

CAP = DEFAULT_CAP
KEYS = CodeKeys.from_json(CodeKeys.generate("test"))


@pytest.fixture
async def ctx() -> FakeContext:
    await offline(Ticket, Payee)
    return FakeContext()


def listing(ctx: FakeContext, title: str = "Gig", price: str = "20", face: str = "20") -> Listing:
    return Listing(
        title, Decimal(price), Decimal(face), ctx.clock.now() + timedelta(days=30), "The Hall"
    )


async def list_ticket(ctx: FakeContext, **given: str) -> Ticket:
    return await use_cases.create(ctx, "seller", listing(ctx, **given), CAP)


def ordered(ticket: Ticket, order_id: str, buyer: str = "buyer") -> events.OrderCreated:
    return events.OrderCreated(
        id=order_id,
        version=0,
        status=events.OrderStatus.CREATED,
        user_id=buyer,
        expires_at=ticket.created_at + timedelta(minutes=15),
        ticket=events.OrderTicket(id=ticket.id, price=ticket.price, user_id=ticket.user_id),
    )


def completed(ticket: Ticket, order_id: str, buyer: str = "buyer") -> events.OrderCompleted:
    return events.OrderCompleted(
        id=order_id, version=1, payment_id="p", ticket_id=ticket.id, user_id=buyer
    )


async def stored(ctx: FakeContext, ticket_id: str) -> Ticket:
    ticket = await ctx.store.get(Ticket, ticket_id)
    assert ticket is not None
    return ticket


async def sell_to(ctx: FakeContext, ticket: Ticket, buyer: str, order_id: str) -> Ticket:
    await use_cases.reserve(ctx, ordered(ticket, order_id, buyer))
    await use_cases.sell(ctx, completed(ticket, order_id, buyer))
    return await stored(ctx, ticket.id)


async def test_listing_announces_the_ticket_and_makes_the_seller_its_holder(
    ctx: FakeContext,
) -> None:
    ticket = await list_ticket(ctx, title="  Quartet   night ", price="42.5", face="40")
    assert (ticket.title, ticket.price, ticket.face_value, ticket.status) == (
        "Quartet night",
        Decimal("42.50"),
        Decimal("40.00"),
        TicketStatus.WAITING_MODERATION,
    )
    [created] = ctx.store.published(events.TicketCreated)
    assert (created.id, created.event_starts_at) == (ticket.id, ticket.event_starts_at)
    assert RelationTuple("Ticket", ticket.id, "owners", "seller") in ctx.permissions.tuples
    assert [h.user_id for h in ticket.holders] == ["seller"]


async def test_a_price_over_the_cap_is_refused_naming_the_highest_allowed(
    ctx: FakeContext,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await list_ticket(ctx, price="48.01", face="40")
    assert refused.value.extra["max_price"] == "48.00"
    assert refused.value.extra["rule"] == "price-cap"
    assert (await list_ticket(ctx, price="48.00", face="40")).price == Decimal("48.00")


async def test_an_event_in_the_past_cannot_be_listed(ctx: FakeContext) -> None:
    past = Listing("Gig", Decimal(20), Decimal(20), ctx.clock.now() - timedelta(minutes=1))
    with pytest.raises(InvalidInput, match="future"):
        await use_cases.create(ctx, "seller", past, CAP)
    assert ctx.store.commits == 0


async def test_only_the_holder_edits_and_a_new_title_is_screened_again(ctx: FakeContext) -> None:
    ticket = await list_ticket(ctx)
    with pytest.raises(Forbidden):
        await use_cases.update(ctx, "stranger", ticket.id, Edit("Mine now", Decimal("1")), CAP)
    edited = await use_cases.update(
        ctx, "seller", ticket.id, Edit("Gig, front row", Decimal("22")), CAP
    )
    assert (edited.version, edited.title_version, edited.status) == (
        1,
        1,
        TicketStatus.WAITING_MODERATION,
    )
    assert ctx.store.published(events.TicketUpdated)[-1].title_changed is True
    with pytest.raises(InvalidInput, match="at most 24.00"):
        await use_cases.update(ctx, "seller", ticket.id, Edit("Gig, front row", Decimal("25")), CAP)


async def test_an_edit_that_lost_a_race_is_a_conflict_to_reload(ctx: FakeContext) -> None:
    ticket = await list_ticket(ctx)
    ctx.store.race(lambda: use_cases.reserve(ctx, ordered(ticket, "o1")))  # while editing
    with pytest.raises(Conflict, match="changed; reload and retry"):
        await use_cases.update(ctx, "seller", ticket.id, Edit("Gig", Decimal("21")), CAP)
    now = await stored(ctx, ticket.id)
    assert (now.order_id, now.price) == ("o1", Decimal("20.00"))


async def test_a_second_order_waits_while_the_first_holds_the_ticket(ctx: FakeContext) -> None:
    ticket = await list_ticket(ctx)
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
    ticket = await list_ticket(ctx)
    await use_cases.release(ctx, events.OrderCancelled(id="o1", version=1, ticket_id=ticket.id))
    await use_cases.reserve(ctx, ordered(ticket, "o1"))
    assert (await stored(ctx, ticket.id)).order_id is None


async def test_a_verdict_applies_to_the_title_it_screened_only(ctx: FakeContext) -> None:
    ticket = await list_ticket(ctx)
    await use_cases.update(ctx, "seller", ticket.id, Edit("Gig, retitled", Decimal("20")), CAP)
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


async def test_a_sale_hands_the_ticket_and_its_ownership_to_the_buyer_once(
    ctx: FakeContext,
) -> None:
    ticket = await list_ticket(ctx)
    await use_cases.reserve(ctx, ordered(ticket, "o1"))
    await use_cases.sell(ctx, completed(ticket, "o1"))
    await use_cases.sell(ctx, completed(ticket, "o1"))  # a duplicate
    sold = await stored(ctx, ticket.id)
    assert (sold.status, sold.user_id, sold.order_id, sold.sales) == (
        TicketStatus.SOLD,
        "buyer",
        None,
        1,
    )
    assert [(h.user_id, h.order_id) for h in sold.holders] == [("seller", None), ("buyer", "o1")]
    [announced] = ctx.store.published(events.TicketSold)
    assert (announced.user_id, announced.seller_id, announced.order_id) == ("buyer", "seller", "o1")
    owners = {t.subject_id for t in ctx.permissions.tuples if t.object == ticket.id}
    assert owners == {"buyer"}
    with pytest.raises(Forbidden):
        await use_cases.update(ctx, "seller", ticket.id, Edit("Still mine", Decimal("20")), CAP)


async def test_a_completion_before_its_reservation_waits(ctx: FakeContext) -> None:
    ticket = await list_ticket(ctx)
    with pytest.raises(RetryLater):
        await use_cases.sell(ctx, completed(ticket, "o1"))


async def test_the_holder_resells_within_the_cap_of_the_face_value(ctx: FakeContext) -> None:
    ticket = await sell_to(ctx, await list_ticket(ctx, face="20"), "buyer", "o1")
    with pytest.raises(Forbidden):
        await use_cases.resell(ctx, "seller", ticket.id, Decimal("21"), CAP)
    with pytest.raises(InvalidInput, match="at most 24.00"):
        await use_cases.resell(ctx, "buyer", ticket.id, Decimal("30"), CAP)
    relisted = await use_cases.resell(ctx, "buyer", ticket.id, Decimal("24"), CAP)
    assert (relisted.status, relisted.price) == (TicketStatus.APPROVED, Decimal("24.00"))
    assert ctx.store.published(events.TicketUpdated)[-1].title_changed is False
    resold = await sell_to(ctx, relisted, "third", "o2")
    assert [h.user_id for h in resold.holders] == ["seller", "buyer", "third"]
    with pytest.raises(Conflict, match="POST .../resale"):
        await use_cases.update(ctx, "third", ticket.id, Edit("Gig", Decimal("20")), CAP)
    await use_cases.resell(ctx, "third", ticket.id, Decimal("20"), CAP)
    with pytest.raises(Conflict, match="cannot change once the ticket was sold"):
        await use_cases.update(
            ctx, "third", ticket.id, Edit("Gig", Decimal("20"), face_value=Decimal("99")), CAP
        )


async def test_a_code_admits_its_holder_once(ctx: FakeContext) -> None:
    ticket = await list_ticket(ctx)
    _, code = await use_cases.code(ctx, KEYS, "seller", ticket.id)
    with pytest.raises(Forbidden):
        await use_cases.code(ctx, KEYS, "stranger", ticket.id)
    admitted = await use_cases.admit(ctx, KEYS, code)
    assert (admitted.status, admitted.admitted_at) == (TicketStatus.ADMITTED, ctx.clock.now())
    with pytest.raises(Conflict, match="already admitted") as again:
        await use_cases.admit(ctx, KEYS, code)
    assert again.value.extra["admitted_at"] == ctx.clock.now().isoformat()
    with pytest.raises(Conflict, match="admitted at the door"):
        await use_cases.update(ctx, "seller", ticket.id, Edit("Gig", Decimal("20")), CAP)
    assert len(ctx.store.published(events.TicketAdmitted)) == 1


async def test_the_previous_holders_code_is_void_after_the_sale(ctx: FakeContext) -> None:
    ticket = await list_ticket(ctx)
    _, sellers_code = await use_cases.code(ctx, KEYS, "seller", ticket.id)
    await sell_to(ctx, ticket, "buyer", "o1")
    with pytest.raises(Conflict, match="void"):
        await use_cases.admit(ctx, KEYS, sellers_code)
    _, buyers_code = await use_cases.code(ctx, KEYS, "buyer", ticket.id)
    assert (await use_cases.admit(ctx, KEYS, buyers_code)).user_id == "buyer"


async def test_a_scan_racing_a_sale_never_admits_a_voided_code(ctx: FakeContext) -> None:
    ticket = await list_ticket(ctx)
    _, sellers_code = await use_cases.code(ctx, KEYS, "seller", ticket.id)
    await use_cases.reserve(ctx, ordered(ticket, "o1"))
    # The order is paid between the scan's read and its commit.
    ctx.store.race(lambda: use_cases.sell(ctx, completed(ticket, "o1")))
    with pytest.raises(Conflict):
        await use_cases.admit(ctx, KEYS, sellers_code)
    assert (await stored(ctx, ticket.id)).admitted_at is None


async def test_two_scans_at_once_admit_exactly_one(ctx: FakeContext) -> None:
    ticket = await list_ticket(ctx)
    _, code = await use_cases.code(ctx, KEYS, "seller", ticket.id)
    ctx.store.race(lambda: use_cases.admit(ctx, KEYS, code))  # the other door, a moment first
    with pytest.raises(Conflict, match="already admitted"):
        await use_cases.admit(ctx, KEYS, code)
    assert len(ctx.store.published(events.TicketAdmitted)) == 1


async def test_a_code_that_is_not_ours_is_a_400(ctx: FakeContext) -> None:
    ticket = await list_ticket(ctx)
    other = CodeKeys.from_json(CodeKeys.generate("elsewhere"))
    _, code = await use_cases.code(ctx, other, "seller", ticket.id)
    for forged in (code, "not-a-code", code[:-4] + "AAAA"):
        with pytest.raises(InvalidInput):
            await use_cases.admit(ctx, KEYS, forged)


async def test_my_tickets_are_the_ones_i_hold(ctx: FakeContext) -> None:
    first = await list_ticket(ctx, title="First")
    await list_ticket(ctx, title="Second")
    await sell_to(ctx, first, "buyer", "o1")
    assert [t.title for t in await use_cases.mine(ctx, "buyer")] == ["First"]
    assert [t.title for t in await use_cases.mine(ctx, "seller")] == ["Second"]


async def test_where_payouts_are_required_only_a_seller_who_can_be_paid_lists(
    ctx: FakeContext,
) -> None:
    with pytest.raises(Conflict, match="set up payouts") as refused:
        await use_cases.create(ctx, "seller", listing(ctx), CAP, payee_required=True)
    assert refused.value.extra == {"action": "set_up_payouts"}
    enabled = events.SellerPayoutsEnabled(id="seller", version=1, stripe_account_id="acct_1")
    await use_cases.payouts_enabled(ctx, enabled)
    await use_cases.payouts_enabled(ctx, enabled)  # a duplicate changes nothing
    ticket = await use_cases.create(ctx, "seller", listing(ctx), CAP, payee_required=True)
    assert ticket.user_id == "seller"
    with pytest.raises(Conflict, match="set up payouts"):
        await use_cases.create(ctx, "other", listing(ctx), CAP, payee_required=True)
    await use_cases.create(ctx, "other", listing(ctx), CAP)  # not required: anyone lists


async def test_where_payouts_are_required_a_buyer_resells_only_once_they_can_be_paid(
    ctx: FakeContext,
) -> None:
    ticket = await sell_to(ctx, await list_ticket(ctx), "buyer", "o1")
    with pytest.raises(Conflict, match="set up payouts"):
        await use_cases.resell(ctx, "buyer", ticket.id, Decimal("24"), CAP, payee_required=True)
    enabled = events.SellerPayoutsEnabled(id="buyer", version=1, stripe_account_id="acct_2")
    await use_cases.payouts_enabled(ctx, enabled)
    relisted = await use_cases.resell(
        ctx, "buyer", ticket.id, Decimal("24"), CAP, payee_required=True
    )
    assert relisted.status == TicketStatus.APPROVED
