"""The ticket pages: the list for sale, one ticket, selling and editing, reserving."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from ticketing.web import rules
from ticketing.web.api import Order, Ticket, TicketPage
from ticketing.web.pages import ApiClient, Form, Me, SignedInUser, Visitor, page, submit


class TicketForm(msgspec.Struct):
    title: str = ""
    price: str = ""


class TicketPages(Controller):
    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        api: ApiClient,
        visitor: Visitor,
    ) -> Template:
        names = ("title", "sort", "min_price", "max_price", "cursor")
        query = {k: v for k in names if (v := request.query_params.get(k))}
        found = await api.get("/api/tickets", None, TicketPage, params=query)
        return page("tickets.html", visitor, page=found, query=query)

    @get("/tickets/new")
    async def new_form(self, user: SignedInUser) -> Template:
        return page("ticket_form.html", user, form=TicketForm(), errors={}, ticket=None)

    @post("/tickets/new")
    async def create(self, data: Annotated[TicketForm, Form], me: Me) -> Response[Any]:
        body = {"title": data.title, "price": data.price}
        ticket, errors = await submit(
            me.api, "POST", "/api/tickets", me.token, body, Ticket, (400,)
        )
        if errors:
            return page("ticket_form.html", me.user, 400, form=data, errors=errors, ticket=None)
        assert ticket is not None
        return Redirect(f"/tickets/{ticket.id}", status_code=303)

    @get("/tickets/{ticket_id:str}")
    async def show(
        self,
        ticket_id: FromPath[str],
        api: ApiClient,
        visitor: Visitor,
    ) -> Template:
        ticket = await api.get(f"/api/tickets/{ticket_id}", None, Ticket)
        return page(
            "ticket.html",
            visitor,
            ticket=ticket,
            reserve=rules.reserve(ticket, visitor),
            edit=rules.edit(ticket, visitor),
            moderation=rules.moderation_status(ticket),
        )

    @get("/tickets/{ticket_id:str}/edit")
    async def edit_form(
        self, ticket_id: FromPath[str], api: ApiClient, user: SignedInUser
    ) -> Template:
        ticket = await api.get(f"/api/tickets/{ticket_id}", None, Ticket)
        form = TicketForm(title=ticket.title, price=str(ticket.price))
        return page("ticket_form.html", user, form=form, errors={}, ticket=ticket)

    @post("/tickets/{ticket_id:str}/edit")
    async def save(
        self, ticket_id: FromPath[str], data: Annotated[TicketForm, Form], me: Me
    ) -> Response[Any]:
        body = {"title": data.title, "price": data.price}
        path = f"/api/tickets/{ticket_id}"
        _, errors = await submit(me.api, "PUT", path, me.token, body, refusals=(400,))
        if errors:
            ticket = await me.api.get(path, None, Ticket)
            return page("ticket_form.html", me.user, 400, form=data, errors=errors, ticket=ticket)
        return Redirect(f"/tickets/{ticket_id}", status_code=303)

    @post("/tickets/{ticket_id:str}/reserve")
    async def reserve(self, ticket_id: FromPath[str], me: Me) -> Redirect:
        body = {"ticket_id": ticket_id}
        order = await me.api.call("POST", "/api/orders", me.token, Order, json=body)
        assert order is not None
        return Redirect(f"/orders/{order.id}", status_code=303)
