"""What the tickets service does: list and edit tickets, and follow what orders and moderation
say of them. Each use case loads, decides with ``rules``, and commits with its events."""

from __future__ import annotations

from functools import partial

from ticketing.shared import events
from ticketing.shared.context import Context
from ticketing.shared.errors import Conflict, Forbidden
from ticketing.shared.permissions import RelationTuple
from ticketing.shared.persistence import StaleVersion
from ticketing.shared.store import Grant, Insert, Save, found
from ticketing.tickets import rules
from ticketing.tickets.models import Ticket


async def create(ctx: Context, user_id: str, title: str, price: str) -> Ticket:
    title, amount = rules.checked_title(title), rules.checked_price(price)
    ticket = Ticket(title=title, price=amount, user_id=user_id, created_at=ctx.clock.now())
    owner = RelationTuple("Ticket", ticket.id, "owners", user_id)
    await ctx.store.commit(Insert(ticket, rules.created_event), Grant(owner))
    ctx.metrics.counter("ticketing_tickets_listed", "Tickets listed").inc()
    return ticket


async def update(ctx: Context, user_id: str, ticket_id: str, title: str, price: str) -> Ticket:
    ticket = await found(ctx.store, Ticket, ticket_id, "ticket")
    if not await ctx.permissions.check("Ticket", ticket_id, "edit", user_id):
        raise Forbidden("only the ticket's owner may edit it")
    title_changed = rules.edited(ticket, title, price)
    try:
        await ctx.store.commit(
            Save(ticket, partial(rules.updated_event, title_changed=title_changed))
        )
    except StaleVersion:
        raise Conflict("the ticket changed while you were editing it; reload and retry") from None
    return ticket


async def reserve(ctx: Context, event: events.OrderCreated) -> None:
    ticket = await found(ctx.store, Ticket, event.ticket.id, "ticket")
    if rules.reserved(ticket, event.id):
        await ctx.store.commit(Save(ticket, rules.updated_event))


async def release(ctx: Context, event: events.OrderCancelled) -> None:
    ticket = await found(ctx.store, Ticket, event.ticket_id, "ticket")
    if rules.released(ticket, event.id):
        await ctx.store.commit(Save(ticket, rules.updated_event))


async def apply_verdict(ctx: Context, event: events.Verdict) -> None:
    ticket = await found(ctx.store, Ticket, event.id, "ticket")
    if rules.judged(ticket, event):
        await ctx.store.commit(Save(ticket, rules.updated_event))
