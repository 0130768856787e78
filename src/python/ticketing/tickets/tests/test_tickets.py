"""The tickets service over HTTP and events, against real MongoDB-wire, RabbitMQ servers."""

import json
from decimal import Decimal
from typing import Any

import pytest

from ticketing.shared import events
from ticketing.stack.story import listing
from ticketing.testing.events import inject
from ticketing.testing.fixtures import eventually, running, sign_up
from ticketing.testing.proxy import Outage
from ticketing.tickets.app import create_app
from ticketing.tickets.models import Ticket
from ticketing.tickets.settings import TicketsSettings
from ticketing.tickets.tests.world import World, list_ticket, order_created, stored


async def test_listing_a_ticket_publishes_it_and_makes_the_seller_its_owner(world: World) -> None:
    ticket = await list_ticket(world, price="12.5")
    assert ticket["title"] == "Concert"
    assert ticket["price"] == "12.50"
    assert ticket["order_id"] is None
    assert ticket["status"] == "waiting_moderation"
    assert ticket["version"] == 0
    created = await world.orders_view.next(events.TicketCreated)
    assert (created.id, created.version, created.price) == (ticket["id"], 0, Decimal("12.50"))
    assert await world.platform.permissions.check("Ticket", ticket["id"], "edit", created.user_id)


async def test_a_price_under_stripes_minimum_is_refused_and_documented(world: World) -> None:
    assert (await list_ticket(world, price="0.50"))["price"] == "0.50"
    ticket = await list_ticket(world, price="3")
    url = f"/api/tickets/{ticket['id']}"
    edit = await world.client.put(url, json={"title": "Gig", "price": "0.49"}, headers=world.seller)
    assert edit.status_code == 400
    assert [e["field"] for e in edit.json()["errors"]] == ["price"]
    assert "0.50" in edit.json()["detail"]
    schema = (await world.client.get("/schema/openapi.json")).json()
    price = schema["components"]["schemas"]["TicketIn"]["properties"]["price"]
    assert "0.50 (Stripe's minimum charge in USD)" in price["description"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"title": "Gig\x00"}, "title"),
        ({"title": "\x1b[31mRED\x1b[0m"}, "title"),
        ({"title": "Gig\u202e"}, "title"),
        ({"title": "\u200b\u200b\u2060"}, "title"),
        ({"price": "0"}, "price"),
        ({"price": "0.49"}, "price"),  # under Stripe's minimum charge
        ({"price": "-5"}, "price"),
        ({"price": "1.999"}, "price"),
        ({"price": "NaN"}, "price"),
        ({"price": "lots"}, "price"),
        ({"price": 12.505}, "price"),  # a number with three decimals
        ({"price": 0.49}, "price"),
        ({"price": "012"}, "price"),  # a decimal string is plain: no leading zero,
        ({"price": " 12"}, "price"),  # space,
        ({"price": "1e3"}, "price"),  # or exponent
        ({"price": True}, "price"),
        ({"price": None}, "price"),
        ({"price": "12.01"}, "price"),  # over the cap: face value 10 times 1.20
        ({"face_value": "0.10"}, "face_value"),
        ({"face_value": None}, "face_value"),
        ({"event_starts_at": "2020-01-01T20:00:00Z"}, "event_starts_at"),  # in the past
        ({"event_starts_at": "2031-01-01T20:00:00"}, "event_starts_at"),  # no time zone
        ({"event_starts_at": "next friday"}, "event_starts_at"),
        ({"venue": "x" * 201}, "venue"),
        ({"owner": "me"}, "owner"),
    ],
)
async def test_bad_input_is_a_400_naming_the_field(
    world: World, changes: dict[str, Any], field: str
) -> None:
    body = {**listing("Gig", "10.00"), **changes}
    body = {name: value for name, value in body.items() if value is not None}
    response = await world.client.post("/api/tickets", json=body, headers=world.seller)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert await Ticket.count() == 0


async def test_a_price_may_be_a_json_number_read_exactly_and_answers_as_a_string(
    world: World,
) -> None:
    body = {**listing("Gig", "10"), "price": 42.5, "face_value": 40}
    created = await world.client.post("/api/tickets", json=body, headers=world.seller)
    assert created.status_code == 201, created.text
    assert (created.json()["price"], created.json()["face_value"]) == ("42.50", "40.00")
    url = f"/api/tickets/{created.json()['id']}"
    edit = await world.client.put(url, json={"title": "Gig", "price": 45}, headers=world.seller)
    assert edit.json()["price"] == "45.00"
    # Read through a binary float this would be 42.5; read exactly it has too many decimals.
    raw = json.dumps({"title": "Gig", "price": 1}).replace("1}", "42.50000000000000001}")
    headers = {**world.seller, "Content-Type": "application/json"}
    exact = await world.client.put(url, content=raw, headers=headers)
    assert exact.status_code == 400, exact.text
    assert [e["field"] for e in exact.json()["errors"]] == ["price"]
    assert (await world.client.get(url)).json()["price"] == "45.00"


async def test_a_price_over_the_cap_names_the_highest_allowed(world: World) -> None:
    body = listing("Gig", "48.01", face_value="40.00")
    response = await world.client.post("/api/tickets", json=body, headers=world.seller)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert (problem["rule"], problem["max_price"]) == ("price-cap", "48.00")
    schema = (await world.client.get("/schema/openapi.json")).json()
    price = schema["components"]["schemas"]["TicketIn"]["properties"]["price"]
    assert "face value times the price cap" in price["description"]


async def test_listing_needs_a_signed_in_user(world: World) -> None:
    response = await world.client.post("/api/tickets", json=listing("Gig", "5"))
    assert response.status_code == 401
    bad_token = {"Authorization": "Bearer not-a-session"}
    response = await world.client.post("/api/tickets", json=listing("Gig", "5"), headers=bad_token)
    assert response.status_code == 401


async def search(world: World, **params: Any) -> dict[str, Any]:
    """Every ticket (for sale or not) matching ``params``."""
    response = await world.client.get("/api/tickets", params={"for_sale": "false", **params})
    assert response.status_code == 200, response.text
    return dict(response.json())


def titles(page: dict[str, Any]) -> list[str]:
    return [t["title"] for t in page["results"]]


async def test_search_is_case_insensitive_and_newest_first(world: World) -> None:
    for title in ["Rock Night", "jazz evening", "ROCK matinee", "Opera (gala)"]:
        await list_ticket(world, title)
    assert titles(await search(world, title="rock")) == ["ROCK matinee", "Rock Night"]
    assert titles(await search(world, title="(gala")) == ["Opera (gala)"]
    oldest = await search(world, sort="oldest", limit=2, offset=2)  # offset still works
    assert titles(oldest) == ["ROCK matinee", "Opera (gala)"]


async def test_next_pages_stay_stable_while_tickets_are_added(world: World) -> None:
    for i in range(5):
        await list_ticket(world, f"Gig {i}")
    first = await search(world, limit=2)
    assert titles(first) == ["Gig 4", "Gig 3"]
    await list_ticket(world, "Gig new")  # newer than everything: it must not shift the pages
    second = await search(world, limit=2, cursor=first["next"])
    third = await search(world, limit=2, cursor=second["next"])
    assert titles(second) == ["Gig 2", "Gig 1"]
    assert titles(third) == ["Gig 0"]
    assert third["next"] is None


async def test_sort_by_price_and_filter_by_price_range(world: World) -> None:
    for title, price in [("A", "30.00"), ("B", "10.50"), ("C", "20.00"), ("D", "20.00")]:
        await list_ticket(world, title, price)
    cheap_first = await search(world, sort="price_asc", limit=3)
    rest = await search(world, sort="price_asc", limit=3, cursor=cheap_first["next"])
    assert [t["price"] for t in cheap_first["results"] + rest["results"]] == [
        "10.50",
        "20.00",
        "20.00",
        "30.00",
    ]
    assert sorted(titles(cheap_first))[1:] == ["C", "D"]  # equal prices, each exactly once
    ranged = await search(world, sort="price_desc", min_price="15", max_price="25")
    assert [t["price"] for t in ranged["results"]] == ["20.00", "20.00"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"offset": -1},
        {"sort": "cheapest"},
        {"min_price": "-1"},
        {"max_price": "1e3"},
        {"cursor": "not-a-cursor"},
        {"title": "x" * 101},
    ],
)
async def test_bad_search_parameters_are_a_400(world: World, params: dict[str, str]) -> None:
    response = await world.client.get("/api/tickets", params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_price_range_with_min_above_max_finds_nothing(world: World) -> None:
    await list_ticket(world, "Gig", "15.00")
    found = await search(world, min_price="20", max_price="10")
    assert found == {"results": [], "next": None}


async def test_read_one_and_unknown_id(world: World) -> None:
    ticket = await list_ticket(world)
    assert (await world.client.get(f"/api/tickets/{ticket['id']}")).json() == ticket
    missing = await world.client.get("/api/tickets/does-not-exist")
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("/not-found")


async def test_only_the_owner_may_edit(world: World) -> None:
    ticket = await list_ticket(world)
    url = f"/api/tickets/{ticket['id']}"
    denied = await world.client.put(url, json={"title": "Mine", "price": "1"}, headers=world.buyer)
    assert denied.status_code == 403
    assert (await stored(ticket["id"])).title == "Concert"
    anonymous = await world.client.put(url, json={"title": "Mine", "price": "1"})
    assert anonymous.status_code == 401
    edited = await world.client.put(
        url, json={"title": "Concert", "price": "24"}, headers=world.seller
    )
    assert edited.status_code == 200
    assert (edited.json()["price"], edited.json()["version"]) == ("24.00", 1)
    await world.orders_view.next(events.TicketCreated)
    updated = await world.orders_view.next(events.TicketUpdated)
    assert (updated.version, updated.price, updated.title_changed) == (1, Decimal(24), False)


async def test_a_reserved_ticket_cannot_be_edited_until_released(world: World) -> None:
    ticket = await list_ticket(world)
    await inject(world.isolated, order_created(ticket))
    reserved = await eventually(lambda: _with_order(ticket["id"]))
    assert reserved.version == 1
    url = f"/api/tickets/{ticket['id']}"
    body = {"title": "Changed", "price": "5"}
    conflict = await world.client.put(url, json=body, headers=world.seller)
    assert conflict.status_code == 409
    assert "reserved" in conflict.json()["detail"]

    await inject(world.isolated, events.OrderCancelled(id="o1", version=1, ticket_id=ticket["id"]))
    released = await eventually(lambda: _released(ticket["id"]))
    assert released.version == 2
    assert (await world.client.put(url, json=body, headers=world.seller)).status_code == 200


async def test_duplicate_and_overtaking_order_events_leave_the_ticket_right(world: World) -> None:
    ticket = await list_ticket(world)
    # o1's cancellation overtakes its creation; then o1 is delivered twice; then o2 arrives.
    await inject(world.isolated, events.OrderCancelled(id="o1", version=1, ticket_id=ticket["id"]))
    await eventually(lambda: _released(ticket["id"]))
    await inject(world.isolated, order_created(ticket, "o1"), order_created(ticket, "o1"))
    await inject(world.isolated, order_created(ticket, "o2"), order_created(ticket, "o2"))
    held = await eventually(lambda: _with_order(ticket["id"]))
    assert held.order_id == "o2"
    assert held.version == 2  # one release bookkeeping write, one reservation


async def test_a_new_order_waits_until_the_previous_one_is_released(world: World) -> None:
    ticket = await list_ticket(world)
    await inject(world.isolated, order_created(ticket, "o1"))
    await eventually(lambda: _with_order(ticket["id"]))
    await inject(world.isolated, order_created(ticket, "o2"))  # retried until o1 goes
    await inject(world.isolated, events.OrderCancelled(id="o1", version=1, ticket_id=ticket["id"]))

    async def held_by_o2() -> Ticket | None:
        current = await stored(ticket["id"])
        return current if current.order_id == "o2" else None

    await eventually(held_by_o2)


async def test_moderation_verdicts_apply_to_the_title_they_screened(world: World) -> None:
    ticket = await list_ticket(world, "Bad title")
    url = f"/api/tickets/{ticket['id']}"
    rejected = events.TicketRejected(id=ticket["id"], version=0, case_id="c1", reason="word: bad")
    await inject(world.isolated, rejected)
    rejected_ticket = await eventually(lambda: _status(ticket["id"], "rejected"))
    assert rejected_ticket.status_reason == "word: bad"
    body = (await world.client.get(url)).json()
    assert (body["status"], body["status_reason"]) == ("rejected", "word: bad")

    retitled = await world.client.put(
        url, json={"title": "Good title", "price": "20"}, headers=world.seller
    )
    assert retitled.json()["status"] == "waiting_moderation"
    new_version = retitled.json()["version"]
    # A late approval of the old title must not approve the new one.
    stale = events.TicketApproved(id=ticket["id"], version=0, case_id="c1")
    fresh = events.TicketApproved(id=ticket["id"], version=new_version, case_id="c2")
    await inject(world.isolated, stale)
    await inject(world.isolated, fresh, fresh)
    approved = await eventually(lambda: _status(ticket["id"], "approved"))
    assert approved.version == new_version + 1


async def _with_order(ticket_id: str) -> Ticket | None:
    ticket = await stored(ticket_id)
    return ticket if ticket.order_id else None


async def _released(ticket_id: str) -> Ticket | None:
    ticket = await stored(ticket_id)
    return ticket if ticket.released_order_ids and ticket.order_id is None else None


async def _status(ticket_id: str, status: str) -> Ticket | None:
    ticket = await stored(ticket_id)
    return ticket if ticket.status == status else None


async def test_while_the_broker_is_down_a_new_ticket_is_its_owners_to_edit_at_once(
    isolated: dict[str, Any],
) -> None:
    outage, via_proxy = await Outage.in_front_of(isolated["rabbitmq_url"])
    app = create_app(TicketsSettings(**{**isolated, "rabbitmq_url": via_proxy}))
    async with running(app) as client:
        _, seller = await sign_up(app.state.platform.identity, "seller@example.com")
        await outage.cut()
        listed = await client.post("/api/tickets", json=listing("Gig", "10"), headers=seller)
        assert listed.status_code == 201, listed.text
        ticket_id = listed.json()["id"]
        edited = await client.put(
            f"/api/tickets/{ticket_id}", json={"title": "Gig", "price": "12"}, headers=seller
        )
        assert edited.status_code == 200, edited.text
        assert await app.state.platform.outbox.pending() == 2  # the events wait for the broker
    await outage.cut()


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "Gig \xff\xfe", "price": "10"}',  # not UTF-8
        b"[" * 1000 + b"]" * 1000,  # nested 1,000 deep
        b'{"title": ' + b'{"a": ' * 1000 + b"1" + b"}" * 1000 + b', "price": "1"}',
    ],
)
async def test_a_body_that_is_not_valid_json_is_a_400(world: World, body: bytes) -> None:
    headers = {**world.seller, "content-type": "application/json"}
    response = await world.client.post("/api/tickets", content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"offset": str(2**64)}, "offset"),
        ({"offset": str(2**63)}, "offset"),
        ({"title": "a" * 101}, "title"),
    ],
)
async def test_a_search_out_of_bounds_is_a_400_naming_the_parameter(
    world: World, query: dict[str, str], name: str
) -> None:
    response = await world.client.get("/api/tickets", params=query)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert name in [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize("url", ["/api/tickets/a%00b", "/api/tickets?title=a%00b"])
async def test_an_encoded_nul_in_a_path_or_query_is_a_400(world: World, url: str) -> None:
    response = await world.client.get(url)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/nul-character")
