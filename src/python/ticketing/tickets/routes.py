"""HTTP API of the tickets service: /api/tickets."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from ticketing.shared.events import TicketStatus
from ticketing.shared.guards import Limit, Offset
from ticketing.shared.identity import Principal
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems
from ticketing.shared.web import View
from ticketing.tickets import domain


class TicketIn(msgspec.Struct, forbid_unknown_fields=True):
    # The patterns are the domain's rules, documented; the domain enforces them, naming each.
    title: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=domain.TITLE_MAX,
            description=f"1 to {domain.TITLE_MAX} characters, at least one visible; no control"
            " characters (line breaks and tabs included) or text-direction overrides",
            extra_json_schema={"extra": {"pattern": domain.TITLE_PATTERN}},
        ),
    ]
    price: Annotated[
        str,
        msgspec.Meta(
            description=domain.PRICE_RULE,
            extra_json_schema={"examples": ["12.50"], "extra": {"pattern": domain.PRICE_PATTERN}},
        ),
    ]


class TicketOut(View):
    id: str
    title: str
    price: Decimal
    user_id: str
    order_id: str | None
    status: TicketStatus
    status_reason: str | None
    version: int

    @classmethod
    def stored(cls, ticket: dict[str, Any]) -> TicketOut:
        """From a stored ticket as ``domain.read`` returns it, without a Beanie document."""
        return cls(
            id=ticket["_id"],
            title=ticket["title"],
            price=ticket["price"].to_decimal(),
            user_id=ticket["user_id"],
            order_id=ticket.get("order_id"),
            status=TicketStatus(ticket["status"]),
            status_reason=ticket.get("status_reason"),
            version=ticket["version"],
        )


# A price bound of the search: a decimal string; a range with min above max finds nothing.
BOUND = "^[0-9]{1,7}(\\.[0-9]{1,2})?$"
BOUND_RULE = "a decimal string, e.g. 20 or 12.50"


class TicketPage(msgspec.Struct):
    results: list[TicketOut]
    next: str | None


class TicketsController(Controller):
    path = "/api/tickets"
    tags = ["tickets"]

    @post("/")
    async def create(
        self,
        data: JSONBody[TicketIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> TicketOut:
        """List a ticket for sale. It is screened by moderation before it can be ordered."""
        return TicketOut.of(await domain.create(platform, user.id, data.title, data.price))

    @get("/")
    async def search(
        self,
        title: Annotated[str | None, QueryParameter(max_length=domain.SEARCH_MAX)] = None,
        sort: FromQuery[domain.Sort] = domain.Sort.NEWEST,
        min_price: Annotated[
            str | None, QueryParameter(pattern=BOUND, description=BOUND_RULE)
        ] = None,
        max_price: Annotated[
            str | None, QueryParameter(pattern=BOUND, description=BOUND_RULE)
        ] = None,
        limit: Limit = 20,
        cursor: Annotated[str | None, QueryParameter(pattern=domain.CURSOR_PATTERN)] = None,
        offset: Offset = 0,
    ) -> TicketPage:
        """Tickets whose title contains ``title`` (any case) and whose price is within
        ``min_price``..``max_price``, newest first unless ``sort`` says otherwise. ``next`` is
        the ``cursor`` of the following page (null on the last): pages stay the same while
        tickets are added. ``offset`` still skips that many, as before."""
        low, high = (Decimal(bound) if bound else None for bound in (min_price, max_price))
        page = await domain.search(title, sort, low, high, limit, cursor, offset)
        return TicketPage([TicketOut.stored(t) for t in page.results], page.next)

    @get("/{ticket_id:str}", responses=problems(404))
    async def read(self, ticket_id: FromPath[str]) -> TicketOut:
        return TicketOut.stored(await domain.read(ticket_id))

    @put("/{ticket_id:str}", responses=problems(403, 404, 409))
    async def update(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[TicketIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> TicketOut:
        """Change title and price: owner only, and not while an open order reserves it."""
        ticket = await domain.update(platform, user.id, ticket_id, data.title, data.price)
        return TicketOut.of(ticket)
