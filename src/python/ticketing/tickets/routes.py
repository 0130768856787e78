"""HTTP API of the tickets service: /api/tickets (listings, what you hold, your codes)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from ticketing.shared import money
from ticketing.shared.conditional import NOT_MODIFIED, IfNoneMatch, conditional, tagged
from ticketing.shared.errors import InvalidInput
from ticketing.shared.events import TicketStatus
from ticketing.shared.guards import signed_in
from ticketing.shared.idempotency import IDEMPOTENT
from ticketing.shared.identity import Principal
from ticketing.shared.money import Money
from ticketing.shared.platform import Platform
from ticketing.shared.problems import problems
from ticketing.shared.requests import NO_NUL, Limit, Offset
from ticketing.shared.responses import View
from ticketing.tickets import listing, rules, use_cases
from ticketing.tickets.codes import CodeKeys
from ticketing.tickets.settings import TicketsSettings

# The patterns are the rules (rules.py), documented; the use cases enforce them, naming each.
Title = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=rules.TITLE_MAX,
        description=f"1 to {rules.TITLE_MAX} characters, at least one visible; no control"
        " characters (line breaks and tabs included) or text-direction overrides",
        extra_json_schema={"extra": {"pattern": rules.TITLE_PATTERN}},
    ),
]
CAPPED = (
    f"at most the face value times the price cap (TICKET_PRICE_CAP, {rules.DEFAULT_CAP} by default)"
)
_BOUNDS = (rules.PRICE_PATTERN, rules.PRICE_MIN, rules.PRICE_MAX)
PRICE = f"{rules.PRICE_RULE}; {CAPPED}, else 400 with `rule`: price-cap and `max_price`"
Price = Annotated[Money, money.schema(PRICE, *_BOUNDS, ["42.50"])]
FACE_VALUE = f"the price printed on the ticket: {rules.PRICE_RULE}"
FaceValue = Annotated[Money, money.schema(FACE_VALUE, *_BOUNDS, ["40.00"])]
NewFaceValue = Annotated[Money | None, money.schema(FACE_VALUE, *_BOUNDS, ["40.00"], nullable=True)]
StartsAt = Annotated[
    datetime,
    msgspec.Meta(tz=True, description="when the event starts, with its time zone; in the future"),
]
Venue = Annotated[str, msgspec.Meta(max_length=rules.VENUE_MAX)]


class TicketIn(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {
        "title": "Nina Simone tribute, Paradiso",
        "price": "42.50",
        "face_value": "40.00",
        "event_starts_at": "2030-06-05T20:00:00+02:00",
        "venue": "Paradiso, Amsterdam",
    }
    title: Title
    price: Price
    face_value: FaceValue
    event_starts_at: StartsAt
    venue: Venue | None = None


class TicketEdit(msgspec.Struct, forbid_unknown_fields=True):
    """A listing's new title and price; the face value, event and venue only if given (and
    only until the ticket is first sold)."""

    EXAMPLE: ClassVar = {"title": "Nina Simone tribute, Paradiso (row 3)", "price": "45.00"}
    title: Title
    price: Price
    face_value: NewFaceValue = None
    event_starts_at: StartsAt | None = None
    venue: Venue | None = None


class ResaleIn(msgspec.Struct, forbid_unknown_fields=True):
    EXAMPLE: ClassVar = {"price": "44.00"}
    price: Price


class TicketOut(View):
    id: str
    title: str
    price: Decimal
    user_id: Annotated[str, msgspec.Meta(description="who holds it: the seller while listed")]
    status: TicketStatus
    version: int
    order_id: str | None = None
    status_reason: str | None = None
    event_starts_at: datetime | None = None  # null on tickets listed before events were dated
    venue: str | None = None
    face_value: Decimal | None = None


class ListingRules(msgspec.Struct):
    """What a listing's price may be, for a client to say so before it asks."""

    price_cap: Annotated[
        Decimal, msgspec.Meta(description="the price may be at most the face value times this")
    ]
    price_min: Decimal
    price_max: Decimal


class CodeOut(msgspec.Struct):
    ticket_id: str
    code: Annotated[str, msgspec.Meta(description="what the holder shows at the door (a JWS)")]
    version: Annotated[int, msgspec.Meta(description="moves when the ticket changes hands")]


# A price bound of the search: a decimal string; a range with min above max finds nothing.
BOUND = "^[0-9]{1,7}(\\.[0-9]{1,2})?$"
BOUND_RULE = "a decimal string, e.g. 20 or 12.50"
Bound = Annotated[str | None, QueryParameter(pattern=BOUND, description=BOUND_RULE)]
WHEN_RULE = "a time with its time zone, e.g. 2027-06-05T18:00Z"
# A string, parsed here: a query's datetime would also take a number ("0.0") as a timestamp.
When = Annotated[
    str | None, QueryParameter(description=WHEN_RULE, schema_extra={"format": "date-time"})
]
_Zoned = Annotated[datetime, msgspec.Meta(tz=True)]


def _time(value: str | None, name: str) -> datetime | None:
    try:
        return None if value is None else msgspec.convert(value, _Zoned)
    except msgspec.ValidationError:
        raise InvalidInput(f"{name} must be {WHEN_RULE}", field=name) from None


class TicketPage(msgspec.Struct):
    results: list[TicketOut]
    next: str | None


class TicketsController(Controller):
    path = "/api/tickets"
    tags = ["tickets"]

    @post(
        "/",
        operation_id="createTicket",
        opt=IDEMPOTENT,
        guards=[signed_in],
        responses=problems(403, 409),
    )
    async def create(
        self,
        data: JSONBody[TicketIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        settings: NamedDependency[TicketsSettings],
    ) -> TicketOut:
        """List a ticket for sale, at most the face value times the price cap. It is screened
        by moderation before it can be ordered."""
        given = rules.Listing(
            data.title, data.price, data.face_value, data.event_starts_at, data.venue
        )
        cap, payee = settings.ticket_price_cap, settings.payee_required
        ticket = await use_cases.create(platform, user.id, given, cap, payee)
        return TicketOut.of(ticket)

    @get("/", operation_id="listTickets", responses=NOT_MODIFIED)
    async def search(
        self,
        platform: NamedDependency[Platform],
        title: Annotated[
            str | None, QueryParameter(max_length=listing.SEARCH_MAX, pattern=NO_NUL)
        ] = None,
        sort: FromQuery[listing.Sort] = listing.Sort.NEWEST,
        min_price: Bound = None,
        max_price: Bound = None,
        starts_after: When = None,
        starts_before: When = None,
        for_sale: FromQuery[bool] = True,
        limit: Limit = 20,
        cursor: Annotated[str | None, QueryParameter(pattern=listing.CURSOR_PATTERN)] = None,
        offset: Offset = 0,
        if_none_match: IfNoneMatch = None,
    ) -> Response[TicketPage | None]:
        """Tickets for sale (approved, not reserved, the event to come; every ticket with
        ``for_sale=false``) whose title contains ``title`` (any case), whose price is within
        ``min_price``..``max_price`` and whose event starts within ``starts_after``..
        ``starts_before``; newest first unless ``sort`` says otherwise (``soonest``: by the
        event's date). ``next`` is the ``cursor`` of the following page (null on the last):
        pages stay the same while tickets are added. Its ``ETag`` names the page's tickets and
        versions: ``If-None-Match`` with it answers 304 while the page is the same."""
        low, high = (Decimal(bound) if bound else None for bound in (min_price, max_price))
        after, before = _time(starts_after, "starts_after"), _time(starts_before, "starts_before")
        criteria = listing.Search(title, low, high, after, before, for_sale)
        now = platform.clock.now()
        page = await listing.search(criteria, now, sort, limit, cursor, offset)
        body = TicketPage(msgspec.convert(page.results, list[TicketOut]), page.next)
        return conditional(body, page.etag, if_none_match)

    @get("/rules", operation_id="getListingRules", sync_to_thread=False)
    def listing_rules(self, settings: NamedDependency[TicketsSettings]) -> ListingRules:
        """The price rules of a listing: at least the minimum, at most the face value times the
        cap."""
        cap = settings.ticket_price_cap
        return ListingRules(price_cap=cap, price_min=rules.PRICE_MIN, price_max=rules.PRICE_MAX)

    @get("/mine", operation_id="listMyTickets", guards=[signed_in])
    async def mine(
        self, user: NamedDependency[Principal], platform: NamedDependency[Platform]
    ) -> list[TicketOut]:
        """The tickets you hold (bought, or listed by you and not sold), soonest event first."""
        return [TicketOut.of(ticket) for ticket in await use_cases.mine(platform, user.id)]

    @get(
        "/{ticket_id:str}",
        operation_id="getTicket",
        responses={**problems(404), **NOT_MODIFIED},
    )
    async def read(
        self, ticket_id: FromPath[str], if_none_match: IfNoneMatch = None
    ) -> Response[TicketOut | None]:
        ticket = TicketOut.of(await listing.read(ticket_id))
        return tagged(ticket, ticket.version, if_none_match)

    @put(
        "/{ticket_id:str}",
        operation_id="updateTicket",
        guards=[signed_in],
        responses=problems(403, 404, 409),
    )
    async def update(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[TicketEdit],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        settings: NamedDependency[TicketsSettings],
    ) -> TicketOut:
        """Change your listing: its holder only, and not while an open order reserves it. A new
        title is screened again."""
        edit = rules.Edit(data.title, data.price, data.face_value, data.event_starts_at, data.venue)
        cap = settings.ticket_price_cap
        return TicketOut.of(await use_cases.update(platform, user.id, ticket_id, edit, cap))

    @post(
        "/{ticket_id:str}/resale",
        operation_id="resellTicket",
        status_code=200,
        guards=[signed_in],
        responses=problems(403, 404, 409),
    )
    async def resell(
        self,
        ticket_id: FromPath[str],
        data: JSONBody[ResaleIn],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        settings: NamedDependency[TicketsSettings],
    ) -> TicketOut:
        """List a ticket you bought for sale again, within the cap of its face value."""
        cap = settings.ticket_price_cap
        payee = settings.payee_required
        resold = await use_cases.resell(platform, user.id, ticket_id, data.price, cap, payee)
        return TicketOut.of(resold)

    @get(
        "/{ticket_id:str}/code",
        operation_id="getTicketCode",
        guards=[signed_in],
        responses=problems(403, 404, 409),
    )
    async def code(
        self,
        ticket_id: FromPath[str],
        user: NamedDependency[Principal],
        platform: NamedDependency[Platform],
        keys: NamedDependency[CodeKeys],
    ) -> CodeOut:
        """Your ticket's code, for its holder only: it admits one person, once. It stops
        working when the ticket changes hands."""
        ticket, code = await use_cases.code(platform, keys, user.id, ticket_id)
        return CodeOut(ticket_id=ticket.id, code=code, version=ticket.sales)
