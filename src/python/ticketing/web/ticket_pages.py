"""The ticket pages: the list for sale, one ticket, selling and editing, reserving, the tickets
you hold with their codes, and selling one you bought again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from ticketing.web import rules
from ticketing.web.api import (
    Api,
    ApiError,
    Code,
    Fees,
    ListingRules,
    Order,
    Ticket,
    TicketPage,
    User,
)
from ticketing.web.pages import (
    ApiClient,
    Form,
    Me,
    SessionToken,
    SignedInUser,
    Visitor,
    page,
    submit,
)
from ticketing.web.qr import svg


class TicketForm(msgspec.Struct):
    title: str = ""
    price: str = ""
    face_value: str = ""
    event_starts_at: str = ""  # as the browser's datetime-local input sends it, in UTC
    venue: str = ""

    def body(self) -> dict[str, str]:
        """The API's listing: the event time in UTC, as the form labels it."""
        fields = msgspec.structs.asdict(self)
        if starts := self.event_starts_at:  # browsers leave the seconds out
            fields["event_starts_at"] = f"{starts}:00Z" if len(starts) == 16 else f"{starts}Z"
        return {name: value for name, value in fields.items() if value}

    @classmethod
    def of(cls, ticket: Ticket) -> TicketForm:
        starts = ticket.event_starts_at
        return cls(
            title=ticket.title,
            price=str(ticket.price),
            face_value=str(ticket.face_value or ""),
            event_starts_at=starts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") if starts else "",
            venue=ticket.venue or "",
        )


class ResaleForm(msgspec.Struct):
    price: str = ""


@dataclass(frozen=True)
class Terms:
    """What a listing is held to (the price rules) and what a sale costs (the fee)."""

    rules: ListingRules
    fees: Fees


async def listing_terms(api: Api, price: str = "") -> Terms:
    """The price rules, and the fee with what the seller receives at ``price`` if it is one."""
    listing = await api.get("/api/tickets/rules", None, ListingRules)
    try:
        quote = {"price": price} if price else {}
        fees = await api.get("/api/payments/fees", None, Fees, params=quote)
    except ApiError:  # not a price: the terms alone
        fees = await api.get("/api/payments/fees", None, Fees)
    return Terms(listing, fees)


def form_page(
    user: User,
    terms: Terms,
    form: TicketForm,
    errors: dict[str, str],
    ticket: Ticket | None,
    status_code: int = 200,
) -> Template:
    """The sell (or edit) form, stating the price rules and the fee it will be held to."""
    context = {"form": form, "errors": errors, "ticket": ticket, "rules": terms.rules}
    fee_terms = rules.fee_terms(terms.fees)
    return page(
        "ticket_form.html", user, status_code, fees=terms.fees, fee_terms=fee_terms, **context
    )


def ticket_page(
    ticket: Ticket,
    visitor: User | None,
    errors: dict[str, str] | None = None,
    resale: ResaleForm | None = None,
    status_code: int = 200,
) -> Template:
    """One ticket: where it is, and what the visitor may do with it, or why not."""
    now = datetime.now(UTC)  # for what the page offers; the API decides for itself
    return page(
        "ticket.html",
        visitor,
        status_code,
        ticket=ticket,
        status=rules.status(ticket),
        reserve=rules.reserve(ticket, visitor, now),
        edit=rules.edit(ticket, visitor),
        resell=rules.resell(ticket, visitor, now),
        show_code=rules.show_code(ticket, visitor),
        errors=errors or {},
        resale=resale or ResaleForm(),
    )


class TicketPages(Controller):
    @get("/")
    async def index(
        self, request: Request[Any, Any, Any], api: ApiClient, visitor: Visitor
    ) -> Template:
        names = ("title", "sort", "min_price", "max_price", "cursor")
        query = {k: v for k in names if (v := request.query_params.get(k))}
        found = await api.get("/api/tickets", None, TicketPage, params=query)
        return page("tickets.html", visitor, page=found, query=query)

    @get("/tickets/new")
    async def new_form(self, api: ApiClient, user: SignedInUser) -> Template:
        return form_page(user, await listing_terms(api), TicketForm(), {}, None)

    @post("/tickets/new")
    async def create(self, data: Annotated[TicketForm, Form], me: Me) -> Response[Any]:
        ticket, errors = await submit(
            me.api, "POST", "/api/tickets", me.token, data.body(), Ticket, (400, 409)
        )
        if errors:
            terms = await listing_terms(me.api, data.price)
            return form_page(me.user, terms, data, errors, None, 400)
        assert ticket is not None
        return Redirect(f"/tickets/{ticket.id}", status_code=303)

    @get("/tickets/mine")
    async def mine(self, me: Me) -> Template:
        held = await me.api.get("/api/tickets/mine", me.token, list[Ticket])
        return page("my_tickets.html", me.user, tickets=held)

    @get("/tickets/{ticket_id:str}")
    async def show(
        self, ticket_id: FromPath[str], api: ApiClient, visitor: Visitor, token: SessionToken
    ) -> Template:
        # With the visitor's session, the edge never answers from its cache of anonymous reads:
        # whoever just changed the ticket sees the change at once.
        return ticket_page(await api.get(f"/api/tickets/{ticket_id}", token, Ticket), visitor)

    @get("/tickets/{ticket_id:str}/code")
    async def code(self, ticket_id: FromPath[str], me: Me) -> Template:
        """The holder's code as a QR code, and as text, on a page that prints alone."""
        ticket = await me.api.get(f"/api/tickets/{ticket_id}", me.token, Ticket)
        code = await me.api.get(f"/api/tickets/{ticket_id}/code", me.token, Code)
        return page("ticket_code.html", me.user, ticket=ticket, code=code, qr=svg(code.code))

    @get("/tickets/{ticket_id:str}/edit")
    async def edit_form(
        self, ticket_id: FromPath[str], api: ApiClient, user: SignedInUser, token: SessionToken
    ) -> Template:
        ticket = await api.get(f"/api/tickets/{ticket_id}", token, Ticket)
        form = TicketForm.of(ticket)
        return form_page(user, await listing_terms(api, form.price), form, {}, ticket)

    @post("/tickets/{ticket_id:str}/edit")
    async def save(
        self, ticket_id: FromPath[str], data: Annotated[TicketForm, Form], me: Me
    ) -> Response[Any]:
        path = f"/api/tickets/{ticket_id}"
        _, errors = await submit(me.api, "PUT", path, me.token, data.body(), refusals=(400,))
        if errors:
            ticket = await me.api.get(path, None, Ticket)
            terms = await listing_terms(me.api, data.price)
            return form_page(me.user, terms, data, errors, ticket, 400)
        return Redirect(f"/tickets/{ticket_id}", status_code=303)

    @post("/tickets/{ticket_id:str}/resale")
    async def resell(
        self, ticket_id: FromPath[str], data: Annotated[ResaleForm, Form], me: Me
    ) -> Response[Any]:
        path = f"/api/tickets/{ticket_id}"
        body = {"price": data.price}
        _, errors = await submit(
            me.api, "POST", f"{path}/resale", me.token, body, refusals=(400, 409)
        )
        if not errors:
            return Redirect(f"/tickets/{ticket_id}", status_code=303)
        ticket = await me.api.get(path, None, Ticket)
        return ticket_page(ticket, me.user, errors, data, 400)

    @post("/tickets/{ticket_id:str}/reserve")
    async def reserve(self, ticket_id: FromPath[str], me: Me) -> Redirect:
        body = {"ticket_id": ticket_id}
        order = await me.api.call("POST", "/api/orders", me.token, Order, json=body)
        assert order is not None
        return Redirect(f"/orders/{order.id}", status_code=303)
