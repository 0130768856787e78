"""What the tickets service does: list and edit tickets, follow what orders and moderation say
of them, hand a sold ticket to its buyer, and admit its holder at the door, once. Each use
case loads, decides with ``rules``, and commits with its events."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from functools import partial

from ticketing.shared import events
from ticketing.shared.context import Context
from ticketing.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.persistence import DuplicateKeyError, StaleVersion
from ticketing.shared.store import Grant, Insert, Revoke, Save, found
from ticketing.tickets import rules
from ticketing.tickets.codes import CodeKeys, CodeRefused
from ticketing.tickets.models import Payee, Ticket

LOOKS = 3  # a lost compare-and-set is looked at again; the bound only stops a bug looping


def _owner(ticket_id: str, user_id: str) -> RelationTuple:
    return RelationTuple("Ticket", ticket_id, "owners", user_id)


async def create(
    ctx: Context, user_id: str, listing: rules.Listing, cap: Decimal, payee_required: bool = False
) -> Ticket:
    if payee_required:
        rules.check_payee(await ctx.store.get(Payee, user_id))
    ticket = rules.listed(listing, user_id, cap, ctx.clock.now())
    await ctx.store.commit(Insert(ticket, rules.created_event), Grant(_owner(ticket.id, user_id)))
    ctx.metrics.counter("ticketing_tickets_listed", "Tickets listed").inc()
    return ticket


async def held(ctx: Context, user_id: str, ticket_id: str) -> Ticket:
    """The ticket, if ``user_id`` holds it (its owner in the permission model)."""
    ticket = await found(ctx.store, Ticket, ticket_id, "ticket")
    if not await ctx.permissions.check("Ticket", ticket_id, "edit", user_id):
        raise Forbidden("only the ticket's holder may do this")
    return ticket


async def update(
    ctx: Context, user_id: str, ticket_id: str, edit: rules.Edit, cap: Decimal
) -> Ticket:
    ticket = await held(ctx, user_id, ticket_id)
    title_changed = rules.edited(ticket, edit, cap, ctx.clock.now())
    await ctx.store.commit(Save(ticket, partial(rules.updated_event, title_changed=title_changed)))
    return ticket


async def resell(
    ctx: Context,
    user_id: str,
    ticket_id: str,
    price: Decimal,
    cap: Decimal,
    payee_required: bool = False,
) -> Ticket:
    """Its holder lists a ticket they bought again."""
    ticket = await held(ctx, user_id, ticket_id)
    if payee_required:
        rules.check_payee(await ctx.store.get(Payee, user_id))
    rules.resold(ticket, user_id, price, cap, ctx.clock.now())
    await ctx.store.commit(Save(ticket, rules.updated_event))
    return ticket


async def mine(ctx: Context, user_id: str) -> list[Ticket]:
    """The tickets ``user_id`` holds (listed for sale or not), soonest event first."""
    return await ctx.store.find(Ticket, sort=["event_starts_at", "id"], user_id=user_id)


async def code(ctx: Context, keys: CodeKeys, user_id: str, ticket_id: str) -> tuple[Ticket, str]:
    """The ticket and its holder's code, for its holder only."""
    ticket = await held(ctx, user_id, ticket_id)
    if ticket.status == events.TicketStatus.ADMITTED:
        raise Conflict("the ticket was admitted at the door already")
    return ticket, keys.issue(rules.claims(ticket))


async def admit(ctx: Context, keys: CodeKeys, code: str) -> Ticket:
    """Let in the holder of ``code``: once, and only with the current holder's code. Of two
    scans at once, the compare-and-set lets one in; the other looks again and is refused."""
    try:
        shown = keys.verify(code)
    except CodeRefused as exc:
        raise InvalidInput(str(exc), field="code") from None
    for _ in range(LOOKS):
        ticket = await ctx.store.get(Ticket, shown.t)
        if ticket is None:
            raise NotFound(f"no ticket {shown.t}")
        rules.admitted(ticket, shown, ctx.clock.now())
        try:
            await ctx.store.commit(Save(ticket, rules.admitted_event))
        except StaleVersion:  # scanned, sold or changed meanwhile: look again
            continue
        ctx.metrics.counter("ticketing_tickets_admitted", "Tickets admitted at the door").inc()
        return ticket
    raise Conflict("the ticket keeps changing; scan again")


# --- what orders and moderation say ----------------------------------------------------------


async def reserve(ctx: Context, event: events.OrderCreated) -> None:
    ticket = await found(ctx.store, Ticket, event.ticket.id, "ticket")
    if rules.reserved(ticket, event.id):
        await ctx.store.commit(Save(ticket, rules.updated_event))


async def release(ctx: Context, event: events.OrderCancelled) -> None:
    ticket = await found(ctx.store, Ticket, event.ticket_id, "ticket")
    if rules.released(ticket, event.id):
        await ctx.store.commit(Save(ticket, rules.updated_event))


async def sell(ctx: Context, event: events.OrderCompleted) -> None:
    """The order completed: its buyer holds the ticket now, and the ownership moves with it in
    the same change (the seller keeps seeing the sale through the order)."""
    ticket = await found(ctx.store, Ticket, event.ticket_id, "ticket")
    seller = ticket.user_id
    if rules.sold(ticket, event.id, event.user_id, ctx.clock.now()):
        await ctx.store.commit(
            Save(ticket, rules.sold_event),
            Revoke(_owner(ticket.id, seller)),
            Grant(_owner(ticket.id, event.user_id)),
        )


async def apply_verdict(ctx: Context, event: events.Verdict) -> None:
    ticket = await found(ctx.store, Ticket, event.id, "ticket")
    if rules.judged(ticket, event):
        await ctx.store.commit(Save(ticket, rules.updated_event))


async def payouts_enabled(ctx: Context, event: events.SellerPayoutsEnabled) -> None:
    """The seller can be paid: they may list where a payout account is required."""
    with contextlib.suppress(DuplicateKeyError):  # a duplicate event
        await ctx.store.commit(Insert(rules.payee(event)))
