"""HTTP API of the tickets service: /api/tickets."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec
from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from ticketing.shared.events import TicketStatus
from ticketing.shared.guards import signed_in
from ticketing.shared.identity import Principal
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems
from ticketing.shared.requests import Limit, Offset
from ticketing.shared.responses import View
from ticketing.tickets import listing, rules, use_cases


class TicketIn(msgspec.Struct, forbid_unknown_fields=True):
    # The patterns are the rules (rules.py), documented; the use case enforces them, naming each.
    title: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=rules.TITLE_MAX,
            description=f"1 to {rules.TITLE_MAX} characters, at least one visible; no control"
            " characters (line breaks and tabs included) or text-direction overrides",
            extra_json_schema={"extra": {"pattern": rules.TITLE_PATTERN}},
        ),
    ]
    price: Annotated[
        str,
        msgspec.Meta(
            description=rules.PRICE_RULE,
            extra_json_schema={"examples": ["12.50"], "extra": {"pattern": rules.PRICE_PATTERN}},
        ),
    ]


class TicketOut(View):
    id: str
    title: str
    price: Decimal
    user_id: str
    status: TicketStatus
    version: int
    order_id: str | None = None
    status_reason: str | None = None


# A price bound of the search: a decimal string; a range with min above max finds nothing.
BOUND = "^[0-9]{1,7}(\\.[0-9]{1,2})?$"
BOUND_RULE = "a decimal string, e.g. 20 or 12.50"


class TicketPage(msgspec.Struct):
    results: list[TicketOut]
    next: str | None


class TicketsController(Controller):
    path = "/api/tickets"
    tags = ["tickets"]

    @post("/", guards=[signed_in])
    async def create(
        self,
        data: JSONBody[TicketIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> TicketOut:
        """List a ticket for sale. It is screened by moderation before it can be ordered."""
        return TicketOut.of(await use_cases.create(platform, user.id, data.title, data.price))

    @get("/")
    async def search(
        self,
        title: Annotated[str | None, QueryParameter(max_length=listing.SEARCH_MAX)] = None,
        sort: FromQuery[listing.Sort] = listing.Sort.NEWEST,
        min_price: Annotated[
            str | None, QueryParameter(pattern=BOUND, description=BOUND_RULE)
        ] = None,
        max_price: Annotated[
            str | None, QueryParameter(pattern=BOUND, description=BOUND_RULE)
        ] = None,
        limit: Limit = 20,
        cursor: Annotated[str | None, QueryParameter(pattern=listing.CURSOR_PATTERN)] = None,
        offset: Offset = 0,
    ) -> TicketPage:
        """Tickets whose title contains ``title`` (any case) and whose price is within
        ``min_price``..``max_price``, newest first unless ``sort`` says otherwise. ``next`` is
        the ``cursor`` of the following page (null on the last): pages stay the same while
        tickets are added. ``offset`` still skips that many, as before."""
        low, high = (Decimal(bound) if bound else None for bound in (min_price, max_price))
        page = await listing.search(title, sort, low, high, limit, cursor, offset)
        return TicketPage([TicketOut.of(t) for t in page.results], page.next)

    @get("/{ticket_id:str}", responses=problems(404))
    async def read(self, ticket_id: FromPath[str]) -> TicketOut:
        return TicketOut.of(await listing.read(ticket_id))

    @put("/{ticket_id:str}", guards=[signed_in], responses=problems(403, 404, 409))
    async def update(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[TicketIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
    ) -> TicketOut:
        """Change title and price: owner only, and not while an open order reserves it."""
        ticket = await use_cases.update(platform, user.id, ticket_id, data.title, data.price)
        return TicketOut.of(ticket)
