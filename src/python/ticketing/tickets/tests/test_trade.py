"""The trade on the tickets service, over HTTP and events against real servers: a sale hands
the ticket and its ownership to the buyer, codes and their published keys, the door (once,
for its staff only, 20 scans at once), resale, and what the list shows as for sale."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ticketing.shared import events
from ticketing.shared.permissions import DOOR_GROUP, RelationTuple
from ticketing.stack.story import listing
from ticketing.testing.events import inject
from ticketing.testing.fixtures import eventually, sign_up
from ticketing.tickets.models import Ticket
from ticketing.tickets.tests.world import World, list_ticket, stored


async def approved_ticket(world: World, title: str = "Quartet night") -> dict[str, Any]:
    ticket = await list_ticket(world, title, "42.50")
    await inject(world.isolated, events.TicketApproved(id=ticket["id"], version=0, case_id="c"))
    await eventually(lambda: _in(ticket["id"], "approved"))
    return ticket


async def _in(ticket_id: str, status: str) -> Ticket | None:
    ticket = await stored(ticket_id)
    return ticket if ticket.status == status and ticket.order_id is None else None


async def sold_to_buyer(world: World, ticket: dict[str, Any], order_id: str = "o1") -> None:
    """Orders' events for a reservation by the buyer and its completion."""
    created = events.OrderCreated(
        id=order_id,
        version=0,
        status=events.OrderStatus.CREATED,
        user_id=world.buyer_id,
        expires_at=datetime.now(UTC) + timedelta(minutes=15),
        ticket=events.OrderTicket(id=ticket["id"], price=ticket["price"], user_id=world.seller_id),
    )
    done = events.OrderCompleted(
        id=order_id, version=1, payment_id="p", ticket_id=ticket["id"], user_id=world.buyer_id
    )
    await inject(world.isolated, created, done)
    await eventually(lambda: _in(ticket["id"], "sold"))


async def code_of(world: World, ticket_id: str, headers: dict[str, str]) -> httpx.Response:
    return await world.client.get(f"/api/tickets/{ticket_id}/code", headers=headers)


async def door_staff(world: World) -> dict[str, str]:
    staff, headers = await sign_up(world.platform.identity, "door@example.com")
    await world.platform.permissions.write(
        [RelationTuple("Group", DOOR_GROUP, "members", staff.id)]
    )
    return headers


async def scan(world: World, code: str, headers: dict[str, str]) -> httpx.Response:
    return await world.client.post("/api/tickets/admissions", json={"code": code}, headers=headers)


async def test_a_sale_hands_the_ticket_and_its_ownership_to_the_buyer(world: World) -> None:
    ticket = await approved_ticket(world)
    await sold_to_buyer(world, ticket)
    read = (await world.client.get(f"/api/tickets/{ticket['id']}")).json()
    assert (read["status"], read["user_id"], read["order_id"]) == ("sold", world.buyer_id, None)
    announced = await world.orders_view.next(events.TicketSold)
    assert (announced.user_id, announced.seller_id, announced.sales) == (
        world.buyer_id,
        world.seller_id,
        1,
    )
    mine = (await world.client.get("/api/tickets/mine", headers=world.buyer)).json()
    assert [t["id"] for t in mine] == [ticket["id"]]
    assert (await world.client.get("/api/tickets/mine", headers=world.seller)).json() == []
    retitle = {"title": "Still mine", "price": "40"}
    edit = await world.client.put(
        f"/api/tickets/{ticket['id']}", json=retitle, headers=world.seller
    )
    assert edit.status_code == 403, edit.text


async def test_only_the_holder_reads_the_code_and_the_published_keys_verify_it(
    world: World,
) -> None:
    ticket = await approved_ticket(world)
    stranger = (await sign_up(world.platform.identity, "stranger@example.com"))[1]
    assert (await code_of(world, ticket["id"], stranger)).status_code == 403
    assert (await world.client.get(f"/api/tickets/{ticket['id']}/code")).status_code == 401
    assert (await code_of(world, "no-such-ticket", world.seller)).status_code == 404
    answer = (await code_of(world, ticket["id"], world.seller)).json()
    published = (await world.client.get("/api/tickets/.well-known/jwks.json")).json()
    assert all("d" not in key for key in published["keys"])  # public halves only
    keys = KeySet.import_key_set(published)
    claims = jws.deserialize_compact(answer["code"], keys, algorithms=["Ed25519"]).payload
    assert claims == f'{{"t":"{ticket["id"]}","h":"{world.seller_id}","v":0}}'.encode()
    head, body, signature = answer["code"].split(".")
    tampered = f"{head}.{body[:-2]}AA.{signature}"
    try:
        jws.deserialize_compact(tampered, keys, algorithms=["Ed25519"])
        raise AssertionError("a tampered code verified")
    except JoseError:
        pass


async def test_the_door_admits_a_code_once_and_only_for_its_staff(world: World) -> None:
    ticket = await approved_ticket(world)
    code = (await code_of(world, ticket["id"], world.seller)).json()["code"]
    assert (await scan(world, code, {})).status_code == 401
    refused = await scan(world, code, world.buyer)
    assert refused.status_code == 403, refused.text
    staff = await door_staff(world)
    admitted = await scan(world, code, staff)
    assert admitted.status_code == 200, admitted.text
    assert (admitted.json()["id"], admitted.json()["user_id"]) == (ticket["id"], world.seller_id)
    again = await scan(world, code, staff)
    assert again.status_code == 409
    assert (again.json()["rule"], again.json()["admitted_at"]) == (
        "already-admitted",
        datetime.fromisoformat(admitted.json()["admitted_at"]).isoformat(),
    )
    assert (await scan(world, "not-a-code", staff)).json()["errors"][0]["field"] == "code"


async def test_twenty_scans_of_one_code_at_once_admit_exactly_one(world: World) -> None:
    ticket = await approved_ticket(world)
    code = (await code_of(world, ticket["id"], world.seller)).json()["code"]
    staff = await door_staff(world)
    answers = await asyncio.gather(*(scan(world, code, staff) for _ in range(20)))
    assert sorted(a.status_code for a in answers) == [200] + [409] * 19
    assert {a.json()["rule"] for a in answers if a.status_code == 409} == {"already-admitted"}
    assert await world.orders_view.next(events.TicketAdmitted)


async def test_the_sellers_code_is_void_after_the_sale_and_the_buyers_works(world: World) -> None:
    ticket = await approved_ticket(world)
    sellers = (await code_of(world, ticket["id"], world.seller)).json()["code"]
    await sold_to_buyer(world, ticket)
    staff = await door_staff(world)
    void = await scan(world, sellers, staff)
    assert (void.status_code, void.json()["rule"]) == (409, "void-code")
    buyers = (await code_of(world, ticket["id"], world.buyer)).json()
    assert buyers["version"] == 1
    assert (await scan(world, buyers["code"], staff)).status_code == 200


async def test_the_buyer_resells_within_the_cap_and_it_is_for_sale_again(world: World) -> None:
    ticket = await approved_ticket(world)
    await sold_to_buyer(world, ticket)
    url = f"/api/tickets/{ticket['id']}/resale"
    assert (
        await world.client.post(url, json={"price": "45"}, headers=world.seller)
    ).status_code == 403
    over = await world.client.post(url, json={"price": "60"}, headers=world.buyer)
    assert (over.status_code, over.json()["max_price"]) == (400, "51.00")  # 42.50 x 1.20
    relisted = await world.client.post(url, json={"price": "51"}, headers=world.buyer)
    assert (relisted.status_code, relisted.json()["status"]) == (200, "approved")
    for_sale = (await world.client.get("/api/tickets")).json()["results"]
    assert [(t["id"], t["user_id"]) for t in for_sale] == [(ticket["id"], world.buyer_id)]


async def test_the_list_shows_only_what_can_be_bought_unless_asked(world: World) -> None:
    soon = await approved_ticket(world, "Soon")
    later = listing("Later", "20.00")
    later["event_starts_at"] = (datetime.now(UTC) + timedelta(days=60)).isoformat()
    later_id = (await world.client.post("/api/tickets", json=later, headers=world.seller)).json()[
        "id"
    ]
    await inject(world.isolated, events.TicketApproved(id=later_id, version=0, case_id="c2"))
    await eventually(lambda: _in(later_id, "approved"))
    screening = await list_ticket(world, "Screening")
    reserved = await approved_ticket(world, "Reserved")
    await inject(
        world.isolated,
        events.OrderCreated(
            id="o9",
            version=0,
            status=events.OrderStatus.CREATED,
            user_id=world.buyer_id,
            expires_at=datetime.now(UTC) + timedelta(minutes=15),
            ticket=events.OrderTicket(id=reserved["id"], price=reserved["price"], user_id="s"),
        ),
    )
    await eventually(lambda: Ticket.find_one({"_id": reserved["id"], "order_id": "o9"}))

    async def titles(**params: str) -> list[str]:
        page = (await world.client.get("/api/tickets", params=params)).json()
        return [t["title"] for t in page["results"]]

    assert await titles(sort="soonest") == ["Soon", "Later"]
    assert await titles(starts_after=(datetime.now(UTC) + timedelta(days=45)).isoformat()) == [
        "Later"
    ]
    # A number is no time (a query's datetime would otherwise take it as a timestamp).
    refused = await world.client.get("/api/tickets", params={"starts_after": "0.0"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "starts_after"
    every = await titles(for_sale="false", sort="oldest")
    assert every == ["Soon", "Later", "Screening", "Reserved"]
    assert screening["status"] == "waiting_moderation"
    assert soon["title"] == "Soon"
